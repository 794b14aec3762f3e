"""Phrase matching: a sentence's tokens -> mentions of places, actors, cues, numbers, dates.

One pass over the tokens with dictionary lookups (no regular expressions per phrase): at each
position the longest phrase of every family (places; actors and parties; event cues; and so
on) that starts there is found through a first-token table. A phrase inside a longer phrase of
the same family is dropped ("strike" inside "air strike"); phrases of different families may
overlap ("Russian warplanes" is an actor and holds the air-strike cue "warplanes").

Before lookup each token is folded (:func:`sitrep.understand.text.fold`) and, when the folded
token is in no dictionary, resolved: Arabic proclitics are stripped (و ف ب ل ك, لل -> ال) and
pronoun suffixes tried, Russian and Ukrainian case endings are cut (up to three letters), an
English plural "s" is dropped. Resolutions are cached per process.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence, Set
from typing import Final, NamedTuple

from sitrep.understand.text import fold

FAMILY: Final[dict[str, str]] = {
    "actor": "who",
    "party": "who",
    "source": "who",
    "victim": "victim",
    "place": "place",
}
"""Kinds that compete for the same words; any other kind is its own family."""


class Mention(NamedTuple):
    """A phrase found at tokens ``start:end`` of a sentence, of ``kind``, with its ``value``
    (place indices for ``place``, actor entries for ``actor``, a number for ``num``...)."""

    start: int
    end: int
    kind: str
    value: object


_RESOLVE_CACHE_LIMIT: Final = 100_000
_new: Final = tuple.__new__  # builds a Mention without the Python-level NamedTuple.__new__
_TERM: Final = 1
_PLACE: Final = 2
_KEY: Final = _TERM | _PLACE
_PREFIX: Final = 4


class PhraseIndex:
    """Every dictionary's phrases, keyed by folded tokens joined with spaces.

    ``terms`` holds (kind, value) pairs per key; ``places`` is the gazetteer's key index
    (kept as is: it is large and already built).
    """

    def __init__(
        self,
        terms: Mapping[str, Sequence[tuple[str, object]]],
        places: Mapping[str, Sequence[int]],
        places_prefixes: Set[str],
        vocabulary: Set[str],
    ) -> None:
        # per key, one (kind, value) per family: a family's first meaning of a phrase wins
        self.terms = {key: _one_per_family(values) for key, values in terms.items()}
        self.places = places
        prefixes = set(places_prefixes)
        words = set(vocabulary)
        for key in terms:
            parts = key.split(" ")
            prefixes.update(" ".join(parts[:n]) for n in range(1, len(parts)))
            words.update(parts)
        # one lookup per step of the scan: what a token sequence is (a key of terms, of
        # places, the beginning of a longer key), as bits
        steps: dict[str, int] = dict.fromkeys(prefixes, _PREFIX)
        for key in terms:
            steps[key] = steps.get(key, 0) | _TERM
        for key in places:
            steps[key] = steps.get(key, 0) | _PLACE
        self.steps = steps
        self.vocabulary = frozenset(words)
        self._resolved: dict[str, str] = {}
        self._folded: dict[str, str] = {}

    # -- tokens ------------------------------------------------------------------------------

    def resolve(self, token: str) -> str:
        """The dictionary form of a folded token (see the module docstring)."""
        found = self._resolved.get(token)
        if found is not None:
            return found
        if len(self._resolved) > _RESOLVE_CACHE_LIMIT:
            self._resolved.clear()
        resolved = token
        if token not in self.vocabulary and len(token) > 2:
            for candidate in _variants(token):
                if candidate in self.vocabulary:
                    resolved = candidate
                    break
        self._resolved[token] = resolved
        return resolved

    def fold_tokens(self, raw: Iterable[str]) -> list[str]:
        """Fold and resolve a sentence's raw tokens (cached per raw token)."""
        known = self._folded
        out: list[str] = []
        for token in raw:
            found = known.get(token)
            if found is None:
                if len(known) > _RESOLVE_CACHE_LIMIT:
                    known.clear()
                found = known[token] = self.resolve(fold(token))
            out.append(found)
        return out

    # -- phrases -----------------------------------------------------------------------------

    def mentions(self, tokens: Sequence[str]) -> list[Mention]:
        """All mentions in a sentence's resolved tokens, by start position (longest first)."""
        found: list[Mention] = []
        terms, places, steps = self.terms, self.places, self.steps
        n = len(tokens)
        for i in range(n):
            key = tokens[i]
            step = steps.get(key)
            if not step:
                continue
            hits: list[tuple[int, str]] = []
            m = 1
            while True:
                if step & _KEY:
                    hits.append((m, key))
                if not step & _PREFIX or i + m >= n:
                    break
                key = f"{key} {tokens[i + m]}"
                m += 1
                step = steps.get(key, 0)
                if not step:
                    break
            if len(hits) == 1:  # the common case: one phrase starts here
                m, key = hits[0]
                for kind, value, _ in terms.get(key, ()):
                    found.append(_new(Mention, (i, i + m, kind, value)))
                indices = places.get(key)
                if indices:
                    found.append(_new(Mention, (i, i + m, "place", indices)))
                continue
            families: set[str] = set()
            got_place = False
            for m, key in reversed(hits):  # longest first: a family's longest phrase wins
                added: set[str] = set()
                for kind, value, family in terms.get(key, ()):
                    if family not in families:
                        found.append(_new(Mention, (i, i + m, kind, value)))
                        added.add(family)
                families |= added
                if not got_place:
                    indices = places.get(key)
                    if indices:
                        got_place = True
                        found.append(_new(Mention, (i, i + m, "place", indices)))
        return _drop_contained(found)


def _one_per_family(values: Sequence[tuple[str, object]]) -> tuple[tuple[str, object, str], ...]:
    out: list[tuple[str, object, str]] = []
    seen: set[str] = set()
    for kind, value in values:
        family = FAMILY.get(kind, kind)
        if family not in seen or kind not in {k for k, _, _ in out}:
            out.append((kind, value, family))
            seen.add(family)
    return tuple(out)


def _drop_contained(found: list[Mention]) -> list[Mention]:
    """Drop a mention lying inside a longer one of the same family (``found`` is ordered by
    start, longest first at each start)."""
    kept: list[Mention] = []
    reach: dict[str, tuple[int, int]] = {}  # family -> (furthest end, start of that mention)
    for mention in found:
        family = FAMILY.get(mention.kind, mention.kind)
        previous = reach.get(family)
        if previous is not None:
            end, start = previous
            if mention.end < end or (mention.end == end and mention.start > start):
                continue
            if mention.end > end:
                reach[family] = (mention.end, mention.start)
        else:
            reach[family] = (mention.end, mention.start)
        kept.append(mention)
    return kept


_AR_CONJ: Final = "وف"
_AR_PREP: Final = "بلك"
_AR_SUFFIXES: Final = ("هما", "هم", "ها", "ه", "ي", "ات", "ين", "ون", "ان", "ا")
_CYR_MAX_CUT: Final = 3


def _variants(token: str) -> list[str]:
    """Candidate dictionary forms of a folded token not found as is, most likely first."""
    first = token[0]
    if "\u0600" <= first <= "\u06ff":
        return _arabic_variants(token)
    if "\u0400" <= first <= "\u04ff":
        stems = [token[:-cut] for cut in range(1, _CYR_MAX_CUT + 1) if len(token) - cut >= 3]
        out = [stem for stem in stems if len(stem) >= 4]
        out += [stem + ending for stem in stems[:2] for ending in ("ь", "а", "я", "е", "и", "ы")]
        return out
    if token.endswith("s") and len(token) > 3:
        return [token[:-1], token[:-2]] if token.endswith("es") else [token[:-1]]
    return []


def _arabic_variants(token: str) -> list[str]:
    stems = [token]
    if token[0] in _AR_CONJ and len(token) > 3:
        stems.append(token[1:])
    for stem in list(stems):
        if stem.startswith("لل") and len(stem) > 3:
            stems.append("ال" + stem[2:])
        elif stem[0] in _AR_PREP and len(stem) > 3:
            stems.append(stem[1:])
    out = stems[1:]
    for stem in stems:
        for suffix in _AR_SUFFIXES:
            if stem.endswith(suffix) and len(stem) - len(suffix) >= 3:
                out.append(stem[: -len(suffix)])
                if suffix == "ات":  # غارات -> غاره (feminine plural of a ta marbuta noun)
                    out.append(stem[:-2] + "ه")
    for stem in stems:
        if stem.startswith("ال") and len(stem) > 4:
            out.append(stem[2:])
    return out

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

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from sitrep.understand.text import fold

FAMILY: Final[dict[str, str]] = {
    "actor": "who",
    "party": "who",
    "source": "who",
    "victim": "victim",
    "place": "place",
}
"""Kinds that compete for the same words; any other kind is its own family."""


@dataclass(frozen=True, slots=True)
class Mention:
    """A phrase found at tokens ``start:end`` of a sentence, of ``kind``, with its ``value``
    (place indices for ``place``, actor entries for ``actor``, a number for ``num``...)."""

    start: int
    end: int
    kind: str
    value: object


_RESOLVE_CACHE_LIMIT: Final = 100_000


class PhraseIndex:
    """Every dictionary's phrases, keyed by folded tokens joined with spaces.

    ``terms`` holds (kind, value) pairs per key; ``places`` is the gazetteer's key index
    (kept as is: it is large and already built).
    """

    def __init__(
        self,
        terms: Mapping[str, Sequence[tuple[str, object]]],
        places: Mapping[str, Sequence[int]],
        places_first: Mapping[str, int],
        places_vocabulary: set[str],
    ) -> None:
        self.terms = terms
        self.places = places
        first = dict(places_first)
        vocabulary = set(places_vocabulary)
        for key in terms:
            parts = key.split(" ")
            if first.get(parts[0], 0) < len(parts):
                first[parts[0]] = len(parts)
            vocabulary.update(parts)
        self.first = first
        self.vocabulary = vocabulary
        self._resolved: dict[str, str] = {}

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
        """Fold and resolve a sentence's raw tokens."""
        resolve = self.resolve
        return [resolve(fold(t)) for t in raw]

    # -- phrases -----------------------------------------------------------------------------

    def mentions(self, tokens: Sequence[str]) -> list[Mention]:
        """All mentions in a sentence's resolved tokens, by start position."""
        found: list[Mention] = []
        first, terms, places = self.first, self.terms, self.places
        n = len(tokens)
        for i in range(n):
            longest = first.get(tokens[i])
            if not longest:
                continue
            families: set[str] = set()  # families already found at this position (longest first)
            got_place = False
            for m in range(min(longest, n - i), 0, -1):
                key = tokens[i] if m == 1 else " ".join(tokens[i : i + m])
                values = terms.get(key)
                if values:
                    added: set[str] = set()
                    for kind, value in values:
                        family = FAMILY.get(kind, kind)
                        if family not in families:
                            found.append(Mention(i, i + m, kind, value))
                            added.add(family)
                    families |= added
                if not got_place:
                    indices = places.get(key)
                    if indices:
                        got_place = True
                        found.append(Mention(i, i + m, "place", indices))
        return _drop_contained(found)


def _drop_contained(found: list[Mention]) -> list[Mention]:
    """Drop a mention lying inside a longer one of the same family."""
    if len(found) < 2:
        return found
    kept: list[Mention] = []
    spans: dict[str, list[tuple[int, int]]] = {}
    for mention in sorted(found, key=lambda m: (m.start, m.start - m.end)):
        family = FAMILY.get(mention.kind, mention.kind)
        taken = spans.setdefault(family, [])
        if any(
            s <= mention.start and mention.end <= e and (s, e) != (mention.start, mention.end)
            for s, e in taken
        ):
            continue
        taken.append((mention.start, mention.end))
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

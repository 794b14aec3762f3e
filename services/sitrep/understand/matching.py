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

from collections.abc import Callable, Iterable, Mapping, Sequence, Set
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
_LONGER: Final = 1
_MEANS: Final = 2
_new: Final = tuple.__new__  # builds a Mention without the Python-level NamedTuple.__new__


class PhraseIndex:
    """Every dictionary's phrases, keyed by folded tokens joined with spaces.

    ``terms`` holds (kind, value) pairs per key; ``places`` is the gazetteer's key index
    (kept as is: it is large and already built); a place mention's value is what
    ``place_value`` makes of a key and its place indices (asked once per key; the indices as
    a tuple by default). ``steps`` tells, in one lookup per step of the scan, whether a token
    sequence means anything and whether a longer key continues it.
    """

    def __init__(
        self,
        terms: Mapping[str, Sequence[tuple[str, object]]],
        places: Mapping[str, Sequence[int]],
        places_prefixes: Set[str],
        vocabulary: Set[str],
        place_value: Callable[[str, Sequence[int]], object] = lambda _, indices: tuple(indices),
    ) -> None:
        # per key, one (kind, value) per family: a family's first meaning of a phrase wins
        self.terms = {key: _one_per_family(values) for key, values in terms.items()}
        self.places = places
        self._place_value = place_value
        prefixes = set(places_prefixes)
        words: list[str] = []
        for key in terms:
            parts = key.split(" ")
            prefixes.update(" ".join(parts[:n]) for n in range(1, len(parts)))
            words.extend(parts)
        # one lookup per step of the scan: whether a key continues (a longer key starts with
        # it) and whether it means anything (a key of terms or of places), as bits; the many
        # place keys go in at C speed, the fewer prefixes and terms one by one
        steps: dict[str, int] = dict.fromkeys(places, _MEANS)
        steps.update(dict.fromkeys(terms, _MEANS))
        for key in prefixes:
            steps[key] = steps.get(key, 0) | _LONGER
        self.steps: Final = steps
        # what a key means, as (kind, value, family) triples with the place last, built the
        # first time the key is met (building all of them would slow the load)
        self._meanings: dict[str, tuple[tuple[str, object, str], ...]] = {}
        self.vocabulary = frozenset(vocabulary).union(words)
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
        out = list(map(known.get, raw))
        if not all(out):  # a token met for the first time (a warm worker knows most)
            if len(known) > _RESOLVE_CACHE_LIMIT:
                known.clear()
            for n, token in enumerate(raw):
                if out[n] is None:
                    out[n] = known[token] = self.resolve(fold(token))
        return out  # type: ignore[return-value]

    # -- phrases -----------------------------------------------------------------------------

    def meaning(self, key: str) -> tuple[tuple[str, object, str], ...]:
        """What a key means: (kind, value, family) triples, a place (its indices) last."""
        found = self._meanings.get(key)
        if found is None:
            found = self.terms.get(key, ())
            indices = self.places.get(key)
            if indices:
                found = (*found, ("place", self._place_value(key, indices), "place"))
            self._meanings[key] = found
        return found

    def mentions(self, tokens: Sequence[str]) -> list[Mention]:
        """All mentions in a sentence's resolved tokens, by start position (longest first).

        At each start the longest phrase of every family wins, and a mention lying inside a
        longer mention of the same family that started earlier is dropped, in the same pass.
        Only a phrase of several tokens can hold a later one, so only those are remembered
        (``reach``), and a one-token phrase outside all of them is taken as it is. Of two names
        of actors that overlap ("قوات الجيش" and "الجيش الوطني السوري" in "قوات الجيش الوطني
        السوري"), the longer is the name (the earlier on a tie).
        """
        found: list[Mention] = []
        append = found.append
        step_of = self.steps.get
        meanings = self._meanings
        # family -> (furthest end, start of that mention) of the phrases of several tokens
        # kept so far; ``covered`` is the furthest of those ends
        reach: dict[str, tuple[int, int]] = {}
        covered = 0
        crossed = False  # two names of actors overlap
        last = len(tokens) - 1
        for i, step in enumerate(map(step_of, tokens)):
            if step is None:
                continue
            token = tokens[i]
            # a longer phrase may start here; most often none does ("the", "on", "في")
            longer = step_of(f"{token} {tokens[i + 1]}") if step != _MEANS and i < last else None
            if longer is None:  # the token alone, if it means anything
                if step & _MEANS:
                    meaning = meanings.get(token) or self.meaning(token)
                    if i >= covered:
                        for kind, value, _ in meaning:
                            append(_new(Mention, (i, i + 1, kind, value)))
                    else:
                        crossed |= _keep(append, reach, i, i + 1, meaning, families=None)
                continue
            hits: list[tuple[int, str]] = [(i + 1, token)] if step & _MEANS else []
            key, end = f"{token} {tokens[i + 1]}", i + 2
            further: int | None = longer  # the two-token phrase, then each longer one
            while further is not None:
                if further & _MEANS:
                    hits.append((end, key))
                if not further & _LONGER or end > last:
                    break
                key = f"{key} {tokens[end]}"
                further = step_of(key)
                end += 1
            if not hits:
                continue
            families: set[str] | None = set() if len(hits) > 1 else None
            for stop, phrase in reversed(hits):  # longest first: a family's longest wins
                meaning = meanings.get(phrase) or self.meaning(phrase)
                if stop - i == 1 and i >= covered and families is None:
                    for kind, value, _ in meaning:
                        append(_new(Mention, (i, stop, kind, value)))
                    continue
                crossed |= _keep(append, reach, i, stop, meaning, families=families)
                if stop - i > 1 and stop > covered:
                    covered = stop
        return _longest_names(found) if crossed else found


def _keep(
    append: Callable[[Mention], None],
    reach: dict[str, tuple[int, int]],
    start: int,
    end: int,
    meaning: tuple[tuple[str, object, str], ...],
    *,
    families: set[str] | None,
) -> bool:
    """Append the mentions of the phrase at ``start:end``, except those of a family that a
    longer phrase at the same start gave (``families``, updated) or that lie inside a longer
    mention of the same family (``reach``, updated for a phrase of several tokens). True when
    a name of an actor begins inside an earlier one and ends beyond it."""
    added: list[str] = []
    several = end - start > 1
    crossed = False
    for kind, value, family in meaning:
        if families is not None:
            if family in families:
                continue
            added.append(family)
        previous = reach.get(family)
        if previous is not None:
            furthest, began = previous
            if end < furthest or (end == furthest and start > began):
                continue
            crossed = crossed or (family == "who" and began < start < furthest)
            if end > furthest and several:
                reach[family] = (end, start)
        elif several:
            reach[family] = (end, start)
        append(_new(Mention, (start, end, kind, value)))
    if families is not None:
        families.update(added)
    return crossed


def _longest_names(found: list[Mention]) -> list[Mention]:
    """Of two overlapping names of actors, keep the longer (the earlier on a tie)."""
    names = [m for m in found if FAMILY.get(m.kind) == "who"]
    dropped: set[tuple[int, int]] = set()
    for n, a in enumerate(names):
        for b in names[n + 1 :]:
            if b.start >= a.end:
                break
            if a.start < b.start and a.end < b.end:
                if (a.start, a.end) in dropped or (b.start, b.end) in dropped:
                    continue
                loser = a if b.end - b.start > a.end - a.start else b
                dropped.add((loser.start, loser.end))
    return [m for m in found if not (FAMILY.get(m.kind) == "who" and (m.start, m.end) in dropped)]


def _one_per_family(values: Sequence[tuple[str, object]]) -> tuple[tuple[str, object, str], ...]:
    out: list[tuple[str, object, str]] = []
    seen: set[str] = set()
    for kind, value in values:
        family = FAMILY.get(kind, kind)
        if family not in seen or kind not in {k for k, _, _ in out}:
            out.append((kind, value, family))
            seen.add(family)
    return tuple(out)


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

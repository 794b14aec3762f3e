"""Fatalities, coded like ACLED: the lowest credible figure of people killed.

A number counts as deaths when the nearest outcome word to it (either side, a few tokens away)
is a death word ("killed", "قتلى", "погибли"), not an injury word ("wounded", "جرحى"); the
death toll ("the toll rose to 30") replaces the sum. Vague quantities follow ACLED: "tens" 10,
"dozens" 12, "hundreds" 100, "several"/"a few" 3. A death word next to a singular victim
("killed a soldier", "مقتل عنصر") is one, an Arabic dual ("عنصرين") two, an unnumbered plural
("killed civilians", "مقتل عناصر") three. Numbers that are years, times, distances or days of
a month are never counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from typing import Final

from sitrep.understand.lexicon import ARABIC_DUALS, ARABIC_SINGULARS
from sitrep.understand.matching import Mention
from sitrep.understand.text import fold_phrase, join_key

_WINDOW: Final = 5
_NOT_COUNTS: Final = frozenset(
    join_key(fold_phrase(w))
    for w in [
        "km",
        "kilometres",
        "kilometers",
        "miles",
        "metres",
        "meters",
        "كم",
        "كيلومتر",
        "كيلومترا",
        "км",
        "кілометрів",
        "километров",
        "am",
        "pm",
        "gmt",
        "utc",
        "hours",
        "hour",
        "minutes",
        "ساعة",
        "الساعة",
        "ساعات",
        "дней",
        "днів",
        "days",
        "day",
        "years",
        "year",
        "months",
        "month",
        "عاما",
        "سنوات",
        "أيام",
        "يوما",
        "شهرا",
        "%",
        "percent",
        "بالمئة",
        "процентов",
        "tons",
        "ton",
        "brigade",
        "division",
        "regiment",
        "battalion",
        "اللواء",
        "الفرقة",
        "бригада",
        "бригады",
        "dollars",
        "دولار",
    ]
)
_DUALS: Final = frozenset(join_key(fold_phrase(w)) for w in ARABIC_DUALS)
_SINGULARS: Final = frozenset(join_key(fold_phrase(w)) for w in ARABIC_SINGULARS)
_ARTICLES: Final = frozenset({"a", "an", "one"})
_SINGULAR_DEATHS: Final = frozenset(
    join_key(fold_phrase(w))
    for w in ["погиб", "погибла", "убит", "загинув", "загинула", "قتيل", "شهيد", "tué", "tuée"]
)
_PLURAL_UNKNOWN: Final = 3


def count_fatalities(
    tokens: Sequence[str],
    mentions: Sequence[Mention],
    clauses: AbstractSet[int] = frozenset(),
    numerals: Sequence[tuple[int, int]] | None = None,
) -> tuple[int, bool]:
    """Deaths reported in one sentence and whether the figure is a toll (a running total).

    ``tokens`` are the sentence's folded tokens, ``mentions`` its mentions, ``clauses`` the
    positions where a coordinated clause starts ("and", Arabic و-): a number never belongs to
    an outcome word across such a boundary ("killed 3 and wounded 10"). ``numerals`` are the
    (position, value) of the tokens written in digits, when the caller has them already.
    """
    outcomes: list[tuple[int, str]] = []  # (position, "death" | "injury")
    numbers: list[tuple[int, int, bool]] = []  # (position, value, vague)
    victims: dict[int, str] = {}
    toll = False
    months: set[int] = set()
    for m in mentions:
        if m.kind == "death" or (m.kind == "cue" and m.value in ("kill", "execute")):
            outcomes.append((m.start, "death"))
        elif m.kind == "injury" or (m.kind == "cue" and m.value == "wound"):
            outcomes.append((m.start, "injury"))
        elif m.kind == "num" and isinstance(m.value, int):
            numbers.append((m.start, m.value, False))
        elif m.kind == "vague" and isinstance(m.value, int):
            numbers.append((m.start, m.value, True))
        elif m.kind == "victim" and isinstance(m.value, str):
            victims[m.start] = m.value
        elif m.kind == "mod" and m.value == "toll":
            toll = True
        elif m.kind == "month":
            months.update((m.start - 1, m.end))
    if not outcomes:
        return 0, False
    if numerals is None:
        numerals = [(i, int(token)) for i, token in enumerate(tokens) if token.isdecimal()]
    numbers.extend((i, value, False) for i, value in numerals)
    numbers = _counts_only(numbers, tokens, months)
    deaths: list[int] = []
    for position, value, _vague in sorted(numbers):
        nearest = _nearest_outcome(position, outcomes, clauses)
        if nearest is None or nearest[1] != "death":
            continue
        if value == 1 and tokens[position] in _ARTICLES and not _victim_next(position, victims):
            continue  # "a" counts only as "a soldier", "a civilian"
        deaths.append(value)
    if not deaths:
        implied = _implied(tokens, outcomes, victims)
        return implied, False
    if toll:
        return max(deaths), True
    return sum(deaths), False


def _counts_only(
    numbers: list[tuple[int, int, bool]], tokens: Sequence[str], months: set[int]
) -> list[tuple[int, int, bool]]:
    kept: list[tuple[int, int, bool]] = []
    positions = {p for p, _, _ in numbers}
    for position, value, vague in numbers:
        if position in months or value >= 1900 or value <= 0:
            continue
        after = tokens[position + 1] if position + 1 < len(tokens) else ""
        if after in _NOT_COUNTS:
            continue
        if vague and position + 1 in positions:
            continue  # "some 20 people": the number wins
        kept.append((position, value, vague))
    return kept


def _nearest_outcome(
    position: int, outcomes: list[tuple[int, str]], clauses: AbstractSet[int]
) -> tuple[int, str] | None:
    best: tuple[int, str] | None = None
    best_distance = _WINDOW + 1.0
    for where, what in outcomes:
        low, high = min(where, position), max(where, position)
        if any(low < c <= high for c in clauses):
            continue
        distance = float(high - low)
        if where > position:
            distance -= 0.5  # a tie goes to the following word
        if distance < best_distance:
            best, best_distance = (where, what), distance
    return best


def _victim_next(position: int, victims: dict[int, str]) -> bool:
    return any(position < p <= position + 2 for p in victims)


def _implied(
    tokens: Sequence[str], outcomes: list[tuple[int, str]], victims: dict[int, str]
) -> int:
    """Deaths implied without a number: a singular victim 1, an Arabic dual 2, a plural 3."""
    for where, what in outcomes:
        if what != "death":
            continue
        for p in range(max(0, where - 3), min(len(tokens), where + 4)):
            token = tokens[p]
            if token in _DUALS:
                return 2
            if p != where and token in _SINGULARS:
                return 1
            if p in victims and (
                (p > 0 and tokens[p - 1] in _ARTICLES) or (token.isascii() and token[-1] != "s")
            ):
                return 1
        if tokens[where] in _SINGULAR_DEATHS:
            return 1
        if any(abs(p - where) <= 3 for p in victims):
            return _PLURAL_UNKNOWN
    return 0

"""When an event happened, from the cues of its sentence and the publication time.

The publication time is first moved to the local time of the country reported on (a post at
22:30 UTC from Syria is already the next day there). Then the first cue of the sentence wins:

- a day of a month ("December 3", "3 كانون الأول", "3 декабря") -> that date, in the
  publication's year unless that lies in the future (then the year before);
- a weekday ("on Saturday", "late Friday", "يوم الجمعة") -> its latest date not after the
  publication date (the same day when the weekday is today's);
- a relative day ("yesterday", "overnight", "أمس", "вчера") -> publication date plus offset;
- "last week" / "this week" -> ACLED time precision 2; "last month" -> precision 3.

Without a cue the caller falls back to an earlier sentence's date or the publication date.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Final

from sitrep.understand.matching import Mention
from sitrep.understand.taxonomy import TIME_DAY, TIME_MONTH, TIME_WEEK

UTC_OFFSET_HOURS: Final[dict[str, float]] = {
    "SY": 3, "IQ": 3, "JO": 3, "TR": 3, "RU": 3, "YE": 3, "SA": 3, "IR": 3.5, "LB": 2,
    "PS": 2, "IL": 2, "UA": 2, "SD": 2, "SS": 2, "LY": 2, "EG": 2, "ML": 0, "BF": 0, "NE": 1,
    "NG": 1, "TD": 1, "SO": 3, "ET": 3,
}  # fmt: skip
"""Standard local time of the countries reported on most (winter time where it differs)."""

LANGUAGE_OFFSET_HOURS: Final[dict[str, float]] = {"ar": 3, "uk": 2, "ru": 3, "fr": 0}
_DATE_KINDS: Final = frozenset({"month", "weekday", "date", "week", "monthword"})


def local_date(published_at: datetime, country: str | None, language: str | None) -> date:
    """The publication date in the local time of ``country`` (else guessed from language)."""
    if published_at.tzinfo is None:
        published_at = published_at.replace(tzinfo=UTC)
    hours = UTC_OFFSET_HOURS.get(country or "")
    if hours is None:
        hours = LANGUAGE_OFFSET_HOURS.get(language or "", 0.0)
    return (published_at.astimezone(UTC) + timedelta(hours=hours)).date()


def sentence_date(
    tokens: Sequence[str], mentions: Sequence[Mention], published: date
) -> tuple[date, int] | None:
    """The date and ACLED time precision a sentence's first date cue gives, or None."""
    for m in mentions:
        kind = m.kind
        if kind not in _DATE_KINDS:
            continue
        if kind == "month" and isinstance(m.value, int):
            day = _day_next_to(tokens, m.start, m.end)
            if day is not None:
                return _month_day(published, m.value, day), TIME_DAY
        elif kind == "weekday" and isinstance(m.value, int):
            back = (published.weekday() - m.value) % 7
            return published - timedelta(days=back), TIME_DAY
        elif kind == "date" and isinstance(m.value, int):
            return published + timedelta(days=m.value), TIME_DAY
        elif kind == "week":
            return published - timedelta(days=3 if m.value else 0), TIME_WEEK
        elif kind == "monthword":
            return published.replace(day=1) - timedelta(
                days=1
            ) if m.value else published, TIME_MONTH
    return None


def _day_next_to(tokens: Sequence[str], start: int, end: int) -> int | None:
    for position in (start - 1, end, end + 1):
        if 0 <= position < len(tokens) and tokens[position].isdigit():
            value = int(tokens[position])
            if 1 <= value <= 31:
                return value
    return None


def _month_day(published: date, month: int, day: int) -> date:
    year = published.year
    for candidate_year in (year, year - 1):
        try:
            found = date(candidate_year, month, day)
        except ValueError:
            continue
        if found <= published + timedelta(days=1):
            return found
    return published

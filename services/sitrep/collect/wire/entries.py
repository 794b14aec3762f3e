"""What a feed parser hands on: a :class:`FeedDocument` of :class:`WireEntry` values.

Every format (RSS/Atom, ninjs, NewsML-G2) is parsed into these format-free records; turning an
entry into a :class:`~sitrep.records.model.RawItem` (identity, version, provenance) happens in
:mod:`sitrep.collect.wire.items`. Pure code.
"""

from __future__ import annotations

import email.utils
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final, Literal

FeedFormat = Literal["rss", "atom", "ninjs", "newsml"]
"""Formats as the sources file names them; RSS 0.9x, 1.0 (RDF) and 2.0 are all ``rss``."""

FEED_FORMATS: Final[tuple[FeedFormat, ...]] = ("rss", "atom", "ninjs", "newsml")

FailureOutcome = Literal["malformed", "truncated", "unsafe_xml", "wrong_content_type"]
"""Why a fetched body could not be read; also the ``outcome`` label of the fetch metric."""


class FeedError(ValueError):
    """A feed body could not be read. ``outcome`` is a short, bounded class (a metric label);
    ``str(err)`` is the reason a person can act on."""

    def __init__(self, outcome: FailureOutcome, reason: str) -> None:
        super().__init__(reason)
        self.outcome: FailureOutcome = outcome
        self.reason = reason


@dataclass(frozen=True, slots=True)
class WireEntry:
    """One item as a feed document carries it; text is clean, times are aware UTC.

    ``summary_only`` says the document carried a summary (RSS description, ninjs description,
    NITF abstract) rather than the article body, so the opt-in full-text fetch may improve it.
    ``dateline`` and ``attribution`` are the ones the format states explicitly (NewsML-G2
    ``dateline``/``infoSource``, ninjs ``infoSources``); the ones written in the text are found
    later. ``located`` is where the content originates (NewsML-G2 ``located``, ninjs
    ``located``), the dateline of last resort. ``outlet`` is the document's own provider or channel name.
    ``deleted`` marks an item the publisher withdrew (``stat:canceled``, ``pubStatus: canceled``).
    """

    guid: str | None = None
    link: str | None = None
    title: str | None = None
    text: str = ""
    summary_only: bool = False
    published_at: datetime | None = None
    updated_at: datetime | None = None
    lang: str | None = None
    byline: str | None = None
    dateline: str | None = None
    located: str | None = None
    attribution: str | None = None
    outlet: str | None = None
    subjects: tuple[str, ...] = ()
    deleted: bool = False


@dataclass(frozen=True, slots=True)
class FeedDocument:
    """A parsed feed body: its format, its entries in document order, and lenient-parse notes."""

    format: FeedFormat
    entries: tuple[WireEntry, ...]
    title: str | None = None
    lang: str | None = None
    warnings: tuple[str, ...] = ()


def parse_time(text: str | None) -> datetime | None:
    """An ISO-8601 or RFC 2822 time as aware UTC; a time without offset is taken as UTC and a
    bare date as midnight UTC. Returns None for empty or unreadable input (never raises)."""
    if not text:
        return None
    value = text.strip()
    if not value:
        return None
    moment: datetime | None
    try:
        moment = datetime.fromisoformat(value.replace("z", "Z"))
    except ValueError:
        try:
            moment = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def first_text(*values: object) -> str | None:
    """The first value that is a non-blank string, stripped; None when there is none."""
    for value in values:
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def unique(values: list[str]) -> tuple[str, ...]:
    """Non-blank values, stripped, first occurrence kept, order kept."""
    seen: dict[str, None] = {}
    for value in values:
        cleaned = " ".join(value.split())
        if cleaned and cleaned not in seen:
            seen[cleaned] = None
    return tuple(seen)

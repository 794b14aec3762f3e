"""Record types: raw item -> report (with event candidates) -> event.

Times are ISO-8601 strings in UTC with a ``Z`` suffix (``2024-12-06T21:14:03Z``) so that the
JSON form is the same in every language; helpers in :mod:`sitrep.records.times` convert.
Identifiers are strings:

- ``RawItem.item_id`` = ``"{source_kind}:{source_id}:{native_id}"`` — stable across versions;
- ``Report.report_id`` = ``item_id`` (a new version of the item is a new version of the report);
- ``EventCandidate.candidate_id`` = ``"{report_id}#{n}"``;
- ``Event.event_id`` = ``"ev-"`` + 16 hex digits, stable for the life of the event.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final, Literal

SourceKind = Literal["telegram", "wire"]
SourceRole = Literal["party", "state_media", "wire", "monitor", "local_media", "other"]
ClaimStatus = Literal["claimed", "reported", "corroborated", "disputed", "retracted"]
Stance = Literal["affirm", "deny"]

SOURCE_KINDS: Final = ("telegram", "wire")
SOURCE_ROLES: Final = ("party", "state_media", "wire", "monitor", "local_media", "other")
CLAIM_STATUSES: Final = ("claimed", "reported", "corroborated", "disputed", "retracted")

RAW_ITEM_SCHEMA: Final = "sitrep.raw_item"
REPORT_SCHEMA: Final = "sitrep.report"
EVENT_SCHEMA: Final = "sitrep.event"
SCHEMA_VERSION: Final = 1


@dataclass(frozen=True, slots=True)
class SchemaRef:
    name: str
    version: int = SCHEMA_VERSION


@dataclass(frozen=True, slots=True)
class Forward:
    """Where a forwarded Telegram post came from (``MessageFwdHeader``)."""

    channel_id: str | None = None
    message_id: int | None = None
    date: str | None = None
    from_name: str | None = None


@dataclass(frozen=True, slots=True)
class Media:
    """A summary of one attached media object; the media itself is never downloaded by default."""

    type: str
    mime: str | None = None
    size: int | None = None
    file_unique_id: str | None = None
    url: str | None = None
    caption: str | None = None


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a raw item came from, down to the message id or the wire URL.

    Telegram fields and wire fields share this one type; each collector fills its own.
    """

    # telegram
    channel_username: str | None = None
    channel_title: str | None = None
    forward: Forward | None = None
    reply_to: int | None = None
    album_id: str | None = None
    album_message_ids: tuple[int, ...] = ()
    media: tuple[Media, ...] = ()
    views: int | None = None
    forwards: int | None = None
    links: tuple[str, ...] = ()
    hashtags: tuple[str, ...] = ()
    mentions: tuple[str, ...] = ()
    edited: bool = False
    # wire
    feed_url: str | None = None
    feed_format: str | None = None
    outlet: str | None = None
    byline: str | None = None
    dateline: str | None = None
    attribution: str | None = None
    guid: str | None = None
    subjects: tuple[str, ...] = ()
    published_at_estimated: bool = False


@dataclass(frozen=True, slots=True)
class RawItem:
    """One item as a collector saw it (topic ``sitrep.raw.v1``, key = ``source_id``).

    ``version`` grows with each edit (Telegram edit date as epoch seconds; wire: a counter of
    content changes under the same GUID). ``deleted`` marks a tombstone: the item was deleted at
    the source; ``text`` is then empty.
    """

    item_id: str
    source_kind: SourceKind
    source_id: str
    native_id: str
    text: str
    collected_at: str
    version: int = 0
    published_at: str | None = None
    title: str | None = None
    url: str | None = None
    lang: str | None = None
    deleted: bool = False
    provenance: Provenance = field(default_factory=Provenance)
    schema: SchemaRef = field(default_factory=lambda: SchemaRef(RAW_ITEM_SCHEMA))


@dataclass(frozen=True, slots=True)
class Location:
    name: str
    country: str
    latitude: float
    longitude: float
    geo_precision: int  # ACLED: 1 the town itself, 2 near / part of a region, 3 province only
    geonames_id: int | None = None
    admin1: str | None = None
    admin2: str | None = None
    country_code: str | None = None


@dataclass(frozen=True, slots=True)
class Actor:
    """An ACLED-style actor: ``inter`` is ACLED's code (1 state forces … 8 external/other)."""

    name: str
    inter: int
    role: Literal["actor1", "actor2", "assoc"] = "actor1"


@dataclass(frozen=True, slots=True)
class EventCandidate:
    """One event found in one report, before it is merged with other reports."""

    candidate_id: str
    event_type: str
    sub_event_type: str
    occurred_on: str  # ISO date
    time_precision: int  # ACLED: 1 day, 2 week, 3 month
    location: Location | None
    actors: tuple[Actor, ...]
    fatalities: int
    claim_status: ClaimStatus
    claimed_by: str | None = None
    stance: Stance = "affirm"
    salience: float = 1.0
    evidence: str = ""


@dataclass(frozen=True, slots=True)
class Report:
    """One raw item normalized (topic ``sitrep.reports.v1``, key = ``report_id``)."""

    report_id: str
    item_id: str
    source_kind: SourceKind
    source_id: str
    native_id: str
    version: int
    language: str
    text: str
    collected_at: str
    processed_at: str
    source_role: SourceRole
    candidates: tuple[EventCandidate, ...] = ()
    published_at: str | None = None
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    source_side: str | None = None
    origin_id: str | None = None  # the first report this one copies (forward, repost)
    copy_reason: str | None = None
    deleted: bool = False
    provenance: Provenance = field(default_factory=Provenance)
    schema: SchemaRef = field(default_factory=lambda: SchemaRef(REPORT_SCHEMA))


@dataclass(frozen=True, slots=True)
class MergeReason:
    """Why a report's candidate joined an event (all numbers as measured at merge time)."""

    rule: str  # "seed", "same_event", "copy", ...
    score: float = 1.0
    distance_km: float | None = None
    time_gap_hours: float | None = None
    shared_actors: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class EventReportLink:
    report_id: str
    candidate_id: str
    source_id: str
    source_kind: SourceKind
    source_role: SourceRole
    reason: MergeReason
    outlet: str | None = None
    source_side: str | None = None
    stance: Stance = "affirm"
    copy_of: str | None = None
    published_at: str | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Corroboration:
    independent_sources: int = 0
    outlets: tuple[str, ...] = ()
    sides: tuple[str, ...] = ()
    reports: int = 0
    copies: int = 0
    denials: int = 0


@dataclass(frozen=True, slots=True)
class Event:
    """A real-world event (topic ``sitrep.events.v1``, key = ``event_id``, compacted).

    ``version`` grows by one each time the event changes; consumers keep the highest version
    per key. A ``retracted`` event keeps its row: every supporting report was deleted.
    """

    event_id: str
    version: int
    event_type: str
    sub_event_type: str
    occurred_on: str
    time_precision: int
    location: Location | None
    actors: tuple[Actor, ...]
    fatalities: int
    claim_status: ClaimStatus
    corroboration: Corroboration
    reports: tuple[EventReportLink, ...]
    first_seen: str
    last_seen: str
    updated_at: str
    claimed_by: tuple[str, ...] = ()
    schema: SchemaRef = field(default_factory=lambda: SchemaRef(EVENT_SCHEMA))


JsonDict = dict[str, Any]

"""Records as table rows: the one place that knows which record field lands in which column.

Pure code. Each ``*_COLUMNS`` tuple names the columns of a table in the order the matching
``*_row`` function returns values, so the SQL in :mod:`sitrep.store.sql` is generated from the
same list and cannot drift. Values are plain Python (``str``, ``int``, ``float``, ``bool``,
``None``); JSON columns get JSON text; times stay ISO-8601 strings (PostgreSQL parses them into
``timestamptz``/``date``, SQLite checks them with ``julianday``/``date``), so both databases
accept and reject the same rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final

from sitrep.records.codec import encode
from sitrep.records.model import Event, Report
from sitrep.records.times import parse_iso
from sitrep.sources import Source

SqlValue = str | int | float | bool | None
Row = tuple[SqlValue, ...]

EVENT_COLUMNS: Final = (
    "event_id",
    "version",
    "event_type",
    "sub_event_type",
    "occurred_on",
    "time_precision",
    "location_name",
    "geonames_id",
    "admin1",
    "admin1_key",
    "admin2",
    "country",
    "country_key",
    "country_code",
    "latitude",
    "longitude",
    "geo_precision",
    "actors",
    "fatalities",
    "claim_status",
    "claimed_by",
    "independent_sources",
    "outlets",
    "sides",
    "report_count",
    "copy_count",
    "denial_count",
    "first_seen",
    "last_seen",
    "updated_at",
    "record",
)

REVISION_COLUMNS: Final = (
    "event_id",
    "version",
    "claim_status",
    "independent_sources",
    "updated_at",
    "record",
)

ACTOR_COLUMNS: Final = ("event_id", "position", "actor_name", "actor_key", "inter", "role")

LINK_COLUMNS: Final = (
    "event_id",
    "candidate_id",
    "report_id",
    "source_kind",
    "source_id",
    "source_role",
    "outlet",
    "source_side",
    "stance",
    "copy_of",
    "published_at",
    "url",
    "merge_rule",
    "merge_score",
    "distance_km",
    "time_gap_hours",
    "shared_actors",
)

REPORT_COLUMNS: Final = (
    "report_id",
    "version",
    "item_id",
    "source_kind",
    "source_id",
    "native_id",
    "source_role",
    "source_side",
    "outlet",
    "language",
    "title",
    "url",
    "text",
    "published_at",
    "collected_at",
    "processed_at",
    "origin_id",
    "copy_reason",
    "candidate_count",
    "deleted",
    "record",
)

SOURCE_COLUMNS: Final = (
    "source_kind",
    "source_id",
    "role",
    "side",
    "outlet",
    "language",
    "channel",
    "url",
    "first_report_at",
    "last_report_at",
)


def name_key(name: str | None) -> str | None:
    """The case-insensitive lookup key of a name (country, admin1, actor): ``casefold`` + trim.

    Computed in Python, not SQL, because SQLite's ``lower`` only folds ASCII.
    """
    return None if name is None else " ".join(name.casefold().split())


def json_text(value: Any) -> str:
    """JSON text of a record or a value, with the project's one encoder."""
    return encode(value).decode("utf-8")


def event_row(event: Event, record: str | None = None) -> Row:
    """The ``events`` row of an event (its current version); ``record``: the event's JSON as
    it arrived, stored as is (else encoded here)."""
    loc = event.location
    cor = event.corroboration
    return (
        event.event_id,
        event.version,
        event.event_type,
        event.sub_event_type,
        event.occurred_on,
        event.time_precision,
        loc.name if loc else None,
        loc.geonames_id if loc else None,
        loc.admin1 if loc else None,
        name_key(loc.admin1) if loc else None,
        loc.admin2 if loc else None,
        loc.country if loc else None,
        name_key(loc.country) if loc else None,
        loc.country_code.upper() if loc and loc.country_code else None,
        loc.latitude if loc else None,
        loc.longitude if loc else None,
        loc.geo_precision if loc else None,
        json_text(event.actors),
        event.fatalities,
        event.claim_status,
        json_text(event.claimed_by),
        cor.independent_sources,
        json_text(cor.outlets),
        json_text(cor.sides),
        cor.reports,
        cor.copies,
        cor.denials,
        event.first_seen,
        event.last_seen,
        event.updated_at,
        json_text(event) if record is None else record,
    )


def revision_row(event: Event, record: str | None = None) -> Row:
    """The append-only ``event_revisions`` row of one event version (``record``: as for
    :func:`event_row`)."""
    return (
        event.event_id,
        event.version,
        event.claim_status,
        event.corroboration.independent_sources,
        event.updated_at,
        json_text(event) if record is None else record,
    )


def actor_rows(event: Event) -> list[Row]:
    """One ``event_actors`` row per actor, in the event's order."""
    return [
        (event.event_id, n, actor.name, name_key(actor.name), actor.inter, actor.role)
        for n, actor in enumerate(event.actors)
    ]


def link_rows(event: Event) -> list[Row]:
    """One ``event_reports`` row per supporting report candidate, with its merge reason."""
    return [
        (
            event.event_id,
            link.candidate_id,
            link.report_id,
            link.source_kind,
            link.source_id,
            link.source_role,
            link.outlet,
            link.source_side,
            link.stance,
            link.copy_of,
            link.published_at,
            link.url,
            link.reason.rule,
            link.reason.score,
            link.reason.distance_km,
            link.reason.time_gap_hours,
            json_text(link.reason.shared_actors),
        )
        for link in event.reports
    ]


def report_row(report: Report, record: str | None = None) -> Row:
    """The ``reports`` row of a report version (a tombstone has ``deleted`` true, empty text);
    ``record``: as for :func:`event_row`."""
    return (
        report.report_id,
        report.version,
        report.item_id,
        report.source_kind,
        report.source_id,
        report.native_id,
        report.source_role,
        report.source_side,
        report.outlet,
        report.language,
        report.title,
        report.url,
        report.text,
        report.published_at,
        report.collected_at,
        report.processed_at,
        report.origin_id,
        report.copy_reason,
        len(report.candidates),
        report.deleted,
        json_text(report) if record is None else record,
    )


def _moment(text: str) -> tuple[int, float | str]:
    try:
        return (0, parse_iso(text).timestamp())
    except ValueError:
        return (1, text)  # not a time: the database rejects the report; keep the order total


def report_source_rows(reports: Iterable[Report]) -> list[Row]:
    """One ``sources`` row per source of ``reports``, sorted by key.

    Role, side and outlet come from the source's most recently collected report; the report
    times span the earliest and latest ``collected_at``. Sorting gives concurrent sinks one lock
    order on the shared ``sources`` rows (no deadlocks between them).
    """
    spans: dict[tuple[str, str], tuple[Report, Report, Report]] = {}
    for report in reports:
        key = (report.source_kind, report.source_id)
        held = spans.get(key)
        if held is None:
            spans[key] = (report, report, report)
            continue
        first, last, latest = held
        at = _moment(report.collected_at)
        spans[key] = (
            report if at < _moment(first.collected_at) else first,
            report if at > _moment(last.collected_at) else last,
            report if at >= _moment(latest.collected_at) else latest,
        )
    return [
        (
            kind,
            source_id,
            latest.source_role,
            latest.source_side,
            latest.outlet,
            None,
            None,
            None,
            first.collected_at,
            last.collected_at,
        )
        for (kind, source_id), (first, last, latest) in sorted(spans.items())
    ]


def registry_source_row(source: Source) -> Row:
    """The ``sources`` row of an entry of the sources file (no report times yet)."""
    return (
        source.kind,
        source.id,
        source.role,
        source.side,
        source.outlet,
        source.language,
        source.channel,
        source.url,
        None,
        None,
    )

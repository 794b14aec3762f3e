"""The SQL the sink writes with, generated once per dialect from the column lists in ``rows``.

Pure code: strings only. Both dialects use the same statements except for placeholders
(``?`` / ``%s``), the clock expression and JSON editing; the version checks are identical:

- an event row is replaced only by a strictly higher version (``WHERE events.version <
  excluded.version``), and the statement returns the ids it inserted or replaced, so the
  actors and report links are rewritten exactly for the events whose current version changed;
- a report row is replaced by a higher version, or by a tombstone (``deleted``) of the same
  version; a deleted report is never brought back by a lower or equal version;
- a revision is inserted once per ``(event_id, version)`` and never changed.
"""

# ruff: noqa: S608 - SQL text is built from constant table and column names; values are bound

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from sitrep.store.rows import (
    ACTOR_COLUMNS,
    EVENT_COLUMNS,
    LINK_COLUMNS,
    REPORT_COLUMNS,
    REVISION_COLUMNS,
    SOURCE_COLUMNS,
)

Dialect = Literal["sqlite", "postgres"]


def placeholder(dialect: Dialect) -> str:
    return "?" if dialect == "sqlite" else "%s"


def now_sql(dialect: Dialect) -> str:
    """SQL for the current UTC time as stored in ``written_at``/``updated_at`` columns."""
    return "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')" if dialect == "sqlite" else "now()"


def _insert(dialect: Dialect, table: str, columns: Sequence[str]) -> str:
    marks = ", ".join(placeholder(dialect) for _ in columns)
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"


def _set_all(columns: Sequence[str], keys: Sequence[str]) -> str:
    return ", ".join(f"{c} = excluded.{c}" for c in columns if c not in keys)


@dataclass(frozen=True, slots=True)
class Statements:
    """Every write statement of one dialect."""

    upsert_event: str
    insert_revision: str
    delete_event: str
    delete_actors: str
    insert_actor: str
    delete_links: str
    insert_link: str
    upsert_report: str
    tombstone_report: str
    upsert_report_source: str
    upsert_registry_source: str


def statements(dialect: Dialect) -> Statements:
    p = placeholder(dialect)
    now = now_sql(dialect)
    if dialect == "postgres":
        tombstone_record = "jsonb_set(jsonb_set(record, '{deleted}', 'true'), '{text}', '\"\"')"
        first = "LEAST(sources.first_report_at, excluded.first_report_at)"
        last = "GREATEST(sources.last_report_at, excluded.last_report_at)"
    else:
        tombstone_record = "json_set(record, '$.deleted', json('true'), '$.text', '')"
        first = (
            "CASE WHEN sources.first_report_at IS NULL OR julianday(excluded.first_report_at)"
            " < julianday(sources.first_report_at) THEN excluded.first_report_at"
            " ELSE sources.first_report_at END"
        )
        last = (
            "CASE WHEN sources.last_report_at IS NULL OR julianday(excluded.last_report_at)"
            " > julianday(sources.last_report_at) THEN excluded.last_report_at"
            " ELSE sources.last_report_at END"
        )
    return Statements(
        upsert_event=(
            f"{_insert(dialect, 'events', EVENT_COLUMNS)}"
            f" ON CONFLICT (event_id) DO UPDATE SET {_set_all(EVENT_COLUMNS, ('event_id',))},"
            f" written_at = {now}"
            " WHERE events.version < excluded.version"
            " RETURNING event_id"
        ),
        insert_revision=(
            f"{_insert(dialect, 'event_revisions', REVISION_COLUMNS)}"
            " ON CONFLICT (event_id, version) DO NOTHING"
        ),
        delete_event=f"DELETE FROM events WHERE event_id = {p}",
        delete_actors=f"DELETE FROM event_actors WHERE event_id = {p}",
        insert_actor=_insert(dialect, "event_actors", ACTOR_COLUMNS),
        delete_links=f"DELETE FROM event_reports WHERE event_id = {p}",
        insert_link=_insert(dialect, "event_reports", LINK_COLUMNS),
        upsert_report=(
            f"{_insert(dialect, 'reports', REPORT_COLUMNS)}"
            f" ON CONFLICT (report_id) DO UPDATE SET {_set_all(REPORT_COLUMNS, ('report_id',))},"
            f" written_at = {now}"
            " WHERE reports.version < excluded.version"
            " OR (excluded.deleted AND NOT reports.deleted"
            " AND reports.version <= excluded.version)"
        ),
        tombstone_report=(
            f"UPDATE reports SET deleted = TRUE, text = '', record = {tombstone_record},"
            f" written_at = {now} WHERE report_id = {p} AND NOT deleted"
        ),
        upsert_report_source=(
            f"{_insert(dialect, 'sources', SOURCE_COLUMNS)}"
            " ON CONFLICT (source_kind, source_id) DO UPDATE SET role = excluded.role,"
            " side = COALESCE(excluded.side, sources.side),"
            " outlet = COALESCE(excluded.outlet, sources.outlet),"
            f" first_report_at = {first}, last_report_at = {last}, updated_at = {now}"
        ),
        upsert_registry_source=(
            f"{_insert(dialect, 'sources', SOURCE_COLUMNS)}"
            " ON CONFLICT (source_kind, source_id) DO UPDATE SET role = excluded.role,"
            " side = excluded.side, outlet = excluded.outlet, language = excluded.language,"
            f" channel = excluded.channel, url = excluded.url, updated_at = {now}"
        ),
    )

"""The SQL the sink writes with, generated once per dialect from the column lists in ``rows``.

Pure code: strings only. Both dialects use the same statements except for placeholders
(``?`` / ``%s``), the clock expression, id sets and JSON editing. Upserts and inserts are
:class:`BulkStatement`: one statement writes many rows. The version checks are identical:

- an event row is replaced only by a strictly higher version (``WHERE events.version <
  excluded.version``), and the statement returns the ids it inserted or replaced, so the
  actors and report links are rewritten exactly for the events whose current version changed;
- a report row is replaced by a higher version, or by a tombstone (``deleted``) of the same
  version; a deleted report is never brought back by a lower or equal version;
- a revision is inserted once per ``(event_id, version)`` and never changed;
- the actors of the events whose row changed are deleted as one set and inserted in bulk
  (``COPY`` on PostgreSQL, see :meth:`Connection.insert_rows`); so are their report links,
  unless the store knows which links the row's current version has (then only the links that
  changed are deleted and inserted: see :class:`sitrep.store.database.LinkMemory`).
"""

# ruff: noqa: S608 - SQL text is built from constant table and column names; values are bound

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from sitrep.store.rows import (
    EVENT_COLUMNS,
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


def insert_sql(dialect: Dialect, table: str, columns: Sequence[str]) -> str:
    """A plain one-row ``INSERT`` into ``table``."""
    marks = ", ".join(placeholder(dialect) for _ in columns)
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"


def _set_all(columns: Sequence[str], keys: Sequence[str]) -> str:
    return ", ".join(f"{c} = excluded.{c}" for c in columns if c not in keys)


# bound parameters per statement: below SQLite's 32766 and PostgreSQL's 65535
MAX_PARAMETERS = 30000


@dataclass(frozen=True, slots=True)
class BulkStatement:
    """One ``INSERT`` for many rows: ``head``, then N value tuples, then ``tail``.

    The rows of one statement must have distinct keys: PostgreSQL refuses to let one
    ``INSERT ... ON CONFLICT DO UPDATE`` touch a row twice (the sink's phases guarantee it).
    """

    head: str
    tail: str
    width: int
    dialect: Dialect

    def sql(self, rows: int) -> str:
        """The statement for ``rows`` rows. PostgreSQL gets numbered ``$n`` placeholders (run
        it with a raw cursor: no client-side rewriting of a statement with thousands of them)."""
        if self.dialect == "sqlite":
            one = "(" + ", ".join("?" * self.width) + ")"
            return self.head + ", ".join([one] * rows) + self.tail
        tuples = (
            "(" + ", ".join(f"${r * self.width + c + 1}" for c in range(self.width)) + ")"
            for r in range(rows)
        )
        return self.head + ", ".join(tuples) + self.tail

    @property
    def rows_per_statement(self) -> int:
        return max(1, MAX_PARAMETERS // self.width)


def _bulk(dialect: Dialect, table: str, columns: Sequence[str], tail: str) -> BulkStatement:
    return BulkStatement(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ",
        tail,
        len(columns),
        dialect,
    )


@dataclass(frozen=True, slots=True)
class Statements:
    """Every write statement of one dialect."""

    upsert_events: BulkStatement  # returns the event_id of every row inserted or replaced
    insert_revisions: BulkStatement
    delete_event: str
    delete_actors_of: str  # takes one parameter: the event ids (see Connection.execute_for_ids)
    delete_links_of: str
    lock_event_versions: str  # takes the event ids; selects (event_id, version), locking them
    delete_link: str  # one (event_id, candidate_id)
    upsert_reports: BulkStatement
    tombstone_report: str
    upsert_report_sources: BulkStatement
    upsert_registry_sources: BulkStatement


def statements(dialect: Dialect) -> Statements:
    p = placeholder(dialect)
    now = now_sql(dialect)
    # a set of ids as ONE parameter: a text[] on PostgreSQL, a JSON array on SQLite
    in_ids = "= ANY(%s)" if dialect == "postgres" else "IN (SELECT value FROM json_each(?))"
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
        upsert_events=_bulk(
            dialect,
            "events",
            EVENT_COLUMNS,
            f" ON CONFLICT (event_id) DO UPDATE SET {_set_all(EVENT_COLUMNS, ('event_id',))},"
            f" written_at = {now}"
            " WHERE events.version < excluded.version"
            " RETURNING event_id",
        ),
        insert_revisions=_bulk(
            dialect,
            "event_revisions",
            REVISION_COLUMNS,
            " ON CONFLICT (event_id, version) DO NOTHING",
        ),
        delete_event=f"DELETE FROM events WHERE event_id = {p}",
        delete_actors_of=f"DELETE FROM event_actors WHERE event_id {in_ids}",
        delete_links_of=f"DELETE FROM event_reports WHERE event_id {in_ids}",
        # in the upsert's lock order; SQLite's BEGIN IMMEDIATE already holds the only write lock
        lock_event_versions=(
            f"SELECT event_id, version FROM events WHERE event_id {in_ids} ORDER BY event_id"
            + (" FOR UPDATE" if dialect == "postgres" else "")
        ),
        delete_link=f"DELETE FROM event_reports WHERE event_id = {p} AND candidate_id = {p}",
        upsert_reports=_bulk(
            dialect,
            "reports",
            REPORT_COLUMNS,
            f" ON CONFLICT (report_id) DO UPDATE SET {_set_all(REPORT_COLUMNS, ('report_id',))},"
            f" written_at = {now}"
            " WHERE reports.version < excluded.version"
            " OR (excluded.deleted AND NOT reports.deleted"
            " AND reports.version <= excluded.version)",
        ),
        tombstone_report=(
            f"UPDATE reports SET deleted = TRUE, text = '', record = {tombstone_record},"
            f" written_at = {now} WHERE report_id = {p} AND NOT deleted"
        ),
        upsert_report_sources=_bulk(
            dialect,
            "sources",
            SOURCE_COLUMNS,
            " ON CONFLICT (source_kind, source_id) DO UPDATE SET role = excluded.role,"
            " side = COALESCE(excluded.side, sources.side),"
            " outlet = COALESCE(excluded.outlet, sources.outlet),"
            f" first_report_at = {first}, last_report_at = {last}, updated_at = {now}",
        ),
        upsert_registry_sources=_bulk(
            dialect,
            "sources",
            SOURCE_COLUMNS,
            " ON CONFLICT (source_kind, source_id) DO UPDATE SET role = excluded.role,"
            " side = excluded.side, outlet = excluded.outlet, language = excluded.language,"
            f" channel = excluded.channel, url = excluded.url, updated_at = {now}",
        ),
    )

"""The store: sitrep's tables on PostgreSQL or SQLite, written by the sink, read by queries.

:class:`Store` is synchronous and blocking (the async sink calls it from a worker thread).
It opens its connection lazily and reopens it after a failure, so one object survives a
database restart.

Write contract (:meth:`Store.write`): a batch of writes is applied in two transactions, its
reports first and then its events (each report is visible as soon as its own kind is written,
not after the event versions of the same batch, which cost far more: every version carries all
of its event's links). The two touch different tables, so their order within a batch does not
matter to the result. If the database rejects a row (a constraint or a value it refuses), that
transaction is rolled back and its writes are applied again row by row inside one transaction,
each row under a savepoint: the rows the database accepts land, the others come back as
:class:`Rejection` with the reason. If the database is unavailable, :class:`DatabaseUnavailable`
is raised (the reports may be committed already); calling ``write`` again with the same batch
later is safe, as every write is idempotent.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TypeVar

from sitrep.ops.settings import Settings
from sitrep.records.codec import decode_event, encode
from sitrep.records.model import Event
from sitrep.sources import Source
from sitrep.store.connection import (
    Connection,
    DatabaseTarget,
    DatabaseUnavailable,
    classify,
    connect,
    database_target,
    describe_error,
)
from sitrep.store.links import HeldLinks, LinkMemory, link_changes, link_digests
from sitrep.store.migrations import Migration, latest_version, migrate, schema_version
from sitrep.store.queries import EventQuery, FoundEvent, select_events, within_radius
from sitrep.store.rows import (
    ACTOR_COLUMNS,
    LINK_COLUMNS,
    Row,
    actor_rows,
    event_row,
    link_rows,
    registry_source_row,
    report_row,
    report_source_rows,
    revision_row,
)
from sitrep.store.sink import (
    EventVersion,
    ReportRemoval,
    ReportVersion,
    Write,
    event_versions,
    phases,
    reports_of,
)
from sitrep.store.sql import Statements, statements

T = TypeVar("T")

_SAVEPOINT = "sitrep_row"


class SchemaMissing(RuntimeError):
    """The database has no (or an older) sitrep schema; the message says which command fixes it."""


@dataclass(frozen=True, slots=True)
class Rejection:
    """A write the database refused, and its reason (driver error class, message, SQLSTATE)."""

    write: Write
    reason: str


@dataclass(frozen=True, slots=True)
class WriteOutcome:
    written: tuple[Write, ...]
    rejected: tuple[Rejection, ...]


class Store:
    """sitrep's database. Not thread-safe: one caller at a time."""

    def __init__(self, target: DatabaseTarget, application_name: str = "sitrep") -> None:
        self.target = target
        self.application_name = application_name
        self._statements: Statements = statements(target.dialect)
        self._conn: Connection | None = None
        # the links this store last committed per event (see sitrep.store.links)
        self.links = LinkMemory()

    @classmethod
    def from_settings(cls, settings: Settings, application_name: str = "sitrep") -> Store:
        """The store ``settings.database_url`` names (see :func:`database_target`)."""
        return cls(database_target(settings), application_name)

    @property
    def dialect(self) -> str:
        return self.target.dialect

    def close(self) -> None:
        if self._conn is not None:
            conn, self._conn = self._conn, None
            try:
                conn.close()
            except Exception as exc:
                if classify(exc) is None:
                    raise

    def _run(self, work: Callable[[Connection], T]) -> T:
        """Run ``work`` on the connection; database failures other than rejected rows become
        :class:`DatabaseUnavailable` and drop the connection so the next call reconnects."""
        try:
            if self._conn is None:
                self._conn = connect(self.target, self.application_name)
            return work(self._conn)
        except Exception as exc:
            failure = classify(exc)
            if failure is None:
                raise
            self.close()
            if failure == "rejected":
                raise
            raise DatabaseUnavailable(
                f"{self.target.description} is unavailable: {describe_error(exc)}"
            ) from None

    # --- schema

    def migrate(self) -> list[Migration]:
        """Apply pending migrations (see :mod:`sitrep.store.migrations`); returns those applied."""
        return self._run(migrate)

    def schema_version(self) -> int:
        return self._run(schema_version)

    def require_schema(self) -> None:
        """Raise :class:`SchemaMissing` unless the schema is at the version this sitrep ships."""
        version = self.schema_version()
        latest = latest_version(self.target.dialect)
        if version < latest:
            what = "no sitrep schema" if version == 0 else f"schema version {version} of {latest}"
            raise SchemaMissing(
                f"{self.target.description} has {what}: run `sitrep db migrate` "
                "(the sink also migrates when it starts)"
            )

    # --- writes

    def write(self, writes: Sequence[Write]) -> WriteOutcome:
        """Apply ``writes`` (see the module docstring for the transaction contract)."""
        reports = [w for w in writes if isinstance(w, ReportVersion | ReportRemoval)]
        events = [w for w in writes if not isinstance(w, ReportVersion | ReportRemoval)]
        written: list[Write] = []
        rejected: list[Rejection] = []
        for part in (reports, events):
            if part:
                outcome = self._run(partial(self._write, writes=part))
                written.extend(outcome.written)
                rejected.extend(outcome.rejected)
        return WriteOutcome(tuple(written), tuple(rejected))

    def _write(self, conn: Connection, writes: Sequence[Write]) -> WriteOutcome:
        # what the transaction writes to event_reports, recorded once it committed
        staged: dict[str, HeldLinks | None] = {}
        try:
            with conn.transaction():
                self._apply(conn, writes, staged)
        except Exception as exc:
            if classify(exc) != "rejected":
                raise
        else:
            self.links.record(staged)
            return WriteOutcome(tuple(writes), ())
        return self._write_row_by_row(conn, writes)

    def _write_row_by_row(self, conn: Connection, writes: Sequence[Write]) -> WriteOutcome:
        written: list[Write] = []
        rejected: list[Rejection] = []
        staged: dict[str, HeldLinks | None] = {}
        with conn.transaction():
            for write in writes:
                conn.savepoint(_SAVEPOINT)
                step = dict(staged)
                try:
                    self._apply(conn, (write,), step)
                except Exception as exc:
                    if classify(exc) != "rejected":
                        raise
                    conn.rollback_to(_SAVEPOINT)
                    rejected.append(Rejection(write, describe_error(exc)))
                else:
                    written.append(write)
                    staged = step
                conn.release(_SAVEPOINT)
        self.links.record(staged)
        return WriteOutcome(tuple(written), tuple(rejected))

    def _apply(
        self, conn: Connection, writes: Sequence[Write], staged: dict[str, HeldLinks | None]
    ) -> None:
        """Apply ``writes`` in the open transaction; ``staged`` collects (and already holds,
        from earlier in the transaction) the links each event has now, ``None`` if unknown."""
        st = self._statements
        # each record's JSON as it came from Kafka (valid: it was just decoded), by record
        # identity: stored as is instead of encoding the decoded record again
        texts = {
            id(w.event if isinstance(w, EventVersion) else w.report): w.origin.value.decode()
            for w in writes
            if isinstance(w, EventVersion | ReportVersion) and w.origin.value is not None
        }
        for phase in phases(writes):
            if phase.event_removals:
                conn.executemany(st.delete_event, [(i,) for i in phase.event_removals])
                staged.update(dict.fromkeys(phase.event_removals))
            if phase.events:
                # sorted: every writer locks rows in the same order
                candidates = sorted(phase.events.values(), key=lambda e: e.event_id)
                held = self._held_links(conn, [e.event_id for e in candidates], staged)
                won = set(
                    conn.bulk(
                        st.upsert_events, [event_row(e, texts.get(id(e))) for e in candidates]
                    )
                )
                current = [e for e in candidates if e.event_id in won]
                ids = [e.event_id for e in current]
                conn.execute_for_ids(st.delete_actors_of, ids)
                actors = [r for e in current for r in actor_rows(e)]
                conn.insert_rows("event_actors", ACTOR_COLUMNS, actors)
                self._write_links(conn, current, held, staged)
            if phase.report_removals:
                conn.executemany(st.tombstone_report, [(i,) for i in phase.report_removals])
            if phase.reports:
                reports = sorted(phase.reports.values(), key=lambda r: r.report_id)
                conn.bulk(st.upsert_reports, [report_row(r, texts.get(id(r))) for r in reports])
        conn.bulk(
            st.insert_revisions,
            [revision_row(e, texts.get(id(e))) for e in event_versions(writes)],
        )
        conn.bulk(st.upsert_report_sources, report_source_rows(reports_of(writes)))

    def _held_links(
        self, conn: Connection, event_ids: Sequence[str], staged: dict[str, HeldLinks | None]
    ) -> dict[str, HeldLinks]:
        """The links known to be in the database for ``event_ids``, read before their upsert:
        remembered (or staged earlier in this transaction) for the version their row has."""
        known: dict[str, HeldLinks] = {}
        unsure: list[str] = []
        for event_id in event_ids:
            if event_id in staged:
                held = staged[event_id]
                if held is not None:
                    known[event_id] = held
            elif (held := self.links.get(event_id)) is not None:
                known[event_id] = held
                unsure.append(event_id)
        if unsure:
            # all of them locked until the transaction ends, in the upsert's order (a subset
            # locked first could deadlock with another writer's upsert): no other writer
            # changes them in between
            versions = dict(conn.execute_for_ids(self._statements.lock_event_versions, event_ids))
            for event_id in unsure:
                if versions.get(event_id) != known[event_id].version:
                    del known[event_id]
        return known

    def _write_links(
        self,
        conn: Connection,
        current: Sequence[Event],
        held: dict[str, HeldLinks],
        staged: dict[str, HeldLinks | None],
    ) -> None:
        """Bring ``event_reports`` to the links of ``current`` (the events whose row changed):
        only the changed links of those whose links are known, all of the others'."""
        whole: list[str] = []
        deleted: list[tuple[str, str]] = []
        inserted: list[Row] = []
        for event in current:
            rows = link_rows(event)
            known = held.get(event.event_id)
            if known is None:
                whole.append(event.event_id)
                inserted.extend(rows)
                digests = link_digests(rows)
            else:
                changes = link_changes(rows, known)
                deleted.extend((event.event_id, c) for c in changes.deleted)
                inserted.extend(changes.inserted)
                digests = changes.digests
            staged[event.event_id] = HeldLinks(event.version, digests)
        conn.execute_for_ids(self._statements.delete_links_of, whole)
        conn.executemany(self._statements.delete_link, deleted)
        conn.insert_rows("event_reports", LINK_COLUMNS, inserted)

    def register_sources(self, sources: Sequence[Source]) -> None:
        """Upsert the sources file's entries (role, side, outlet, channel, URL) in one transaction."""
        rows = [registry_source_row(s) for s in sources]

        def work(conn: Connection) -> None:
            with conn.transaction():
                conn.bulk(self._statements.upsert_registry_sources, rows)

        if rows:
            self._run(work)

    # --- reads

    def find_events(self, query: EventQuery) -> list[FoundEvent]:
        """Current events matching ``query``, newest first (see :mod:`sitrep.store.queries`)."""
        self.require_schema()
        sql, params = select_events(query, self.target.dialect)

        def work(conn: Connection) -> list[tuple[Event, float | None, float | None]]:
            rows = conn.execute(sql, params)
            return [
                (decode_event(record if isinstance(record, str) else encode(record)), lat, lon)
                for record, lat, lon in rows
            ]

        return within_radius(query, self._run(work))

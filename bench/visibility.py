"""When a report becomes visible in the database: the end of the end-to-end latency.

The sink commits a batch of rows in one transaction, so a report is committed when a reader can
see its row. :class:`VisibilityWatch` polls the ``reports`` table every ``interval`` seconds for
the report ids still outstanding (a primary-key lookup of only those ids, so a poll costs the
same whatever the table holds) and records, per report:

- ``visible_at``: the wall-clock time the poll that first saw the row *started*. The row was
  committed after the previous poll's snapshot and before this poll's, so this overstates the
  commit time by at most one interval (half of it on average);
- ``written_at``: the row's own ``written_at`` column, the database clock inside the sink's
  transaction (statement time in SQLite, transaction start in PostgreSQL): a lower bound.

The watch runs in its own thread with its own connection, so a slow query never delays the
paced producer that stamps ``collected_at``.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

import psycopg

from sitrep.ops.settings import Settings
from sitrep.records.times import parse_iso
from sitrep.store.connection import database_target

CHUNK: Final = 500  # ids per lookup query


class ReportsProbe:
    """Looks report ids up in the ``reports`` table of the run's database (read-only use)."""

    def __init__(self, settings: Settings) -> None:
        self._target = database_target(settings)
        self._conn: Any = None

    def _connect(self) -> Any:
        if self._target.dialect == "sqlite":
            # read-only: the probe must never create the file before the sink does
            uri = f"file:{self._target.location}?mode=ro"
            return sqlite3.connect(uri, uri=True, isolation_level=None, timeout=5)
        return psycopg.connect(self._target.location, autocommit=True, connect_timeout=10)

    def visible(self, report_ids: Sequence[str]) -> dict[str, float]:
        """``{report_id: written_at}`` (epoch seconds) for the ids that have a row.

        Returns ``{}`` while the database or its ``reports`` table does not exist yet (the sink
        creates both when it starts); other database errors propagate.
        """
        found: dict[str, float] = {}
        try:
            if self._conn is None:
                self._conn = self._connect()
            for start in range(0, len(report_ids), CHUNK):
                found.update(self._lookup(list(report_ids[start : start + CHUNK])))
        except psycopg.errors.UndefinedTable:
            self.close()
            return {}
        except sqlite3.OperationalError as exc:
            if "no such table" not in str(exc) and "unable to open" not in str(exc):
                raise
            self.close()
            return {}
        return found

    def _lookup(self, ids: list[str]) -> dict[str, float]:
        if self._target.dialect == "sqlite":
            marks = ",".join("?" * len(ids))
            rows = self._conn.execute(
                f"SELECT report_id, written_at FROM reports WHERE report_id IN ({marks})",
                ids,
            ).fetchall()
            return {rid: parse_iso(written).timestamp() for rid, written in rows}
        rows = self._conn.execute(
            "SELECT report_id, written_at FROM reports WHERE report_id = ANY(%s)", (ids,)
        ).fetchall()
        return {rid: _epoch(written) for rid, written in rows}

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def _epoch(value: datetime | str) -> float:
    return value.timestamp() if isinstance(value, datetime) else parse_iso(value).timestamp()


@dataclass(frozen=True, slots=True)
class Sighting:
    """One report's times, epoch seconds: collected (by the producer), written, visible."""

    report_id: str
    collected: float
    written: float
    visible: float

    @property
    def latency(self) -> float:
        return self.visible - self.collected

    @property
    def written_latency(self) -> float:
        return self.written - self.collected


class VisibilityWatch:
    """A thread that polls for outstanding report ids; see the module docstring.

    :meth:`expect` registers an id with its collection time (call it before producing the
    item); :meth:`sightings` returns what was seen so far; :meth:`outstanding` how many ids are
    still unseen. Errors in the thread are re-raised by :meth:`stop`.
    """

    def __init__(self, probe: ReportsProbe, interval: float = 0.05) -> None:
        self._probe = probe
        self._interval = interval
        self._lock = threading.Lock()
        self._waiting: dict[str, float] = {}
        self._seen: list[Sighting] = []
        self._stop = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="visibility-watch", daemon=True)
        self.polls = 0

    def start(self) -> VisibilityWatch:
        self._thread.start()
        return self

    def expect(self, report_id: str, collected: float) -> None:
        with self._lock:
            self._waiting[report_id] = collected

    def outstanding(self) -> int:
        with self._lock:
            return len(self._waiting)

    def sightings(self) -> list[Sighting]:
        with self._lock:
            return list(self._seen)

    def forget(self) -> tuple[list[Sighting], list[str]]:
        """Take every sighting so far and every id still unseen, and start afresh."""
        with self._lock:
            seen, self._seen = self._seen, []
            unseen, self._waiting = list(self._waiting), {}
        return seen, unseen

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                started = time.time()
                with self._lock:
                    ids = list(self._waiting)
                if ids:
                    found = self._probe.visible(ids)
                    self.polls += 1
                    with self._lock:
                        for rid, written in found.items():
                            collected = self._waiting.pop(rid, None)
                            if collected is not None:
                                self._seen.append(Sighting(rid, collected, written, started))
                self._stop.wait(max(0.0, self._interval - (time.time() - started)))
        except BaseException as exc:  # re-raised in the caller's thread by stop()
            self._error = exc
        finally:
            self._probe.close()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)
        if self._error is not None:
            raise self._error

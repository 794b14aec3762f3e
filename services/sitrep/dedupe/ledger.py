"""The batch twin of the stream's tables: every cell's state in one process's memory.

:class:`EventLedger` routes a report to its cells exactly as the processor does (the cells of its
candidates plus the cells an earlier version went to), calls
:func:`~sitrep.dedupe.cluster.merge_report` for each, and expires old state by event time. It is
what ``sitrep label``, the evaluation and the benchmark run, so they run the stream's code.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from sitrep.dedupe.cells import place_cell, report_cells
from sitrep.dedupe.cluster import expire, merge_report
from sitrep.dedupe.state import CellState
from sitrep.records.model import Event, Report
from sitrep.records.times import parse_iso


class EventLedger:
    """Cell states by cell, plus where each report's candidates went.

    ``window`` bounds state by event time (``None``: keep everything, for small batches);
    expiry runs every ``expire_every`` reports against the newest publication time seen.
    Not thread-safe.
    """

    def __init__(self, window: timedelta | None = None, expire_every: int = 1000) -> None:
        self.window = window
        self.expire_every = expire_every
        self.cells: dict[str, CellState] = {}
        self._report_cells: dict[str, tuple[str, ...]] = {}
        self._seen = 0
        self._newest: datetime | None = None

    def add(self, report: Report, now: datetime) -> list[Event]:
        """Merge one report into every cell it touches; returns the new event versions."""
        previous = self._report_cells.get(report.report_id, ())
        emitted: list[Event] = []
        for cell in report_cells(report, previous):
            state, events = merge_report(self.cells.get(cell), report, cell, now)
            self.cells[cell] = state
            emitted.extend(events)
        if not report.deleted:
            self._report_cells[report.report_id] = tuple(
                dict.fromkeys(place_cell(c.location) for c in report.candidates)
            )
        published = parse_iso(report.published_at or report.collected_at)
        if self._newest is None or published > self._newest:
            self._newest = published
        self._seen += 1
        if self.window is not None and self._seen % self.expire_every == 0:
            self.expire()
        return emitted

    def expire(self) -> None:
        """Drop state older than the window before the newest publication time seen."""
        if self.window is None or self._newest is None:
            return
        for cell, state in list(self.cells.items()):
            self.cells[cell] = expire(state, self._newest, self.window)
        self._report_cells = {
            rid: cells
            for rid, cells in self._report_cells.items()
            if any(rid in self.cells[cell].reports for cell in cells)
        }

    def event_of(self, report: Report, candidate_id: str) -> str | None:
        """The id of the open event ``report``'s candidate ``candidate_id`` belongs to."""
        for candidate in report.candidates:
            if candidate.candidate_id == candidate_id:
                state = self.cells.get(place_cell(candidate.location))
                return None if state is None else state.event_of(candidate_id)
        return None

    def open_events(self) -> int:
        return sum(len(state.events) for state in self.cells.values())

    def __iter__(self) -> Iterator[CellState]:
        return iter(self.cells.values())

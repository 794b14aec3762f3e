"""Running reports through one cell as the stream does, for the dedupe tests."""

from __future__ import annotations

from collections.abc import Iterable

from sitrep.dedupe import CellState, merge_report, place_cell
from sitrep.records.model import Event, Report
from tests.unit.dedupe.builders import NOW, SARAQIB

CELL = place_cell(SARAQIB)


def run(
    reports: Iterable[Report], state: CellState | None = None, cell: str = CELL
) -> tuple[CellState, list[Event]]:
    """Merge ``reports`` in order; the state after the last and every emitted event version."""
    emitted: list[Event] = []
    for post in reports:
        state, events = merge_report(state, post, cell, NOW)
        emitted.extend(events)
    assert state is not None
    return state, emitted


def current(emitted: Iterable[Event]) -> dict[str, Event]:
    """The highest version of each event, as a compacted events topic holds them."""
    latest: dict[str, Event] = {}
    for event in emitted:
        if event.event_id not in latest or event.version > latest[event.event_id].version:
            latest[event.event_id] = event
    return latest


def only(emitted: Iterable[Event]) -> Event:
    events = current(emitted)
    assert len(events) == 1, f"expected one event, got {len(events)}"
    return next(iter(events.values()))

"""What to emit when a cell receives a report it has already applied. Pure.

Why this exists: the processor stores a cell's state (a faust table, whose changelog is a
Kafka topic) and sends the changed events to the events topic; the two writes are not atomic.
If a worker dies after the changelog write reached Kafka but before the event records did, its
input offset was not committed, so the report is delivered again — and :func:`merge_report`
rightly treats it as no news. :func:`events_holding` gives the current version of every event
the report belongs to, so the stream re-emits them and no version is lost. Re-emitting an
unchanged version is harmless downstream: consumers keep the highest version per event id and
the sink's upserts are version-checked.
"""

from __future__ import annotations

from datetime import datetime

from sitrep.dedupe.cluster import render
from sitrep.dedupe.state import CellState
from sitrep.records.model import Event, Report
from sitrep.records.times import to_iso


def events_holding(state: CellState, report: Report, now: datetime) -> list[Event]:
    """Every emitted event of ``state`` that has (or had: a withdrawn member) ``report`` as a
    member, rendered at its current version, in event-id order."""
    updated_at = to_iso(now)
    return [
        render(event, event.version, updated_at)
        for event_id, event in sorted(state.events.items())
        if event.version > 0 and any(m.report_id == report.report_id for m in event.members)
    ]

"""The sink's functional core: consumed Kafka records in, database writes and dead letters out.

No Kafka, no database. :class:`Sink` turns one batch of :class:`ConsumedRecord` into a
:class:`SinkPlan`: the writes to apply (reports, then events), the dead letters for input that
cannot be decoded or stored, and the offsets to commit once both are durable.
:func:`phases` reduces the writes of a batch to a few set-based steps that leave the database
exactly as applying the writes one by one, in order, would.

What each input becomes:

- an ``Event`` record on the events topic -> :class:`EventVersion` (versioned upsert, and one
  append-only revision row);
- a ``Report`` record on the reports topic -> :class:`ReportVersion` (versioned upsert; a report
  with ``deleted`` true is the collector's tombstone and marks the row deleted);
- a Kafka tombstone (key, null value) on the compacted events topic -> :class:`EventRemoval`
  (the current row goes, its revisions stay); on the reports topic -> :class:`ReportRemoval`
  (the row is kept, marked deleted, its text emptied);
- anything else -> a :class:`~sitrep.records.dlq.DeadLetter` with the original bytes and reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from sitrep.records.codec import RecordError, decode_event, decode_report, loads
from sitrep.records.dlq import DeadLetter
from sitrep.records.model import Event, Report

STAGE: Final = "sink"


@dataclass(frozen=True, slots=True)
class ConsumedRecord:
    """One Kafka record as the sink received it (``value`` is ``None`` for a tombstone)."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    timestamp_ms: int | None = None


@dataclass(frozen=True, slots=True)
class EventVersion:
    origin: ConsumedRecord
    event: Event


@dataclass(frozen=True, slots=True)
class ReportVersion:
    origin: ConsumedRecord
    report: Report


@dataclass(frozen=True, slots=True)
class EventRemoval:
    origin: ConsumedRecord
    event_id: str


@dataclass(frozen=True, slots=True)
class ReportRemoval:
    origin: ConsumedRecord
    report_id: str


Write = EventVersion | ReportVersion | EventRemoval | ReportRemoval


@dataclass(frozen=True, slots=True)
class SinkPlan:
    """What to do with one batch.

    ``writes`` are in input order. ``next_offsets`` maps ``(topic, partition)`` to the offset to
    commit (last offset + 1) and covers every input, written or dead-lettered: commit them only
    after the database transaction and the dead letters are durable.
    """

    writes: tuple[Write, ...]
    dead_letters: tuple[DeadLetter, ...]
    next_offsets: dict[tuple[str, int], int]
    consumed: int


@dataclass(slots=True)
class Phase:
    """Writes that can be applied as sets: first every removal, then every upsert.

    ``events`` holds the highest version per event id and ``reports`` the highest
    ``(version, deleted)`` per report id (the first one seen on a tie, as the database keeps the
    row it has on a tie). No key is removed after it was upserted within one phase.
    """

    events: dict[str, Event] = field(default_factory=dict)
    event_removals: list[str] = field(default_factory=list)
    reports: dict[str, Report] = field(default_factory=dict)
    report_removals: list[str] = field(default_factory=list)


def _report_rank(report: Report) -> tuple[int, bool]:
    return (report.version, report.deleted)


def phases(writes: Iterable[Write]) -> list[Phase]:
    """Group writes into phases whose set-based application equals applying them in order.

    An event upsert replaces the row only with a higher version and a report upsert only with a
    higher ``(version, deleted)``, so within a run of upserts only the maximum per key matters,
    and removals before them can run first. A removal of a key the current phase already
    upserts starts a new phase. Usually a batch is one phase.
    """
    out = [Phase()]
    for write in writes:
        current = out[-1]
        if isinstance(write, EventVersion):
            event = write.event
            held = current.events.get(event.event_id)
            if held is None or held.version < event.version:
                current.events[event.event_id] = event
        elif isinstance(write, ReportVersion):
            report = write.report
            kept = current.reports.get(report.report_id)
            if kept is None or _report_rank(kept) < _report_rank(report):
                current.reports[report.report_id] = report
        elif isinstance(write, EventRemoval):
            if write.event_id in current.events:
                current = Phase()
                out.append(current)
            if write.event_id not in current.event_removals:
                current.event_removals.append(write.event_id)
        else:
            if write.report_id in current.reports:
                current = Phase()
                out.append(current)
            if write.report_id not in current.report_removals:
                current.report_removals.append(write.report_id)
    return out


def event_versions(writes: Iterable[Write]) -> list[Event]:
    """Every event version in the writes, once per ``(event_id, version)``: the revision log."""
    seen: set[tuple[str, int]] = set()
    out: list[Event] = []
    for write in writes:
        if isinstance(write, EventVersion):
            key = (write.event.event_id, write.event.version)
            if key not in seen:
                seen.add(key)
                out.append(write.event)
    return out


def reports_of(writes: Iterable[Write]) -> list[Report]:
    return [w.report for w in writes if isinstance(w, ReportVersion)]


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def dead_letter(
    origin: ConsumedRecord, error_class: str, error: str, attempt: int = 1
) -> DeadLetter:
    """A sink dead letter carrying the original key and bytes of ``origin``."""
    return DeadLetter(
        stage=STAGE,
        error_class=error_class,
        error=error,
        value=origin.value,
        key=origin.key,
        topic=origin.topic,
        partition=origin.partition,
        offset=origin.offset,
        attempt=attempt,
    )


def write_label(write: Write) -> str:
    """A short human description of a write for logs and dead-letter reasons."""
    if isinstance(write, EventVersion):
        return f"event {write.event.event_id} v{write.event.version}"
    if isinstance(write, ReportVersion):
        return f"report {write.report.report_id} v{write.report.version}"
    if isinstance(write, EventRemoval):
        return f"removal of event {write.event_id}"
    return f"removal of report {write.report_id}"


class Sink:
    """Decodes batches of consumed records for the database (pure; holds only topic names).

    ``plan`` never raises on bad input: every record either becomes a write or a dead letter.
    Unknown topics are dead-lettered too, so a misconfigured subscription is visible, not lost.
    """

    def __init__(self, events_topic: str, reports_topic: str) -> None:
        self.events_topic = events_topic
        self.reports_topic = reports_topic

    def plan(self, batch: Sequence[ConsumedRecord]) -> SinkPlan:
        writes: list[Write] = []
        letters: list[DeadLetter] = []
        offsets: dict[tuple[str, int], int] = {}
        for record in batch:
            tp = (record.topic, record.partition)
            offsets[tp] = max(offsets.get(tp, 0), record.offset + 1)
            outcome = self.decode(record)
            if isinstance(outcome, DeadLetter):
                letters.append(outcome)
            else:
                writes.append(outcome)
        return SinkPlan(tuple(writes), tuple(letters), offsets, len(batch))

    def decode(self, record: ConsumedRecord) -> Write | DeadLetter:
        """One record -> one write, or a dead letter saying what is wrong with it."""
        if record.topic not in (self.events_topic, self.reports_topic):
            return dead_letter(
                record,
                "unknown_topic",
                f"the sink reads {self.events_topic} and {self.reports_topic}, "
                f"not {record.topic}; check the subscription",
            )
        is_events = record.topic == self.events_topic
        if record.value is None:
            return self._removal(record, is_events)
        write: Write
        try:
            if is_events:
                write = EventVersion(record, decode_event(record.value))
            else:
                write = ReportVersion(record, decode_report(record.value))
        except RecordError as exc:
            kind = "Event" if is_events else "Report"
            return dead_letter(record, "undecodable", f"not a valid {kind} record: {exc}")
        reason = unstorable_reason(write)
        if reason is not None:
            return dead_letter(record, "unstorable", f"{write_label(write)}: {reason}")
        return write

    def _removal(self, record: ConsumedRecord, is_events: bool) -> Write | DeadLetter:
        try:
            key = record.key.decode("utf-8") if record.key else ""
        except UnicodeDecodeError:
            key = ""
        if not key:
            return dead_letter(
                record,
                "undecodable",
                "tombstone (null value) without a UTF-8 key: nothing to remove",
            )
        return EventRemoval(record, key) if is_events else ReportRemoval(record, key)


def unstorable_reason(write: Write) -> str | None:
    """Why a decoded write can never be stored, or ``None``.

    PostgreSQL text and JSON cannot hold NUL characters; SQLite could, but both databases must
    accept the same rows, so such records are dead-lettered on both with this reason.
    """
    value = write.origin.value
    if value is None or b"\\u0000" not in value:
        return None
    try:
        parsed = loads(value)
    except RecordError:
        return None
    if _has_nul(parsed):
        return "contains a NUL character (\\u0000), which PostgreSQL text and JSON cannot store"
    return None

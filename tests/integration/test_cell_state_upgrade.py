"""Upgrading from a processor that kept each cell's state as one whole record (format 1).

A deployment's cells changelog holds one format-1 record per cell. A new worker reads it,
merges into it, and replaces it with a snapshot (format 2) and a tombstone for the old key.
"""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest
from tests.faults.corpus import item
from tests.services import ServiceProcess, drain, isolated_settings, produce_lines, read_topic

from sitrep.dedupe import EventLedger
from sitrep.dedupe.stored import SEPARATOR, SNAPSHOT, restore
from sitrep.normalize import build_report
from sitrep.ops.kafka import create_missing_topics, ensure_topics, make_producer
from sitrep.ops.settings import Settings
from sitrep.records import encode
from sitrep.records.times import utc_now
from sitrep.sources import SourceRegistry
from sitrep.stream.normalizer import INDEX_TOPIC_CONFIG
from sitrep.stream.progress import processor_group
from sitrep.understand import default_understander

pytestmark = pytest.mark.integration


def changelog(settings: Settings) -> str:
    return f"{processor_group(settings)}-cells-changelog"


async def write_old_state(settings: Settings, reports: list[object]) -> bytes:
    """The cell state an older worker left after merging ``reports``: one format-1 record."""
    ledger = EventLedger()
    for report in reports:
        ledger.add(report, utc_now())  # type: ignore[arg-type]
    [(cell, state)] = ledger.cells.items()
    await ensure_topics(settings)
    await create_missing_topics(settings, {changelog(settings): INDEX_TOPIC_CONFIG})
    producer = make_producer(settings)
    await producer.start()
    try:
        await producer.send_and_wait(changelog(settings), key=cell.encode(), value=state.to_bytes())
    finally:
        await producer.stop()
    return cell.encode()


@pytest.mark.timeout(300)
def test_a_whole_state_record_is_merged_into_and_replaced(tmp_path: Path) -> None:
    settings = isolated_settings(tmp_path, partitions=1)
    registry = SourceRegistry.load(settings.sources_file)
    understander = default_understander()
    group = [item(i) for i in range(4)]  # four reports of one event
    reports = [
        build_report(raw, registry.lookup(raw.source_kind, raw.source_id), understander, utc_now())
        for raw in group
    ]
    # the old worker merged reports 0-2; report 2 never reaches this run's input, so only the
    # old state can bring it into the event
    cell = asyncio.run(write_old_state(settings, reports[:3]))
    asyncio.run(produce_lines(settings, [encode(group[i]) for i in (0, 1, 3)]))
    logs = tmp_path / "logs"
    processor = ServiceProcess(settings, "process", log_dir=logs).start()
    sink = ServiceProcess(settings, "sink", log_dir=logs).start()
    try:
        drain(settings, 120, 3, processor, sink)
    finally:
        processor.stop()
        sink.stop()

    with sqlite3.connect(tmp_path / "sitrep.db") as conn:
        linked = conn.execute("select event_id, report_id from event_reports").fetchall()
    assert {event for event, _ in linked} == {linked[0][0]}  # one event
    assert {report for _, report in linked} == {r.report_id for r in reports}

    records = asyncio.run(read_topic_named(settings, changelog(settings)))
    latest: dict[bytes, bytes | None] = {}
    for record in records:
        latest[record.key] = record.value
    assert latest[cell] is None  # the old record is deleted ...
    assert latest[cell + SEPARATOR + SNAPSHOT] is not None  # ... and a snapshot replaces it
    stored = restore(
        cell.decode(), [(k, v) for k, v in latest.items() if v is not None and k != cell]
    )
    assert set(stored.state.reports) == {r.report_id for r in reports}


async def read_topic_named(settings: Settings, topic: str) -> list[object]:
    prefix = f"{settings.topic_prefix}."
    assert topic.startswith(prefix)
    return await read_topic(settings, topic[len(prefix) :])

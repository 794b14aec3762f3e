"""``sitrep sink`` against the real Kafka broker and real PostgreSQL / SQLite.

Each test has its own topics and consumer groups (``settings`` fixture) and its own database
(``database_url``: the same tests run on SQLite and on PostgreSQL).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path
from typing import Any

import pytest
from aiokafka import TopicPartition
from tests.conftest import settings_with_db
from tests.services import ServiceProcess
from tests.unit.store.samples import ANALYST_EVENTS, event, link, report

from sitrep.ops import metrics
from sitrep.ops.kafka import (
    ensure_topics,
    make_admin,
    make_consumer,
    make_producer,
    topic_partitions,
)
from sitrep.ops.settings import Settings
from sitrep.records.codec import encode
from sitrep.records.model import Event, Report
from sitrep.records.topics import DLQ, EVENTS, REPORTS
from sitrep.store.connection import connect, database_target
from sitrep.store.service import EXIT_BREAKER_OPEN, FETCH_STEP, run_sink

pytestmark = pytest.mark.integration

Record = tuple[str, bytes | None, bytes | None]  # (topic suffix, key, value)


def event_record(ev: Event) -> Record:
    return (EVENTS.suffix, ev.event_id.encode(), encode(ev))


def report_record(rp: Report) -> Record:
    return (REPORTS.suffix, rp.report_id.encode(), encode(rp))


async def produce(settings: Settings, records: Iterable[Record]) -> None:
    """Produce records and wait for every acknowledgement."""
    await ensure_topics(settings)
    producer = make_producer(settings)
    await producer.start()
    try:
        futures = [
            await producer.send(settings.topic(suffix), value=value, key=key)
            for suffix, key, value in records
        ]
        await asyncio.gather(*futures)
    finally:
        await producer.stop()


def query(settings: Settings, sql: str) -> list[tuple[Any, ...]]:
    conn = connect(database_target(settings))
    try:
        return conn.execute(sql)
    finally:
        conn.close()


async def until(condition: Callable[[], Awaitable[bool]], what: str, timeout: float = 60.0) -> None:
    """Poll ``condition`` until it holds; fail with ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not await condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for: {what}")
        await asyncio.sleep(0.1)


async def uncommitted(settings: Settings) -> int:
    """Records on the sink's input topics that its group has not committed."""
    group = f"{settings.group_prefix}.sink"
    admin = make_admin(settings)
    probe = make_consumer(settings, group=f"{settings.group_prefix}.probe")
    await admin.start()
    await probe.start()
    try:
        committed = await admin.list_consumer_group_offsets(group)
        tps = [
            TopicPartition(settings.topic(suffix), p)
            for suffix in (EVENTS.suffix, REPORTS.suffix)
            for p in await topic_partitions(settings, settings.topic(suffix))
        ]
        ends = await probe.end_offsets(tps)
        return sum(ends[tp] - (committed[tp].offset if tp in committed else 0) for tp in tps)
    finally:
        await probe.stop()
        await admin.close()


async def read_dlq(settings: Settings, timeout: float = 30.0) -> list[Any]:
    """Every record on the DLQ topic, from the beginning to its end offsets."""
    topic = settings.topic(DLQ.suffix)
    consumer = make_consumer(settings, group=f"{settings.group_prefix}.dlq-reader")
    await consumer.start()
    try:
        tps = [TopicPartition(topic, p) for p in await topic_partitions(settings, topic)]
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        ends = await consumer.end_offsets(tps)
        out: list[Any] = []
        deadline = time.monotonic() + timeout
        while [tp for tp in tps if await consumer.position(tp) < ends[tp]]:
            if time.monotonic() > deadline:
                raise AssertionError("timed out reading the DLQ topic")
            for records in (await consumer.getmany(timeout_ms=500)).values():
                out.extend(records)
        return out
    finally:
        await consumer.stop()


def sample(name: str, **labels: str) -> float:
    return metrics.REGISTRY.get_sample_value(name, labels) or 0.0


async def test_sink_writes_events_and_reports_then_commits_offsets(
    settings: Settings, database_url: str
) -> None:
    s = settings_with_db(settings, database_url)
    reports = [
        report(),
        report(
            report_id="wire:reuters:a1",
            item_id="wire:reuters:a1",
            source_kind="wire",
            source_id="reuters",
            native_id="a1",
            source_role="wire",
            language="en",
            text="Airstrikes hit Saraqib",
        ),
    ]
    await produce(s, [*map(event_record, ANALYST_EVENTS), *map(report_record, reports)])
    latency_before = sample("sitrep_end_to_end_latency_seconds_count")
    assert await run_sink(s, idle_exit=1.0) == 0
    assert query(s, "SELECT count(*) FROM events") == [(len(ANALYST_EVENTS),)]
    assert query(s, "SELECT report_id FROM reports ORDER BY 1") == [
        ("telegram:militaryops:101",),
        ("wire:reuters:a1",),
    ]
    assert await uncommitted(s) == 0
    assert sample("sitrep_end_to_end_latency_seconds_count") == latency_before + 2


async def test_undecodable_record_goes_to_the_dlq_with_its_bytes_and_reason(
    settings: Settings, database_url: str
) -> None:
    s = settings_with_db(settings, database_url)
    await produce(
        s,
        [
            event_record(event()),
            (EVENTS.suffix, b"ev-x", b'{"not": "an event"'),
            report_record(report()),
        ],
    )
    assert await run_sink(s, idle_exit=1.0) == 0
    (letter,) = await read_dlq(s)
    headers = {k: v.decode() for k, v in letter.headers}
    assert (letter.key, letter.value) == (b"ev-x", b'{"not": "an event"')
    assert headers["sitrep-stage"] == "sink"
    assert headers["sitrep-error-class"] == "undecodable"
    assert "not valid JSON" in headers["sitrep-error"]
    assert headers["sitrep-topic"] == s.topic(EVENTS.suffix)
    assert query(s, "SELECT count(*) FROM events") == [(1,)]
    assert await uncommitted(s) == 0


async def test_row_the_database_rejects_goes_to_the_dlq_and_the_rest_lands(
    settings: Settings, database_url: str
) -> None:
    s = settings_with_db(settings, database_url)
    bad = event(event_id="ev-bad", fatalities=-5)
    good = [event(event_id=f"ev-{n:016x}") for n in range(20)]
    await produce(
        s, [*map(event_record, good[:10]), event_record(bad), *map(event_record, good[10:])]
    )
    rejected_before = sample("sitrep_sink_errors_total", kind="rejected")
    assert await run_sink(s, idle_exit=1.0) == 0
    assert query(s, "SELECT count(*) FROM events") == [(20,)]
    (letter,) = await read_dlq(s)
    headers = {k: v.decode() for k, v in letter.headers}
    assert letter.value == encode(bad)
    assert headers["sitrep-error-class"] == "rejected"
    assert "ev-bad" in headers["sitrep-error"] and "fatalities" in headers["sitrep-error"]
    assert sample("sitrep_sink_errors_total", kind="rejected") == rejected_before + 1
    assert await uncommitted(s) == 0


async def test_replaying_the_topics_leaves_the_same_rows(
    settings: Settings, database_url: str
) -> None:
    s = settings_with_db(settings, database_url)
    versions = [event(event_id="ev-versions", version=v, fatalities=v) for v in (1, 3, 2)]
    await produce(
        s,
        [*map(event_record, ANALYST_EVENTS), *map(event_record, versions), report_record(report())],
    )
    snapshot = "SELECT event_id, version, fatalities FROM events ORDER BY 1"
    assert await run_sink(s, idle_exit=1.0) == 0
    first = query(s, snapshot)
    replay = s.with_(group_prefix=f"{s.group_prefix}-replay")
    assert await run_sink(replay, idle_exit=1.0) == 0
    assert query(s, snapshot) == first
    assert ("ev-versions", 3, 3) in first
    assert query(s, "SELECT count(*) FROM event_revisions") == [(len(ANALYST_EVENTS) + 3,)]


async def test_dlq_breaker_stops_the_sink_when_most_input_is_bad(settings: Settings) -> None:
    s = settings.with_(dlq_window=10, dlq_max_ratio=0.5)
    await produce(s, [(EVENTS.suffix, b"k", b"garbage")] * 12)
    assert await run_sink(s, idle_exit=5.0) == EXIT_BREAKER_OPEN
    assert sample("sitrep_dlq_breaker_open", stage="sink") == 1.0
    metrics.DLQ_BREAKER_OPEN.labels(stage="sink").set(0)


async def test_stop_ends_the_sink(settings: Settings) -> None:
    stop = asyncio.Event()
    task = asyncio.create_task(run_sink(settings, stop))
    await produce(settings, [event_record(event())])
    await until(lambda: asyncio.to_thread(lambda: bool(_count_or_zero(settings))), "the event row")
    stop.set()
    assert await task == 0


def _count_or_zero(settings: Settings) -> int:
    try:
        return int(query(settings, "SELECT count(*) FROM events")[0][0])
    except Exception:
        return 0


def test_sink_command_exits_once_the_input_is_drained(settings: Settings, tmp_path: Path) -> None:
    asyncio.run(produce(settings, [*map(event_record, ANALYST_EVENTS)]))
    with ServiceProcess(settings, "sink", "--until-idle", "1", log_dir=tmp_path) as sink:
        assert sink.proc is not None
        assert sink.proc.wait(timeout=120) == 0, sink.log()
    assert query(settings, "SELECT count(*) FROM events") == [(len(ANALYST_EVENTS),)]
    assert "sink started" in sink.log()


async def test_a_batch_stops_growing_at_its_byte_budget(
    settings: Settings, database_url: str
) -> None:
    """Busy events' versions are large: the sink's batches are bounded in bytes as well as in
    records, so a backlog of them does not put hundreds of MB in memory at once."""
    links = tuple(link(f"telegram:a:{k}", source_id="a") for k in range(120))
    versions = [event(event_id=f"ev-{n:016x}", reports=links) for n in range(100)]
    size = len(encode(versions[0]))  # ~45 KB each
    s = settings_with_db(settings, database_url).with_(sink_batch_bytes=4 * size)
    await produce(s, map(event_record, versions))
    batches_before = sample("sitrep_sink_batch_size_count")
    assert await run_sink(s, idle_exit=1.0) == 0
    assert query(s, "SELECT count(*) FROM events") == [(100,)]
    assert await uncommitted(s) == 0
    # at most 4 records' bytes, or one fetch step, per batch: 100 records in 5 batches or more
    # (one batch of 100 with a budget of records only)
    assert sample("sitrep_sink_batch_size_count") - batches_before >= 100 / FETCH_STEP

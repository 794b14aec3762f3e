"""Raw partitions that race apart in event time: the one ahead waits, nothing is lost or split.

In a backlog the consumer reads about as many records from each partition, so a partition with
fewer records per day (fewer or quieter sources) runs ahead in event time, and the low
watermark then holds the whole skew in memory. The processor pauses a partition more than a
window ahead and resumes it at half that; this checks on the real broker that pauses happen
(many, here: the partitions' densities differ fourfold), that no pause drops a fetched record
(no repair was needed), that the stream drains (every pause was resumed) and that every event
comes out whole.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
from collections import defaultdict
from pathlib import Path

import httpx
import pytest
from tests.faults.corpus import DAYS_APART, TOWNS, expected_groups, items
from tests.kafkaserver import free_port_block
from tests.services import ServiceProcess, drain, isolated_settings

from sitrep.ops.kafka import ensure_topics, make_producer
from sitrep.ops.settings import Settings
from sitrep.records import encode
from sitrep.records.topics import RAW

pytestmark = pytest.mark.integration

N_ITEMS = 12000  # 3,000 groups in 250 rounds of DAYS_APART days: 1,500 days of event time
WINDOW_DAYS = 10
# item i goes to partition SPREAD[i % 10]: partition 0 gets a tenth of each day's items,
# partition 3 four tenths
SPREAD = (0, 1, 1, 2, 2, 2, 3, 3, 3, 3)


async def produce_split(settings: Settings, n: int) -> None:
    """The corpus in event-time order, spread over the partitions unevenly (``SPREAD``)."""
    await ensure_topics(settings)
    producer = make_producer(settings)
    await producer.start()
    try:
        sent = []
        for i, item in enumerate(items(n)):
            partition = SPREAD[i % len(SPREAD)]
            sent.append(
                await producer.send(
                    settings.topic(RAW.suffix),
                    value=encode(item),
                    key=item.source_id.encode(),
                    partition=partition,
                )
            )
        await asyncio.gather(*sent)
    finally:
        await producer.stop()


def metric(port: int, name: str) -> float:
    text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5.0).text
    assert f"# HELP {name} " in text, f"{name} not exposed"
    found = re.search(rf'^{name}\{{stage="process"\}} (\S+)$', text, re.MULTILINE)
    return float(found.group(1)) if found else 0.0  # a labelled counter never counted


@pytest.mark.timeout(600)
def test_partitions_ahead_in_event_time_wait_and_every_event_comes_out_whole(
    tmp_path: Path,
) -> None:
    assert N_ITEMS // 4 // len(TOWNS) * DAYS_APART > 30 * WINDOW_DAYS  # room for many pauses
    settings = isolated_settings(tmp_path, partitions=4, cluster_window_hours=24.0 * WINDOW_DAYS)
    asyncio.run(produce_split(settings, N_ITEMS))  # the whole backlog before the worker starts
    port = free_port_block(1)
    processor = ServiceProcess(
        settings, "process", log_dir=tmp_path / "logs", SITREP_OPS_PORT=str(port)
    )
    sink = ServiceProcess(settings, "sink", log_dir=tmp_path / "logs")
    processor.start()
    sink.start()
    try:
        drain(settings, 300, N_ITEMS, processor, sink)
        pauses = metric(port, "sitrep_input_pauses_total")
        paused_now = metric(port, "sitrep_input_paused_partitions")
        repairs = metric(port, "sitrep_input_rewinds_total")
    finally:
        processor.stop()
        sink.stop()
    assert pauses >= 3, f"partitions ahead were paused {pauses:.0f} times"
    assert paused_now == 0, "a partition is still paused after the stream drained"
    # a pause must not drop fetched records (faust's own pause_partitions does: see swap_paused)
    assert repairs == 0, "records were skipped and had to be produced again"
    members: dict[str, set[str]] = defaultdict(set)
    with sqlite3.connect(tmp_path / "sitrep.db") as conn:
        for event_id, report_id in conn.execute("select event_id, report_id from event_reports"):
            members[event_id].add(report_id)
        (reports,) = conn.execute("select count(*) from reports").fetchone()
    assert reports == N_ITEMS
    assert sorted(map(sorted, members.values())) == sorted(
        map(sorted, expected_groups(N_ITEMS).values())
    )

"""Upgrading from a processor whose faust group read the raw topic: no re-read from the start.

Before the normalize loop had a consumer group of its own, ``{prefix}.processor`` committed the
raw topic. A new worker starts each raw partition its own group never committed where that
group left it: what the old version processed is not processed again.
"""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import orjson
import pytest
from aiokafka import TopicPartition
from tests.faults.corpus import item
from tests.services import ServiceProcess, drain, isolated_settings, produce_lines

from sitrep.ops.kafka import make_consumer
from sitrep.ops.settings import Settings
from sitrep.records import encode
from sitrep.records.topics import RAW

pytestmark = pytest.mark.integration

ITEMS = 12
DONE_BEFORE = 8  # the old version's commit on the raw topic


async def commit_as_old_processor(settings: Settings, offset: int) -> None:
    consumer = make_consumer(settings, group=f"{settings.group_prefix}.processor")
    await consumer.start()
    try:
        tp = TopicPartition(settings.topic(RAW.suffix), 0)
        consumer.assign([tp])
        await consumer.commit({tp: offset})
    finally:
        await consumer.stop()


@pytest.mark.timeout(300)
def test_a_raw_partition_starts_where_the_old_processor_group_left_it(tmp_path: Path) -> None:
    settings = isolated_settings(tmp_path, partitions=1)
    corpus = [item(i) for i in range(ITEMS)]
    asyncio.run(produce_lines(settings, [encode(i) for i in corpus]))
    asyncio.run(commit_as_old_processor(settings, DONE_BEFORE))
    logs = tmp_path / "logs"
    processor = ServiceProcess(settings, "process", log_dir=logs).start()
    sink = ServiceProcess(settings, "sink", log_dir=logs).start()
    try:
        drain(settings, 120, ITEMS, processor, sink)
    finally:
        processor.stop()
        sink.stop()

    with sqlite3.connect(tmp_path / "sitrep.db") as conn:
        stored = {row[0] for row in conn.execute("select report_id from reports")}
    assert stored == {i.item_id for i in corpus[DONE_BEFORE:]}
    assigned = [
        orjson.loads(line[line.index("{") :])
        for line in processor.log().splitlines()
        if '"raw partitions assigned"' in line
    ]
    assert [a["offsets_adopted"] for a in assigned] == [1], assigned

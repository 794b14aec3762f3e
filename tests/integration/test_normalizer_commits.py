"""The normalize loop commits each batch after its reports, candidates and index changelog.

A batch's changelog and commit finish while the loop already routes the next batch
(``sitrep.stream.normalizer``). What a user relies on: every report and candidate is out before
its raw item counts as done, batches are committed in order, and a clean stop leaves nothing
uncommitted (a restart does not read the last batch again).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from aiokafka import TopicPartition
from tests.faults.corpus import item
from tests.services import isolated_settings, produce_lines, read_topic

from sitrep.ops.kafka import make_admin, make_consumer, topic_partitions
from sitrep.ops.settings import Settings
from sitrep.records import encode
from sitrep.records.topics import CANDIDATES, RAW, REPORTS
from sitrep.stream.app import run_normalizer
from sitrep.stream.normalizer import index_topic
from sitrep.stream.progress import normalizer_group

pytestmark = pytest.mark.integration

ROUNDS = 4
PER_ROUND = 30


async def _committed_and_ends(settings: Settings) -> tuple[int, int]:
    topic = settings.topic(RAW.suffix)
    admin = make_admin(settings)
    await admin.start()
    probe = make_consumer(settings, group=f"{settings.group_prefix}.probe")
    await probe.start()
    try:
        committed = await admin.list_consumer_group_offsets(normalizer_group(settings))
        tps = [TopicPartition(topic, p) for p in await topic_partitions(settings, topic)]
        ends = await probe.end_offsets(tps)
        done = sum(committed[tp].offset for tp in tps if tp in committed)
        return done, sum(ends.values())
    finally:
        await probe.stop()
        await admin.close()


async def _run(settings: Settings) -> tuple[int, int, int]:
    stop = asyncio.Event()
    worker = asyncio.create_task(run_normalizer(settings, stop))
    produced = 0
    for round_ in range(ROUNDS):  # several batches, while the loop runs
        lines = [encode(item(round_ * PER_ROUND + i)) for i in range(PER_ROUND)]
        produced += await produce_lines(settings, lines)
        await asyncio.sleep(0.3)
    deadline = asyncio.get_running_loop().time() + 60
    while len(await read_topic(settings, REPORTS.suffix)) < produced:
        assert asyncio.get_running_loop().time() < deadline, "reports missing"
        assert not worker.done(), worker
        await asyncio.sleep(0.5)
    stop.set()
    code = await asyncio.wait_for(worker, 30)
    done, ends = await _committed_and_ends(settings)
    return code, done, ends


@pytest.mark.timeout(180)
def test_every_batch_is_out_and_committed_after_a_clean_stop(tmp_path: Path) -> None:
    settings = isolated_settings(tmp_path, partitions=2)
    prefix = settings.topic_prefix
    assert settings.group_prefix == prefix
    code, committed, ends = asyncio.run(_run(settings))
    assert code == 0
    assert ends == ROUNDS * PER_ROUND
    assert committed == ends  # the last batch's commit was not left behind by the stop
    reports = asyncio.run(read_topic(settings, REPORTS.suffix))
    assert sorted({r.key for r in reports}) == sorted(
        {item(i).item_id.encode() for i in range(ROUNDS * PER_ROUND)}
    )
    candidates = asyncio.run(read_topic(settings, CANDIDATES.suffix))
    assert candidates  # one record per cell and batch
    # the index changelog holds every report: the last batch's was written before the stop
    index = asyncio.run(read_topic(settings, index_topic(settings).removeprefix(f"{prefix}.")))
    assert {r.key for r in index} == {r.key for r in reports}

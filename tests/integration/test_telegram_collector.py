"""The Telegram collector against the real broker, with the fake Telegram edge.

Raw records are validated against ``schemas/raw_item.v1.schema.json`` and the strict decoder;
checkpoints live in the real compacted topic, so a restart is a real restart.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections.abc import Sequence
from datetime import timedelta

import jsonschema
import pytest
from tests.conftest import REPO
from tests.fixtures.telegram.fake_telegram import (
    BASE,
    FakeTelegram,
    VirtualClock,
    channel,
    flood_wait,
    forwarded_from,
    message,
    photo,
)

from sitrep.collect.telegram.collector import BackfillDepth
from sitrep.collect.telegram.pacing import Pacing
from sitrep.collect.telegram.service import run_collector
from sitrep.ops.kafka import make_consumer
from sitrep.ops.settings import Settings
from sitrep.records.codec import decode_raw_item
from sitrep.records.model import RawItem
from sitrep.records.topics import CHECKPOINTS, RAW
from sitrep.sources import Source

pytestmark = pytest.mark.integration

CH = 1712345678
SOURCES = [
    Source(
        id="idlib", kind="telegram", role="monitor", side="opposition", channel="@IdlibFieldUpdates"
    )
]
SCHEMA = json.loads((REPO / "schemas" / "raw_item.v1.schema.json").read_text(encoding="utf-8"))


class RawTopic:
    """Reads the raw topic from the beginning, validating every record as it arrives."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.records: list[tuple[bytes | None, RawItem]] = []

    async def read_until(self, count: int, timeout: float = 30.0) -> list[RawItem]:
        consumer = make_consumer(
            self.settings,
            self.settings.topic(RAW.suffix),
            group=f"{self.settings.group_prefix}.check.{len(self.records)}",
        )
        await consumer.start()
        records: list[tuple[bytes | None, RawItem]] = []
        deadline = time.monotonic() + timeout
        try:
            while len(records) < count:
                if time.monotonic() > deadline:
                    raise AssertionError(f"raw topic has {len(records)} records, expected {count}")
                for batch in (await consumer.getmany(timeout_ms=200)).values():
                    for record in batch:
                        jsonschema.validate(json.loads(record.value), SCHEMA)
                        records.append((record.key, decode_raw_item(record.value)))
        finally:
            await consumer.stop()
        self.records = records
        return [item for _, item in records]


def server(count: int) -> FakeTelegram:
    fake = FakeTelegram(channel(CH, "IdlibFieldUpdates", "Idlib Field Updates"))
    fake.post(*(message(CH, i, f"post {i}") for i in range(1, count + 1)))
    return fake


def start(settings: Settings, fake: FakeTelegram, stop: asyncio.Event) -> asyncio.Task[None]:
    return asyncio.create_task(
        run_collector(
            settings,
            fake,
            SOURCES,
            stop,
            backfill=BackfillDepth(messages=100),
            pacing=Pacing(clock=VirtualClock(), rng=random.Random(5)),
            page_size=20,
        )
    )


def native_ids(items: Sequence[RawItem]) -> list[int]:
    return [int(i.native_id) for i in items]


async def test_collector_produces_schema_valid_raw_items_keyed_by_channel(
    settings: Settings,
) -> None:
    fake = server(20)
    fwd = forwarded_from(1158294765, 8812, BASE - timedelta(hours=1), author="Media office")
    fake.post(
        message(CH, 21, "نقلاً عن الدفاع المدني", fwd_from=fwd),
        *(
            message(CH, i, "صور" if i == 22 else "", grouped_id=900, media=photo(i))
            for i in (22, 23, 24)
        ),
    )
    fake.fail("get_messages", flood_wait(120))
    stop = asyncio.Event()
    task = start(settings, fake, stop)
    topic = RawTopic(settings)
    try:
        items = await topic.read_until(22)
        await fake.edit(
            message(
                CH,
                21,
                "نقلاً عن الدفاع المدني (تصحيح)",
                fwd_from=fwd,
                edit_date=BASE + timedelta(hours=2),
            )
        )
        await fake.delete(CH, [3])
        items = await topic.read_until(24)
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)

    assert {key for key, _ in topic.records} == {str(CH).encode()}
    assert native_ids(items[:22]) == [*range(1, 22), 22]
    album = items[21]
    assert album.provenance.album_message_ids == (22, 23, 24) and len(album.provenance.media) == 3
    assert items[20].provenance.forward is not None
    assert items[20].provenance.forward.channel_id == "1158294765"
    edit, tombstone = items[22], items[23]
    assert edit.item_id == items[20].item_id and edit.version > 0
    assert tombstone.native_id == "3" and tombstone.deleted


async def test_crash_and_restart_against_the_broker_leaves_no_gap(settings: Settings) -> None:
    fake = server(60)
    # the 4th history call (newest id, pages 1-20 and 21-40, then 41-60) dies like a killed pod
    fake.fail_on_call("get_messages", 4, RuntimeError("collector killed"))
    with pytest.raises(RuntimeError, match="collector killed"):
        await asyncio.wait_for(start(settings, fake, asyncio.Event()), 30)

    restarted = FakeTelegram(*fake.channels.values())  # a new process: a cold Telethon session
    restarted.history = fake.history
    stop = asyncio.Event()
    task = start(settings, restarted, stop)
    try:
        items = await RawTopic(settings).read_until(60)
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)
    assert native_ids(items) == list(range(1, 61))
    assert "get_entity" not in restarted.calls  # resolved from the stored checkpoint


async def test_checkpoints_land_in_the_compacted_topic(settings: Settings) -> None:
    fake = server(5)
    stop = asyncio.Event()
    task = start(settings, fake, stop)
    try:
        await RawTopic(settings).read_until(5)
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)
    consumer = make_consumer(
        settings, settings.topic(CHECKPOINTS.suffix), group=f"{settings.group_prefix}.cp"
    )
    await consumer.start()
    try:
        seen: list[tuple[bytes | None, dict[str, object]]] = []
        deadline = time.monotonic() + 30
        while not any(v.get("last_message_id") == 5 for _, v in seen):
            assert time.monotonic() < deadline, f"no checkpoint at 5 in {seen}"
            for batch in (await consumer.getmany(timeout_ms=200)).values():
                seen.extend((r.key, json.loads(r.value)) for r in batch)
    finally:
        await consumer.stop()
    assert {key for key, _ in seen} == {f"telegram:{CH}".encode()}

"""The Kafka raw item sink against the real broker: acked, keyed by source id, decodable."""

from __future__ import annotations

import pytest

from sitrep.collect.output import KafkaRawItemSink
from sitrep.ops.kafka import make_consumer
from sitrep.ops.settings import Settings
from sitrep.records.codec import decode_raw_item, make_item_id
from sitrep.records.model import RawItem
from sitrep.records.topics import RAW

pytestmark = pytest.mark.integration


async def test_kafka_sink_delivers_items_keyed_by_source_id(settings: Settings) -> None:
    items = [
        RawItem(
            item_id=make_item_id("telegram", source, str(n)),
            source_kind="telegram",
            source_id=source,
            native_id=str(n),
            text=f"post {n}",
            collected_at="2024-12-06T21:14:03Z",
        )
        for n, source in enumerate(["1001", "1002", "1001"], start=1)
    ]
    async with KafkaRawItemSink(settings, stage="replay") as sink:
        await sink.send(items)

    consumer = make_consumer(
        settings, settings.topic(RAW.suffix), group=f"{settings.group_prefix}.check"
    )
    await consumer.start()
    try:
        got: list[tuple[bytes | None, RawItem]] = []
        batches = 0
        while len(got) < len(items) and batches < 100:
            batches += 1
            for records in (await consumer.getmany(timeout_ms=500)).values():
                got.extend((r.key, decode_raw_item(r.value)) for r in records)
    finally:
        await consumer.stop()
    assert sorted((k, i.item_id) for k, i in got) == sorted(
        (i.source_id.encode(), i.item_id) for i in items
    )
    by_source = [i.native_id for k, i in got if k == b"1001"]
    assert by_source == ["1", "3"]

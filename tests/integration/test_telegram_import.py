"""``sitrep import telegram-export`` producing to the real broker: items and dead letters."""

from __future__ import annotations

import json
import time

import orjson
import pytest
from tests.conftest import FIXTURES

from sitrep.collect.telegram.export import read_export
from sitrep.collect.telegram.service import deliver_export
from sitrep.ops.kafka import make_consumer
from sitrep.ops.settings import Settings
from sitrep.records.codec import decode_raw_item
from sitrep.records.topics import DLQ, RAW

pytestmark = pytest.mark.integration


async def read(
    settings: Settings, suffix: str, count: int
) -> list[tuple[bytes | None, bytes, dict[str, bytes]]]:
    consumer = make_consumer(
        settings, settings.topic(suffix), group=f"{settings.group_prefix}.{suffix}"
    )
    await consumer.start()
    out: list[tuple[bytes | None, bytes, dict[str, bytes]]] = []
    deadline = time.monotonic() + 30
    try:
        while len(out) < count:
            assert time.monotonic() < deadline, f"{len(out)} records on {suffix}, expected {count}"
            for batch in (await consumer.getmany(timeout_ms=200)).values():
                out.extend((r.key, r.value, dict(r.headers)) for r in batch)
    finally:
        await consumer.stop()
    return out


async def test_export_is_produced_to_the_raw_topic_with_rejects_dead_lettered(
    settings: Settings,
) -> None:
    root = json.loads((FIXTURES / "telegram" / "result.json").read_text(encoding="utf-8"))
    bad = {"id": 99, "type": "message", "text": "a message without a date"}
    root["messages"].append(bad)
    result = read_export(orjson.dumps(root), collected_at="2024-12-02T00:00:00Z")

    await deliver_export(settings, result, None)

    raw = await read(settings, RAW.suffix, 10)
    assert {key for key, _, _ in raw} == {b"1712345678"}
    assert [decode_raw_item(value).native_id for _, value, _ in raw] == [
        "2", "3", "4", "5", "8", "9", "11", "12", "13", "14",
    ]  # fmt: skip
    [(key, value, headers)] = await read(settings, DLQ.suffix, 1)
    assert orjson.loads(value) == bad
    assert key == b"1712345678"
    assert headers["sitrep-stage"] == b"replay"
    assert b"no 'date'" in headers["sitrep-error"]

"""The sink service's small pure parts (the loop itself runs against Kafka in integration)."""

from __future__ import annotations

from aiokafka.structs import ConsumerRecord

from sitrep.store.service import Backoff, consumed
from sitrep.store.sink import ConsumedRecord


def test_backoff_doubles_from_initial_up_to_the_cap() -> None:
    backoff = Backoff(initial=0.5, cap=3.0)
    assert [backoff.next() for _ in range(5)] == [0.5, 1.0, 2.0, 3.0, 3.0]


def test_consumed_keeps_what_the_sink_needs_of_a_kafka_record() -> None:
    record = ConsumerRecord(
        topic="t.events.v1", partition=3, offset=41, timestamp=1733040065000, timestamp_type=0,
        key=b"ev-1", value=b"{}", checksum=None, serialized_key_size=4, serialized_value_size=2,
        headers=(),
    )  # fmt: skip
    assert consumed(record) == ConsumedRecord("t.events.v1", 3, 41, b"ev-1", b"{}", 1733040065000)

"""Checkpoint records: encoding and folding a compacted topic to the latest per channel."""

from __future__ import annotations

from sitrep.collect.telegram.checkpoints import (
    ChannelCheckpoint,
    decode_checkpoint,
    encode_checkpoint,
    latest_checkpoints,
)


def checkpoint(channel_id: int, last: int) -> ChannelCheckpoint:
    return ChannelCheckpoint(
        channel_id, last, f"chan{channel_id}", -8_765_432_109_876, "Chan", "Title"
    )


def test_checkpoint_round_trips_through_its_encoding() -> None:
    original = checkpoint(1712345678, 4211)
    assert decode_checkpoint(encode_checkpoint(original)) == original
    assert original.key == b"telegram:1712345678"


def test_last_record_per_channel_wins() -> None:
    records = [
        (b"telegram:1", encode_checkpoint(checkpoint(1, 10))),
        (b"telegram:2", encode_checkpoint(checkpoint(2, 5))),
        (b"telegram:1", encode_checkpoint(checkpoint(1, 30))),
    ]
    assert sorted((c.channel_id, c.last_message_id) for c in latest_checkpoints(records)) == [
        (1, 30),
        (2, 5),
    ]


def test_kafka_tombstone_forgets_the_channel() -> None:
    records = [(b"telegram:1", encode_checkpoint(checkpoint(1, 10))), (b"telegram:1", None)]
    assert latest_checkpoints(records) == []


def test_unreadable_and_foreign_records_are_skipped() -> None:
    records = [
        (b"telegram:1", b"{not json"),
        (b"wire:sana-en", b'{"seen": []}'),
        (None, b"{}"),
        (b"telegram:2", encode_checkpoint(checkpoint(2, 7))),
    ]
    assert [c.channel_id for c in latest_checkpoints(records)] == [2]

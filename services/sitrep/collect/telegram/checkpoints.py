"""Where each channel's collection stands: the last message id delivered, kept durably.

**Choice: a compacted Kafka topic** (``{prefix}.checkpoints.v1``, key ``telegram:<channel id>``).

- The collector already needs Kafka and nothing else; a database would be one more dependency
  to be up before a single post can be collected.
- A checkpoint is written with the same idempotent ``acks=all`` producer as the raw items, and
  only after the broker acknowledged those items: a crash between the two leaves the
  checkpoint *behind* the items, never ahead, so a restart re-sends a few items (absorbed
  downstream by ``item_id`` and ``version``) and never skips one.
- Compaction keeps the newest record per channel, so loading reads at most one record per
  channel ever followed (plus what the log cleaner has not yet compacted).

Besides the message id, a checkpoint remembers how the channel was resolved (``access_hash``,
username, title, and the reference written in the sources file), so a restart does not look a
username up again: ``contacts.resolveUsername`` is one of Telegram's most rate-limited calls.

Only one collector may run per Telegram session (Telegram refuses a session used twice), so
each key has one writer; on load the last record per key wins (an operator may rewind a channel
by producing a lower id).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any, Final, Protocol

from aiokafka import AIOKafkaProducer, TopicPartition

from sitrep.ops.kafka import make_consumer
from sitrep.ops.settings import Settings
from sitrep.records.codec import RecordError, encode, from_obj, loads
from sitrep.records.topics import CHECKPOINTS

log = logging.getLogger(__name__)

COLLECTOR: Final = "telegram"
LOAD_TIMEOUT_SECONDS: Final = 120.0


@dataclass(frozen=True, slots=True)
class ChannelCheckpoint:
    """The last message id of one channel that Kafka acknowledged, and how to reach the channel.

    ``source_ref`` is the channel as the sources file names it, normalized (lower-case username
    without ``@``, or the bare numeric id): it finds the checkpoint of a source before the
    channel is resolved.
    """

    channel_id: int
    last_message_id: int
    source_ref: str
    access_hash: int | None = None
    username: str | None = None
    title: str | None = None
    updated_at: str | None = None
    collector: str = COLLECTOR

    @property
    def key(self) -> bytes:
        return checkpoint_key(self.channel_id)


def checkpoint_key(channel_id: int) -> bytes:
    return f"{COLLECTOR}:{channel_id}".encode()


def encode_checkpoint(checkpoint: ChannelCheckpoint) -> bytes:
    return encode(checkpoint)


def decode_checkpoint(data: bytes) -> ChannelCheckpoint:
    """Parse a checkpoint record; raises :class:`~sitrep.records.codec.RecordError`."""
    checkpoint = from_obj(ChannelCheckpoint, loads(data))
    if checkpoint.collector != COLLECTOR:
        raise RecordError(f"collector {checkpoint.collector!r} is not {COLLECTOR!r}")
    if checkpoint.last_message_id < 0 or checkpoint.channel_id <= 0:
        raise RecordError("channel_id must be positive and last_message_id not negative")
    return checkpoint


def latest_checkpoints(records: list[tuple[bytes | None, bytes | None]]) -> list[ChannelCheckpoint]:
    """Fold a compacted topic's records (key, value) in log order: the last value per key wins.

    A null value (a Kafka tombstone) forgets the channel. A record that is not a Telegram
    checkpoint is logged and skipped: the worst it can cause is one channel re-read from its
    backfill depth, with duplicates absorbed downstream.
    """
    latest: dict[bytes, ChannelCheckpoint] = {}
    for key, value in records:
        if key is None or not key.startswith(f"{COLLECTOR}:".encode()):
            continue
        if value is None:
            latest.pop(key, None)
            continue
        try:
            latest[key] = decode_checkpoint(value)
        except RecordError as exc:
            log.warning(
                "unreadable telegram checkpoint skipped",
                extra={"key": key.decode("utf-8", "replace"), "reason": str(exc)},
            )
    return list(latest.values())


class CheckpointStore(Protocol):
    """Durable per-channel checkpoints."""

    async def load(self) -> list[ChannelCheckpoint]:
        """Every stored checkpoint (one per channel)."""
        ...

    async def save(self, checkpoint: ChannelCheckpoint) -> None:
        """Store ``checkpoint``; returns only once it is durable, raises otherwise."""
        ...


class KafkaCheckpointStore:
    """Checkpoints in the compacted topic ``{prefix}.checkpoints.v1``.

    ``producer`` is shared with the raw item sink and owned by the caller (started before
    :meth:`save` or :meth:`load` is called, stopped after). :meth:`load` reads the topic from the beginning to
    the end offsets it saw when it started, with partitions assigned by hand (no consumer group
    join, nothing committed). The topic must exist (``ensure_topics``).
    """

    def __init__(self, settings: Settings, producer: AIOKafkaProducer) -> None:
        self.topic = settings.topic(CHECKPOINTS.suffix)
        self._settings = settings
        self._producer = producer

    async def save(self, checkpoint: ChannelCheckpoint) -> None:
        await self._producer.send_and_wait(
            self.topic, value=encode_checkpoint(checkpoint), key=checkpoint.key
        )

    async def load(self) -> list[ChannelCheckpoint]:
        partitions = await self._producer.partitions_for(self.topic)
        if not partitions:
            raise RuntimeError(
                f"checkpoint topic {self.topic!r} has no partitions; create it first "
                "(ensure_topics)"
            )
        consumer = make_consumer(
            self._settings, group=f"{self._settings.group_prefix}.telegram-checkpoint-reader"
        )
        await consumer.start()
        try:
            assigned = [TopicPartition(self.topic, p) for p in sorted(partitions)]
            consumer.assign(assigned)
            await consumer.seek_to_beginning(*assigned)
            end: dict[Any, int] = await consumer.end_offsets(assigned)
            records: list[tuple[bytes | None, bytes | None]] = []
            async with asyncio.timeout(LOAD_TIMEOUT_SECONDS):
                while [tp for tp in assigned if await consumer.position(tp) < end[tp]]:
                    batch = await consumer.getmany(*assigned, timeout_ms=500)
                    for tp in assigned:
                        records.extend((r.key, r.value) for r in batch.get(tp, []))
        finally:
            await consumer.stop()
        return latest_checkpoints(records)

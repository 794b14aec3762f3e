"""Where collectors and importers put raw items: the raw Kafka topic, or JSON lines.

Every collector (``sitrep collect ...``) and every importer (``sitrep import ...``) writes
through one :class:`RawItemSink`. Two implementations:

- :class:`KafkaRawItemSink` produces to ``{prefix}.raw.v1`` keyed by ``source_id`` with the one
  idempotent, ``acks=all`` producer of :func:`sitrep.ops.kafka.make_producer`;
- :class:`JsonlRawItemSink` writes one JSON record per line to a file or to stdout (``-``), the
  ``--jsonl PATH`` flag of every ``sitrep import`` command.

:func:`open_raw_output` opens either one together with what goes with it (the shared producer,
a dead-letter sender and the readiness checks of the Kafka side), for collectors and importers.

Contract shared by both: :meth:`RawItemSink.send` returns only once every item of the batch is
durable (acknowledged by the broker, or written and flushed); it raises if any item is not, and
the caller must then treat the whole batch as not delivered (re-sending is safe: downstream
absorbs duplicates by ``item_id`` and ``version``). Items of one call keep their order per key.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from types import TracebackType
from typing import IO, Protocol, Self

from aiokafka import AIOKafkaProducer

from sitrep.ops import metrics
from sitrep.ops.health import Check, kafka_producer_check
from sitrep.ops.kafka import ensure_topics, make_producer, send_dead_letter
from sitrep.ops.metrics import Stage
from sitrep.ops.settings import Settings
from sitrep.records.codec import encode
from sitrep.records.dlq import DeadLetter
from sitrep.records.model import RawItem
from sitrep.records.topics import DLQ, RAW, TopicSpec

STDOUT = "-"


class RawItemSink(Protocol):
    """A destination for raw items; use as ``async with sink: await sink.send(items)``."""

    async def start(self) -> None:
        """Open the destination (connect, create the topic, open the file)."""

    async def send(self, items: Sequence[RawItem]) -> None:
        """Deliver ``items`` in order; return only once all are durable, else raise."""

    async def stop(self) -> None:
        """Flush and close; safe to call twice and after a failed :meth:`start`."""

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


class _SinkLifecycle:
    async def start(self) -> None:
        raise NotImplementedError

    async def stop(self) -> None:
        raise NotImplementedError

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()


class KafkaRawItemSink(_SinkLifecycle):
    """Produces raw items to the raw topic, key = ``source_id`` (UTF-8), value = the JSON record.

    ``producer``: pass one to share it (for example with a checkpoint store, so checkpoints and
    items go through one idempotent producer); the sink then neither starts nor stops it.
    Without one, the sink builds its own with :func:`~sitrep.ops.kafka.make_producer` and owns
    it. ``create_topic`` makes :meth:`start` create the raw topic when it does not exist.
    ``stage`` labels ``sitrep_items_out_total`` (``collect_telegram``, ``replay``...).
    """

    def __init__(
        self,
        settings: Settings,
        *,
        stage: Stage,
        producer: AIOKafkaProducer | None = None,
        create_topic: bool = True,
    ) -> None:
        self.topic = settings.topic(RAW.suffix)
        self._settings = settings
        self._stage = stage
        self._create_topic = create_topic
        self._owns_producer = producer is None
        self._producer = producer
        self._started = False

    async def start(self) -> None:
        if self._started:
            return
        if self._create_topic:
            await ensure_topics(self._settings, (RAW,))
        if self._producer is None:
            self._producer = make_producer(self._settings)
        if self._owns_producer:
            await self._producer.start()
        self._started = True

    async def send(self, items: Sequence[RawItem]) -> None:
        """Produce every item, then wait for every ack; raises the first delivery failure."""
        if not items:
            return
        if self._producer is None or not self._started:
            raise RuntimeError("KafkaRawItemSink.send() before start()")
        deliveries = [
            await self._producer.send(self.topic, value=encode(item), key=item.source_id.encode())
            for item in items
        ]
        await asyncio.gather(*deliveries)
        metrics.ITEMS_OUT.labels(stage=self._stage, kind="raw_item").inc(len(items))

    async def stop(self) -> None:
        producer, self._producer = self._producer, None
        started, self._started = self._started, False
        if producer is not None and self._owns_producer and started:
            await producer.stop()


class JsonlRawItemSink(_SinkLifecycle):
    """Writes one raw item per line as JSON (the same bytes the Kafka sink would produce).

    ``path`` is a file path (created or truncated) or ``"-"`` for stdout, which is flushed but
    never closed. Each :meth:`send` flushes before it returns.
    """

    def __init__(self, path: str, *, stage: Stage) -> None:
        self.path = path
        self._stage = stage
        self._out: IO[bytes] | None = None
        self._owns_out = path != STDOUT

    def _open(self) -> IO[bytes]:
        if self.path == STDOUT:
            return sys.stdout.buffer
        return Path(self.path).open("wb")  # closed in stop()

    async def start(self) -> None:
        if self._out is None:
            self._out = self._open()

    async def send(self, items: Sequence[RawItem]) -> None:
        if self._out is None:
            raise RuntimeError("JsonlRawItemSink.send() before start()")
        self._out.write(b"".join(encode(item) + b"\n" for item in items))
        self._out.flush()
        if items:
            metrics.ITEMS_OUT.labels(stage=self._stage, kind="raw_item").inc(len(items))

    async def stop(self) -> None:
        out, self._out = self._out, None
        if out is None:
            return
        if self._owns_out:
            out.close()
        else:
            out.flush()


def add_output_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``--jsonl PATH`` (``-`` = stdout) to an import command's parser."""
    parser.add_argument(
        "--jsonl",
        metavar="PATH",
        default=None,
        help="write raw items as JSON lines to PATH ('-' for stdout) instead of producing "
        "them to the raw Kafka topic",
    )


def open_raw_item_sink(settings: Settings, jsonl: str | None, *, stage: Stage) -> RawItemSink:
    """The sink an import command asked for: JSON lines when ``jsonl`` is set, else Kafka."""
    if jsonl is not None:
        return JsonlRawItemSink(jsonl, stage=stage)
    return KafkaRawItemSink(settings, stage=stage)


DeadLetterSender = Callable[[DeadLetter], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class RawOutput:
    """An opened destination for raw items.

    ``sink`` is started. With Kafka, ``producer`` is the one started idempotent producer behind
    the sink (share it: checkpoints, other records), ``dead_letters`` produces to the DLQ topic
    and waits for the ack, and ``checks`` holds a ``kafka`` readiness check. With JSON lines
    all three are empty: there is nowhere to dead-letter to, so callers log rejects instead.
    """

    sink: RawItemSink
    producer: AIOKafkaProducer | None = None
    dead_letters: DeadLetterSender | None = None
    checks: dict[str, Check] = field(default_factory=dict)


@contextlib.asynccontextmanager
async def open_raw_output(
    settings: Settings,
    jsonl: str | None,
    *,
    stage: Stage,
    topics: tuple[TopicSpec, ...] = (RAW, DLQ),
) -> AsyncIterator[RawOutput]:
    """JSON lines to ``jsonl`` when it is set, else the raw topic (``topics`` are created if
    missing); the sink is flushed and the producer stopped on exit."""
    if jsonl is not None:
        async with JsonlRawItemSink(jsonl, stage=stage) as lines:
            yield RawOutput(lines)
        return
    await ensure_topics(settings, topics)
    producer = make_producer(settings)
    await producer.start()
    try:
        async with KafkaRawItemSink(
            settings, stage=stage, producer=producer, create_topic=False
        ) as kafka:
            yield RawOutput(
                kafka,
                producer,
                partial(send_dead_letter, producer, settings),
                {"kafka": kafka_producer_check(producer, kafka.topic)},
            )
    finally:
        await producer.stop()

"""``sitrep replay FILE``: produce raw items from a JSON-lines file to the raw topic.

Lines are produced as they are, byte for byte: replay is a collector, not a validator, so a
line that is not a valid raw item reaches the processor, which dead-letters it with its reason
(nothing is dropped on the way in). The key is the line's ``source_id`` when the line is a JSON
object that has one, else no key. Blank lines are skipped. Delivery is acknowledged
(``acks=all``, idempotent producer) before the command reports success; replaying the same file
twice is harmless (items are keyed by ``item_id`` and ``version`` downstream).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

import orjson

from sitrep.cli import UsageError
from sitrep.ops import metrics
from sitrep.ops.kafka import ensure_topics, make_producer
from sitrep.ops.settings import Settings
from sitrep.records.topics import TOPICS

log = logging.getLogger(__name__)

STAGE = "replay"


def line_key(line: bytes) -> bytes | None:
    """The Kafka key of a raw-item line: its ``source_id``, or ``None`` when it has none."""
    try:
        obj = orjson.loads(line)
    except orjson.JSONDecodeError:
        return None
    if isinstance(obj, dict):
        source_id = obj.get("source_id")
        if isinstance(source_id, str) and source_id:
            return source_id.encode()
    return None


def iter_lines(stream: BinaryIO) -> Iterator[bytes]:
    for raw in stream:
        line = raw.rstrip(b"\r\n")
        if line.strip():
            yield line


async def replay(
    settings: Settings, stream: BinaryIO, *, total: int | None = None, progress: bool = False
) -> int:
    """Produce every non-blank line of ``stream``; returns the number of lines produced."""
    await ensure_topics(settings, TOPICS)
    producer = make_producer(settings, linger_ms=20)
    await producer.start()
    topic = settings.topic("raw.v1")
    sent = 0
    last_report = time.monotonic()
    pending: list[Any] = []
    try:
        for line in iter_lines(stream):
            pending.append(await producer.send(topic, value=line, key=line_key(line)))
            sent += 1
            if len(pending) >= 1000:
                await asyncio.gather(*pending)
                pending.clear()
            if progress and time.monotonic() - last_report > 2.0:
                last_report = time.monotonic()
                done = f"{sent}/{total}" if total else str(sent)
                print(f"replay: {done} items produced", file=sys.stderr)
        await asyncio.gather(*pending)
    finally:
        await producer.stop()
    metrics.ITEMS_OUT.labels(stage=STAGE, kind="raw_item").inc(sent)
    return sent


def _count_lines(path: Path) -> int:
    with path.open("rb") as fh:
        return sum(1 for line in fh if line.strip())


def _replay(args: argparse.Namespace, settings: Settings) -> int:
    if args.file == "-":
        sent = asyncio.run(replay(settings, sys.stdin.buffer))
    else:
        path = Path(args.file)
        if not path.is_file():
            raise UsageError(f"replay: {args.file!r} is not a file")
        total = _count_lines(path)
        with path.open("rb") as fh:
            sent = asyncio.run(replay(settings, fh, total=total, progress=total > 5000))
    print(
        f"replay: {sent} items produced to {settings.topic('raw.v1')} at "
        f"{settings.kafka_bootstrap}",
        file=sys.stderr,
    )
    return 0


def register(commands: Any) -> None:
    parser = commands.add(
        "replay",
        _replay,
        help="produce raw items from a JSON-lines file ('-' for stdin) to the raw topic",
    )
    parser.add_argument("file", help="JSON lines, one raw item record per line")

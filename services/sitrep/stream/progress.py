"""How far each consumer group is behind, and waiting until a pipeline has drained.

``sitrep lag`` prints, per group and topic, committed offsets against end offsets;
``sitrep lag --wait TIMEOUT`` returns once every group has committed everything on its input
topics on two checks in a row (the processor may be between consuming and producing on the
first), or fails after TIMEOUT seconds. ``make run`` uses it instead of a fixed sleep.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from dataclasses import dataclass
from typing import Any

from aiokafka import TopicPartition
from aiokafka.errors import KafkaError

from sitrep.ops.kafka import make_admin, make_consumer, topic_partitions
from sitrep.ops.settings import Settings
from sitrep.records.topics import CANDIDATES, EVENTS, RAW, REPORTS


@dataclass(frozen=True, slots=True)
class GroupLag:
    group: str
    topic: str
    committed: int
    end: int

    @property
    def lag(self) -> int:
        return max(0, self.end - self.committed)


def normalizer_group(settings: Settings) -> str:
    """The processor's normalize loop (raw topic)."""
    return f"{settings.group_prefix}.normalizer"


def processor_group(settings: Settings) -> str:
    """The processor's faust app (candidates topic); it read the raw topic too before the
    normalize loop had a group of its own."""
    return f"{settings.group_prefix}.processor"


def pipeline_groups(settings: Settings) -> dict[str, tuple[str, ...]]:
    """Consumer group -> input topics: the processor's normalize loop and cluster agent, the
    sink."""
    return {
        normalizer_group(settings): (settings.topic(RAW.suffix),),
        processor_group(settings): (settings.topic(CANDIDATES.suffix),),
        f"{settings.group_prefix}.sink": (
            settings.topic(REPORTS.suffix),
            settings.topic(EVENTS.suffix),
        ),
    }


async def measure_lag(settings: Settings) -> list[GroupLag]:
    admin = make_admin(settings)
    await admin.start()
    try:
        return await _measure(settings, admin)
    finally:
        await admin.close()


async def _measure(settings: Settings, admin: Any) -> list[GroupLag]:
    probe = make_consumer(settings, group=f"{settings.group_prefix}.lag-probe")
    await probe.start()
    try:
        out: list[GroupLag] = []
        for group, topics in pipeline_groups(settings).items():
            committed = await admin.list_consumer_group_offsets(group)
            for topic in topics:
                tps = [TopicPartition(topic, p) for p in await topic_partitions(settings, topic)]
                ends = await probe.end_offsets(tps) if tps else {}
                done = sum(
                    committed[tp].offset if tp in committed and committed[tp].offset >= 0 else 0
                    for tp in tps
                )
                out.append(GroupLag(group, topic, done, sum(ends.values())))
        return out
    finally:
        await probe.stop()


async def wait_drained(settings: Settings, within: float, min_input: int = 1) -> list[GroupLag]:
    """Wait until every group has no lag on two consecutive checks and at least ``min_input``
    records reached the raw topic. Raises ``TimeoutError`` with the last lags. Kafka errors
    are retried until the deadline: on a fresh broker the group coordinator is not there yet
    (``__consumer_offsets`` is created by the first group that joins)."""
    deadline = time.monotonic() + within
    streak = 0
    last: list[GroupLag] = []
    problem = ""
    while time.monotonic() < deadline:
        try:
            last = await measure_lag(settings)
        except KafkaError as exc:
            problem = f"; last Kafka error: {type(exc).__name__}: {exc}"
            streak = 0
            await asyncio.sleep(0.5)
            continue
        raw_total = sum(g.end for g in last if g.topic == settings.topic(RAW.suffix))
        if raw_total >= min_input and all(g.lag == 0 for g in last):
            streak += 1
            if streak >= 2:
                return last
        else:
            streak = 0
        await asyncio.sleep(0.5)
    detail = ", ".join(f"{g.group}@{g.topic}: {g.lag} behind" for g in last if g.lag)
    raise TimeoutError(
        f"pipeline not drained after {within:.0f}s ({detail or 'no input yet'}{problem})"
    )


def _lag(args: argparse.Namespace, settings: Settings) -> int:
    try:
        if args.wait is not None:
            lags = asyncio.run(wait_drained(settings, args.wait, args.min_input))
        else:
            lags = asyncio.run(measure_lag(settings))
    except TimeoutError as exc:
        print(f"sitrep lag: {exc}", file=sys.stderr)
        return 1
    for g in lags:
        print(f"{g.group:40} {g.topic:40} committed={g.committed:>8} end={g.end:>8} lag={g.lag}")
    return 0


def register(commands: Any) -> None:
    parser = commands.add("lag", _lag, help="consumer lag of the processor and sink groups")
    parser.add_argument(
        "--wait",
        type=float,
        metavar="SECONDS",
        default=None,
        help="wait until the pipeline has drained (exit 1 after SECONDS)",
    )
    parser.add_argument(
        "--min-input",
        type=int,
        default=1,
        help="with --wait: at least this many raw records must have arrived",
    )

"""Kafka as the benchmarks see it: feed a topic, watch a consumer group, time a topic's records.

Thin I/O over the project's one client factory (:mod:`sitrep.ops.kafka`). Every wait polls a
condition against a deadline and fails with what it last saw; none sleeps in place of waiting.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from aiokafka import TopicPartition

from bench.measure import Span
from sitrep.ops.kafka import ensure_topics, make_admin, make_consumer, make_producer
from sitrep.ops.settings import Settings
from sitrep.records import RawItem, encode
from sitrep.records.topics import CANDIDATES, RAW, TOPICS
from sitrep.stream.progress import normalizer_group, processor_group

PRODUCE_WINDOW = 5000  # sends in flight before waiting for their acks


def quiet_client_logs() -> None:
    """Show only errors from the Kafka clients in a benchmark's own process: their warnings
    (a produce retried while a new topic's leader is elected) are not findings."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("aiokafka").setLevel(logging.ERROR)


class BenchError(RuntimeError):
    """A benchmark could not measure what it set out to (a service died, a deadline passed)."""


async def produce_raw(
    settings: Settings, items: Iterable[RawItem], suffix: str = RAW.suffix
) -> int:
    """Produce ``items`` to ``{prefix}.{suffix}`` keyed by source id, as fast as acks allow.

    Returns the number produced once the broker acknowledged all of them.
    """
    await ensure_topics(settings, TOPICS)
    producer = make_producer(settings, linger_ms=20)
    await producer.start()
    topic = settings.topic(suffix)
    sent = 0
    try:
        pending: list[Any] = []
        for item in items:
            pending.append(
                await producer.send(topic, value=encode(item), key=item.source_id.encode())
            )
            sent += 1
            if len(pending) >= PRODUCE_WINDOW:
                await asyncio.gather(*pending)
                pending.clear()
        await asyncio.gather(*pending)
    finally:
        await producer.stop()
    return sent


async def _partitions(admin: Any, topics: Sequence[str]) -> list[TopicPartition]:
    described = await admin.describe_topics(list(topics))
    return [
        TopicPartition(t["topic"], p["partition"])
        for t in described
        if t.get("error_code") == 0
        for p in t["partitions"]
    ]


async def visit_records(
    settings: Settings, suffixes: Sequence[str], visit: Callable[[Any], None]
) -> None:
    """Call ``visit`` with every record now on the topics (beginning to end offsets), each
    partition in offset order. Records are aiokafka ``ConsumerRecord`` objects."""
    topics = [settings.topic(s) for s in suffixes]
    admin = make_admin(settings)
    await admin.start()
    try:
        tps = await _partitions(admin, topics)
    finally:
        await admin.close()
    if not tps:
        return
    consumer = make_consumer(
        settings,
        group=f"{settings.group_prefix}.bench-reader-{time.monotonic_ns()}",
        isolation_level="read_uncommitted",
    )
    await consumer.start()
    try:
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        ends = await consumer.end_offsets(tps)
        remaining = {tp for tp in tps if ends[tp] > 0}
        while remaining:
            batch = await consumer.getmany(*remaining, timeout_ms=1000, max_records=20000)
            for tp, records in batch.items():
                for record in records:
                    visit(record)
                if records and records[-1].offset + 1 >= ends[tp]:
                    remaining.discard(tp)
    finally:
        await consumer.stop()


async def topic_span(settings: Settings, suffixes: Sequence[str]) -> Span | None:
    """Count and first/last timestamps of every record now on the topics (``None``: empty).

    Timestamps are the producers' create times, so the span of an output topic is the time the
    producing stage spent from its first output to its last, whatever its start-up took.
    """
    seen: list[int] = []  # count, first, last

    def visit(record: Any) -> None:
        ts = record.timestamp
        if not seen:
            seen.extend((1, ts, ts))
        else:
            seen[0] += 1
            seen[1] = min(seen[1], ts)
            seen[2] = max(seen[2], ts)

    await visit_records(settings, suffixes, visit)
    return Span(*seen) if seen else None


@dataclass(frozen=True, slots=True)
class GroupProgress:
    """A consumer group's committed offsets against the end offsets of its input topics."""

    committed: int
    end: int

    @property
    def lag(self) -> int:
        return max(0, self.end - self.committed)


def processor_groups(settings: Settings) -> dict[str, tuple[str, ...]]:
    """The processor's consumer groups and their input topic suffixes: the normalize loop on
    raw, the faust cluster agent on candidates."""
    return {
        normalizer_group(settings): (RAW.suffix,),
        processor_group(settings): (CANDIDATES.suffix,),
    }


class GroupWatch:
    """Polls consumer groups' progress on their input topics (an admin and a probe client):
    one group and its input suffixes, or a mapping of several (whose progress adds up)."""

    def __init__(
        self,
        settings: Settings,
        group: str | Mapping[str, Sequence[str]],
        suffixes: Sequence[str] = (),
    ) -> None:
        self.settings = settings
        self.groups = {group: tuple(suffixes)} if isinstance(group, str) else dict(group)
        self.group = " + ".join(self.groups)
        self._admin = make_admin(settings)
        self._probe = make_consumer(settings, group=f"{next(iter(self.groups))}.bench-probe")

    async def __aenter__(self) -> GroupWatch:
        await self._admin.start()
        await self._probe.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._probe.stop()
        await self._admin.close()

    async def progress(self, suffixes: Sequence[str] | None = None) -> GroupProgress:
        """Committed against end offsets, over every group's input topics (only those among
        ``suffixes`` when given)."""
        done = end = 0
        for group, inputs in self.groups.items():
            wanted = [s for s in inputs if suffixes is None or s in suffixes]
            if not wanted:
                continue
            tps = await _partitions(self._admin, [self.settings.topic(s) for s in wanted])
            committed = await self._admin.list_consumer_group_offsets(group)
            ends = await self._probe.end_offsets(tps) if tps else {}
            done += sum(
                committed[tp].offset if tp in committed and committed[tp].offset >= 0 else 0
                for tp in tps
            )
            end += sum(ends.values())
        return GroupProgress(done, end)

    async def members(self) -> int:
        """Members of the groups when each is stable (0 while one is rebalancing or empty;
        the smallest count when they differ)."""
        counts = []
        for name in self.groups:
            described = await self._admin.describe_consumer_groups([name])
            found = 0
            for response in described:
                for group in response.to_object()["groups"]:
                    if group["group"] == name and group["state"] == "Stable":
                        found = len(group["members"])
            counts.append(found)
        return min(counts)

    async def wait_members(self, n: int, within: float, alive: Callable[[], bool]) -> None:
        """Wait until the group is stable with ``n`` members."""
        deadline = time.monotonic() + within
        seen = 0
        while time.monotonic() < deadline:
            if not alive():
                raise BenchError(f"a member of {self.group} exited before joining")
            seen = await self.members()
            if seen == n:
                return
            await asyncio.sleep(0.25)
        raise BenchError(f"{self.group} not stable with {n} members after {within:.0f}s ({seen})")

    async def wait_consumed(
        self, expected: int, within: float, alive: Callable[[], bool], input_suffix: str
    ) -> float:
        """Wait until ``expected`` records reached ``input_suffix`` and the group committed all
        of its input topics, on two polls in a row. Returns the monotonic time it saw that."""
        deadline = time.monotonic() + within
        streak = 0
        last = GroupProgress(0, 0)
        while time.monotonic() < deadline:
            if not alive():
                raise BenchError(f"a service of {self.group} exited while consuming ({last})")
            arrived = (await self.progress([input_suffix])).end
            last = await self.progress()
            if arrived >= expected and last.lag == 0:
                streak += 1
                if streak >= 2:
                    return time.monotonic()
            else:
                streak = 0
            await asyncio.sleep(0.25)
        raise BenchError(
            f"{self.group} did not consume its input within {within:.0f}s: "
            f"committed {last.committed} of {last.end}"
        )


async def delete_run_topics(settings: Settings) -> int:
    """Delete every topic of this run (``{prefix}.*``, faust's changelogs too); returns how many."""
    admin = make_admin(settings)
    await admin.start()
    try:
        prefix = f"{settings.topic_prefix}."
        mine = [t for t in await admin.list_topics() if t.startswith(prefix)]
        if mine:
            await admin.delete_topics(mine)
        return len(mine)
    finally:
        await admin.close()

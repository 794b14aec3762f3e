"""The normalize step: raw items -> reports and candidates, a plain aiokafka loop (thin shell).

It keeps no state but the report -> cells index (:class:`~sitrep.stream.routing.ReportCells`),
so it does not need faust's machinery, whose per-record cost was most of the worker's time
(bench/README.md). It runs in the processor's process next to the faust cluster agent (or
alone: ``SITREP_PROCESSOR_ROLE=normalize sitrep process``), in its own consumer group
``{SITREP_GROUP_PREFIX}.normalizer`` on the raw topic. For every batch:

1. fetch up to ``BATCH`` raw items (whatever is there: a live item is not held back);
2. route each (:class:`~sitrep.stream.routing.Router`); one that cannot be decoded or
   understood becomes a dead letter with its reason;
3. send the reports, the candidates (one record per cell holding the batch's reports for it,
   stamped with this worker's event-time watermark) and the dead letters, and wait for the
   broker's acknowledgement;
4. then the index's changelog records (after the candidates: an index entry never claims a
   cell whose candidate was not delivered);
5. commit the batch's offsets. A crash anywhere before re-reads the batch (at-least-once; the
   cluster step recognises a redelivered report).

Steps 4-5 of one batch run while the loop fetches and routes the next (its reports wait for the
loop, not for two more round trips): one batch at a time, in batch order — a batch's
changelog and commit start once its own sends and the previous batch's commit are done. A
rebalance waits for them; a stop gives them a few seconds.

Kafka errors while sending are retried with backoff (the same batch again: duplicates, never
gaps). A rebalance waits for the batch in hand; newly assigned partitions get their index back
from the changelog before their first item. Raw partitions whose event time runs more than a
cluster window ahead of the others are paused (:class:`~sitrep.stream.watermark.Alignment`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
from collections.abc import Callable, Collection, Mapping
from typing import Any, Final

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from aiokafka.abc import ConsumerRebalanceListener
from aiokafka.errors import IllegalStateError, KafkaError

from sitrep.ops import metrics
from sitrep.ops.health import LagReporter, OpsServer
from sitrep.ops.kafka import (
    MAX_MESSAGE_BYTES,
    commit_assigned,
    make_admin,
    make_consumer,
    send_dead_letter,
)
from sitrep.ops.metrics import Stage
from sitrep.ops.retry import Backoff
from sitrep.ops.settings import Settings
from sitrep.records.codec import RecordError
from sitrep.records.dlq import DeadLetter, DlqBreaker, DlqBreakerOpen
from sitrep.records.times import utc_now
from sitrep.records.topics import CANDIDATES, RAW, REPORTS
from sitrep.stream.progress import normalizer_group, processor_group
from sitrep.stream.routing import Routed, Router, group_candidates
from sitrep.stream.watermark import Alignment, Watermarks

log = logging.getLogger(__name__)

STAGE: Final[Stage] = "process"
WATERMARK_HEADER: Final = "sitrep-watermark"
WORKER_HEADER: Final = "sitrep-worker"
WORKER_ID: Final = f"{socket.gethostname()}:{os.getpid()}".encode()
BATCH: Final = 500
POLL_SECONDS: Final = 0.5
FINISH_SECONDS: Final = 5.0  # how long a stopping loop waits for the last batch's commit
FETCH_BYTES_PER_PARTITION: Final = 256 * 1024
# in a backlog of more than BACKLOG_ITEMS raw items, the loop stays within
# SITREP_PROCESSOR_AHEAD_RECORDS candidates records of the cluster agent in its process,
# waiting up to PACE_SECONDS per batch. A live stream that falls a few seconds behind (1,000
# items/s and a hiccup) stays far below it and is never paced by the events: otherwise a loop
# waiting for an agent that is itself behind would fall further behind, and wait more.
BACKLOG_ITEMS: Final = 20_000
PACE_SECONDS: Final = 2.0
# each record holds one report's cells: compact early, so a restart reads about one per report
INDEX_TOPIC_CONFIG: Final = {
    "cleanup.policy": "compact",
    "max.message.bytes": str(MAX_MESSAGE_BYTES),
    "segment.bytes": str(32 * 1024 * 1024),
    "segment.ms": str(60_000),
    "min.cleanable.dirty.ratio": "0.1",
    "delete.retention.ms": str(3_600_000),
}


def index_topic(settings: Settings) -> str:
    """The report -> cells index's changelog: the topic of the faust table it replaced
    (``{group prefix}.processor-report_cells-changelog``), so a deployment keeps its index."""
    return f"{settings.group_prefix}.processor-report_cells-changelog"


Send = tuple[str, bytes | None, bytes | None, list[tuple[str, bytes]] | None, int | None]


class Normalizer(ConsumerRebalanceListener):  # type: ignore[misc]
    """One normalize worker: the loop of the module docstring. ``run`` returns when ``stop``
    is set and raises :class:`~sitrep.records.dlq.DlqBreakerOpen` when most recent input was
    bad (after lingering ``dlq_breaker_linger_seconds`` so the alert sees the gauge)."""

    def __init__(
        self,
        settings: Settings,
        router: Router,
        producer: AIOKafkaProducer,
        *,
        ops: OpsServer,
        window_seconds: float,
        lag: LagReporter | None = None,
        idle_heartbeat: bool = False,
        downstream: Callable[[], int] | None = None,
    ) -> None:
        self.settings = settings
        # candidates records the cluster agent of this process has in hand and not finished
        # (None: the agent runs elsewhere); see _keep_pace
        self.downstream = downstream
        self._raw_backlog = 0  # raw items behind the end of this worker's partitions
        self.router = router
        self.producer = producer
        self.ops = ops
        self.lag = lag
        # alone in its process, an idle loop proves the worker alive; next to the faust agent
        # the worker's lag timer does (an idle normalizer says nothing of a wedged agent)
        self.idle_heartbeat = idle_heartbeat
        self.raw = settings.topic(RAW.suffix)
        self.reports = settings.topic(REPORTS.suffix)
        self.candidates = settings.topic(CANDIDATES.suffix)
        self.index_topic = index_topic(settings)
        self.breaker = DlqBreaker(STAGE, settings.dlq_window, settings.dlq_max_ratio)
        # event time of this worker's raw partitions; an input silent for 15 s stops holding
        # expiry back, unless it still has a backlog
        self.clock = Watermarks(idle_after=15.0, require_caught_up=True)
        self.alignment = Alignment(max_skew=window_seconds)
        self.consumer: AIOKafkaConsumer = self._make_consumer()
        self._lock = asyncio.Lock()  # held while a batch is in hand (a rebalance waits)
        # the previous batch's index changelog and offset commit, finishing while the loop
        # fetches and routes the next one (at most one at a time, in batch order)
        self._finishing: asyncio.Task[None] | None = None
        self._held: set[int] = set()  # raw partitions whose index is restored
        self._next: dict[int, int] = {}  # per held raw partition: the next offset to handle
        self._failed: BaseException | None = None
        self._stop = asyncio.Event()

    # --- lifecycle

    def _make_consumer(self) -> AIOKafkaConsumer:
        # small fetches per partition: aiokafka hands a batch over partition by partition, so
        # with large ones a backlog is read one partition after the other, and the partitions
        # race apart in event time faster than the alignment can see
        return make_consumer(
            self.settings,
            group=normalizer_group(self.settings),
            max_poll_records=BATCH,
            max_partition_fetch_bytes=FETCH_BYTES_PER_PARTITION,
        )

    async def start(self) -> None:
        """Join the group on the raw topic (retried while the broker is unreachable)."""
        self.consumer = await started(self._make_consumer, self.consumer)
        self.consumer.subscribe([self.raw], listener=self)

    async def stop(self) -> None:
        await self.consumer.stop()

    async def run(self, stop: asyncio.Event) -> None:
        self._stop = stop
        try:
            while not stop.is_set():
                await self._keep_pace()
                got = await self.consumer.getmany(
                    timeout_ms=int(POLL_SECONDS * 1000), max_records=BATCH
                )
                if got:
                    async with self._lock:
                        if self._failed is not None:
                            raise RuntimeError(
                                "a rebalance failed (restoring the report index, or finishing "
                                "the batch before it)"
                            ) from self._failed
                        await self._handle(
                            {tp: rs for tp, rs in got.items() if tp.partition in self._held}
                        )
                else:
                    await self._finished()  # idle: the last batch is committed now
                    if self.idle_heartbeat:
                        self.ops.heartbeat()
                await self._align()
            await self._finished()
        finally:
            await self._abandon()

    async def _abandon(self) -> None:
        """Leaving the loop (stopped, failed or cancelled): give the previous batch's changelog
        and commit a few seconds, then cancel them (the batch is then read again)."""
        finishing, self._finishing = self._finishing, None
        if finishing is None:
            return
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait({finishing}, timeout=FINISH_SECONDS)
        finishing.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await finishing

    async def _finished(self) -> None:
        """Wait until the previous batch's changelog and commit are done (raising what
        stopped them)."""
        finishing, self._finishing = self._finishing, None
        if finishing is not None:
            await finishing

    # --- one batch

    async def _handle(self, got: Mapping[TopicPartition, list[ConsumerRecord[Any, Any]]]) -> None:
        sends: list[Send] = []
        changelog: list[Send] = []
        batch: list[Routed] = []
        # the candidates carry the watermark as it was before this batch: every report of a
        # grouped record is merged under it, and none of them can have moved it yet
        low = self.clock.low()
        headers = [(WORKER_HEADER, WORKER_ID)]
        if low is not None:
            headers.append((WATERMARK_HEADER, repr(low).encode()))
        letters: list[DeadLetter] = []
        outcomes: list[bool] = []
        offsets: dict[TopicPartition, int] = {}
        for tp, fetched in got.items():
            # a batch fetched before a rebalance can repeat what this worker has handled or
            # precede a position set at assignment: only offsets from the next expected on
            floor = self._next.get(tp.partition, -1)
            records = [r for r in fetched if r.offset >= floor]
            if not records:
                if fetched and floor > fetched[0].offset:
                    offsets[tp] = floor  # handled before, maybe not committed (a rebalance)
                continue
            offsets[tp] = records[-1].offset + 1
            self._next[tp.partition] = records[-1].offset + 1
            if self.lag is not None:
                self.lag.observe(tp, records[-1].timestamp)
            metrics.ITEMS_IN.labels(stage=STAGE).inc(len(records))
            for record in records:
                started = time.perf_counter()
                try:
                    report = self.router.decode(record.value, utc_now())
                    routed = self.router.route(report, tp.partition)
                except RecordError as exc:
                    letters.append(_letter(record, "process.decode", exc, "invalid_record"))
                    outcomes.append(False)
                    continue
                except Exception as exc:  # noqa: BLE001 - one bad item must not stop the worker
                    letters.append(_letter(record, "process.understand", exc, "processing_error"))
                    outcomes.append(False)
                    continue
                outcomes.append(True)
                metrics.STAGE_SECONDS.labels(step="understand").observe(
                    time.perf_counter() - started
                )
                self.clock.observe(tp.partition, routed.published)
                batch.append(routed)
                sends.append((self.reports, routed.key, routed.value, None, None))
                changelog.extend(
                    (self.index_topic, key, value, None, tp.partition)
                    for key, value in routed.changelog
                )
        sends.extend(
            (self.candidates, cell.encode(), value, headers, None)
            for cell, value in group_candidates(batch)
        )
        for letter in letters:
            await self._retry("dead letter", lambda letter=letter: self._dead_letter(letter))
        await self._retry("send", lambda: self._send(sends))
        # the reports are out; the index changelog (after the previous batch's) and the commit
        # finish while the loop fetches and routes the next batch: a report waits for the loop,
        # and the loop no longer waits for two more round trips per batch
        await self._finished()
        self._finishing = asyncio.create_task(self._finish(changelog, offsets))
        reported = len(outcomes) - len(letters)
        metrics.ITEMS_OUT.labels(stage=STAGE, kind="report").inc(reported)
        self.ops.heartbeat(processed=len(outcomes))
        for ok in outcomes:
            await self._count(ok=ok)

    async def _finish(self, changelog: list[Send], offsets: dict[TopicPartition, int]) -> None:
        await self._retry("index changelog", lambda: self._send(changelog))
        await self._retry("offset commit", lambda: self._commit(offsets))

    async def _send(self, sends: list[Send]) -> None:
        futures = [
            await self.producer.send(topic, value=value, key=key, headers=headers, partition=p)
            for topic, key, value, headers, p in sends
        ]
        if futures:
            await asyncio.gather(*futures)

    async def _dead_letter(self, letter: DeadLetter) -> None:
        await send_dead_letter(self.producer, self.settings, letter)

    async def _commit(self, offsets: dict[TopicPartition, int]) -> None:
        await commit_assigned(self.consumer, offsets, stage=STAGE)

    async def _retry(self, what: str, attempt: Any) -> None:
        """Run ``attempt`` until it succeeds; Kafka errors are retried with capped backoff
        (the consumer stays in its group: aiokafka heartbeats in the background) until the
        loop is asked to stop."""
        backoff = Backoff()
        while True:
            try:
                await attempt()
                return
            except KafkaError as exc:
                if self._stop.is_set():
                    raise  # stopping: the uncommitted batch is read again after a restart
                delay = backoff.next()
                log.warning(
                    f"{what} failed; retrying",
                    extra={
                        "stage": STAGE,
                        "error": f"{type(exc).__name__}: {exc}",
                        "retry_in_seconds": delay,
                    },
                )
                await asyncio.sleep(delay)

    async def _count(self, *, ok: bool) -> None:
        try:
            self.breaker.record(ok)
        except DlqBreakerOpen as exc:
            metrics.DLQ_BREAKER_OPEN.labels(stage=STAGE).set(1)
            log.critical("dlq circuit breaker open: %s", exc, extra={"stage": STAGE})
            # stay scrapeable for a while so the breaker alert sees the gauge, then stop
            await asyncio.sleep(self.settings.dlq_breaker_linger_seconds)
            raise

    # --- pace and event-time alignment

    async def _keep_pace(self) -> None:
        """In a backlog, wait while the cluster agent of this process has more than
        ``SITREP_PROCESSOR_AHEAD_RECORDS`` candidates records in hand: faust reads ahead up to
        4,096 of them, and a normalize loop running far ahead of the agent fills that buffer (a
        backfill held ~2,800 records, tens of MiB, by its end). Live input (a raw backlog under
        :data:`BACKLOG_ITEMS`) never waits, whatever the agent's backlog: a report is not held
        back for the events. Waits at most :data:`PACE_SECONDS` per batch (a stuck agent is
        the liveness probe's business)."""
        ahead = self.settings.processor_ahead_records
        if self.downstream is None or ahead <= 0 or self._raw_backlog <= BACKLOG_ITEMS:
            return
        started = time.monotonic()
        deadline = started + PACE_SECONDS
        while self.downstream() > ahead and time.monotonic() < deadline:
            if self._stop.is_set():
                break
            await asyncio.sleep(0.01)
        metrics.PACE_WAIT.labels(stage=STAGE).inc(time.monotonic() - started)

    async def _align(self) -> None:
        """After every batch: say which raw partitions are caught up (and how far behind they
        are), then pause the ones whose event time ran ahead and resume those the others
        caught up with."""
        assigned = [tp for tp in self.consumer.assignment() if tp.topic == self.raw]
        backlog = 0
        for tp in assigned:
            end = self.consumer.highwater(tp)
            try:
                position = await self.consumer.position(tp)
            except IllegalStateError:  # revoked meanwhile
                continue
            self.clock.caught_up(tp.partition, end is not None and position >= end)
            if end is not None and tp not in self.consumer.paused():
                backlog += max(0, end - position)
        self._raw_backlog = backlog
        pause, resume = self.alignment.decide(self.clock)
        if not (pause or resume):
            return
        owned = {tp.partition for tp in assigned}
        self.consumer.pause(*(TopicPartition(self.raw, p) for p in pause if p in owned))
        self.consumer.resume(*(TopicPartition(self.raw, p) for p in resume if p in owned))
        metrics.INPUT_PAUSES.labels(stage=STAGE).inc(len(pause))
        metrics.INPUT_PAUSED.labels(stage=STAGE).set(len(self.alignment.paused))
        log.debug(
            "raw partitions aligned by event time",
            extra={"stage": STAGE, "paused": sorted(pause), "resumed": sorted(resume)},  # type: ignore[type-var]
        )

    # --- rebalances (aiokafka awaits these before it fetches again)

    async def on_partitions_revoked(self, revoked: Collection[TopicPartition]) -> None:
        async with self._lock:  # the batch in hand is sent and committed first
            try:
                await self._finished()
            except Exception as exc:  # noqa: BLE001 - aiokafka would only log it: the loop raises it
                self._failed = exc
        for tp in revoked:
            if tp.topic == self.raw:
                self.clock.forget(tp.partition)

    async def on_partitions_assigned(self, assigned: Collection[TopicPartition]) -> None:
        """Restore the index of newly assigned partitions before any of their items is
        handled: aiokafka may already fetch them while this runs, so the batch loop waits for
        the lock. aiokafka only logs an exception raised here; the loop raises it instead."""
        async with self._lock:
            try:
                await self._finished()
                await self._assign({tp.partition for tp in assigned if tp.topic == self.raw})
            except Exception as exc:  # noqa: BLE001 - handed to the loop, which stops the worker
                self._failed = exc

    async def _assign(self, partitions: set[int]) -> None:
        kept = partitions & self._held
        self.router.index.keep_only(kept)
        self._next = {p: offset for p, offset in self._next.items() if p in kept}
        new = sorted(partitions - kept)
        self._held = set()  # nothing is handled until the index is whole again
        restored = await self._restore_index(new) if new else 0
        adopted = await self._adopt_offsets(new) if new else 0
        self._held = partitions
        self.alignment.forget()  # a new assignment starts unpaused
        metrics.INPUT_PAUSED.labels(stage=STAGE).set(0)
        for partition in partitions:
            self.clock.hold(partition)
        log.info(
            "raw partitions assigned",
            extra={
                "stage": STAGE,
                "partitions": sorted(partitions),
                "index_restored": restored,
                "index_size": len(self.router.index),
                "offsets_adopted": adopted,
            },
        )

    async def _adopt_offsets(self, partitions: list[int]) -> int:
        """Upgrades: before the normalize loop had a group of its own, the faust worker's group
        (``{prefix}.processor``, now on candidates only) read the raw topic. A raw partition this group has never
        committed starts where that group left it rather than at the beginning (14 days of
        raw read again). Returns how many partitions were so positioned."""
        tps = [TopicPartition(self.raw, p) for p in partitions]
        unstarted = [tp for tp in tps if await self.consumer.committed(tp) is None]
        if not unstarted:
            return 0
        admin = make_admin(self.settings)
        await admin.start()
        try:
            theirs = await admin.list_consumer_group_offsets(
                processor_group(self.settings), partitions=unstarted
            )
        finally:
            await admin.close()
        adopted = 0
        for tp, meta in theirs.items():
            if meta is not None and meta.offset >= 0:
                self.consumer.seek(tp, meta.offset)
                self._next[tp.partition] = meta.offset
                adopted += 1
        return adopted

    async def _restore_index(self, partitions: list[int]) -> int:
        """Read the index changelog of ``partitions`` to its end into the index."""
        reader = make_consumer(self.settings, group="", group_id=None)
        await reader.start()
        count = 0
        try:
            tps = [TopicPartition(self.index_topic, p) for p in partitions]
            reader.assign(tps)
            await reader.seek_to_beginning(*tps)
            ends = await reader.end_offsets(tps)
            remaining = {tp for tp in tps if ends[tp] > 0}
            while remaining:
                batch = await reader.getmany(*remaining, timeout_ms=1000)
                for tp, records in batch.items():
                    for record in records:
                        self.router.index.restore(record.key, record.value, tp.partition)
                        count += 1
                for tp in list(remaining):
                    if await reader.position(tp) >= ends[tp]:
                        remaining.discard(tp)
        finally:
            await reader.stop()
        return count


async def started(make: Callable[[], Any], first: Any = None) -> Any:
    """Start an aiokafka client made by ``make`` (``first``: one already made); while the
    broker cannot be reached, wait with capped backoff and try again with a fresh client."""
    backoff = Backoff()
    client = first if first is not None else make()
    while True:
        try:
            await client.start()
            return client
        except KafkaError as exc:
            delay = backoff.next()
            log.warning(
                "Kafka unreachable at start; retrying",
                extra={
                    "stage": STAGE,
                    "error": f"{type(exc).__name__}: {exc}",
                    "retry_in_seconds": delay,
                },
            )
            with contextlib.suppress(Exception):
                await client.stop()
            await asyncio.sleep(delay)
            client = make()


def _letter(
    record: ConsumerRecord[Any, Any], stage: str, exc: BaseException, cls: str
) -> DeadLetter:
    return DeadLetter(
        stage=stage,
        error_class=cls,
        error=f"{type(exc).__name__}: {exc}",
        value=record.value,
        key=record.key,
        topic=record.topic,
        partition=record.partition,
        offset=record.offset,
    )

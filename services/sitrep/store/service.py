"""``sitrep sink``: reports and events from Kafka into the database (the thin async shell).

The decisions live in :class:`~sitrep.store.sink.Sink` (what to write, what to dead-letter) and
:class:`~sitrep.store.database.Store` (how to write it); this module moves batches between
Kafka and them, in this order, for every batch:

1. fetch up to ``SITREP_SINK_BATCH_SIZE`` records (waiting at most ``SITREP_SINK_BATCH_SECONDS``
   for a batch to fill once the first record arrived), and no more once their values add up to
   ``SITREP_SINK_BATCH_BYTES`` (8 MiB): event versions of a busy event are large, and a batch,
   its decoded records and the one being written are all in memory at once;
2. plan it (decode; undecodable input becomes dead letters);
3. write it to the database: its reports in one transaction, then its events in another
   (:meth:`~sitrep.store.database.Store.write`; rows the database rejects come back as dead
   letters and the rest lands); when the database is unavailable: pause the consumer, retry the
   same batch with capped exponential backoff, resume when a write succeeds. No offset is
   committed meanwhile, so nothing is lost; the service neither crashes nor spins;
4. send every dead letter and wait for Kafka's acknowledgement;
5. commit the batch's offsets. Only now is the input considered done. A crash at any point
   before re-delivers the batch, which is rewritten idempotently.

Steps 3-5 of one batch run beside steps 1-2 of the next (the database thread writes while the
loop fetches and decodes): at most one batch is in hand while another is written, batches are
written and committed in input order, and the next batch's write starts only after the previous
batch's commit. While a batch cannot be written the loop holds the next one, keeps the consumer
polled (so it stays in its group) and fetches nothing more.

The DLQ breaker stops the service (exit code 3) after the batch in which most of the recent
input was dead-lettered. ``SIGTERM``/``SIGINT`` (or ``stop``) end the loop between batches or
during a backoff; an uncommitted batch is then simply delivered again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from functools import partial
from typing import Any, Final

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.errors import KafkaError

from sitrep.ops import metrics
from sitrep.ops.health import LagReporter, OpsServer, database_check, kafka_consumer_checks
from sitrep.ops.heap import freeze_loaded, freeze_survivors
from sitrep.ops.kafka import (
    commit_assigned,
    ensure_topics,
    make_consumer,
    make_producer,
    send_dead_letter,
)
from sitrep.ops.retry import Backoff
from sitrep.ops.settings import Settings
from sitrep.records.dlq import DeadLetter, DlqBreaker, DlqBreakerOpen
from sitrep.records.times import parse_iso
from sitrep.records.topics import DLQ, EVENTS, REPORTS
from sitrep.sources import SourceRegistry
from sitrep.store.connection import DatabaseUnavailable
from sitrep.store.database import Store, WriteOutcome
from sitrep.store.sink import (
    STAGE,
    ConsumedRecord,
    EventRemoval,
    EventVersion,
    ReportRemoval,
    ReportVersion,
    Sink,
    SinkPlan,
    Write,
    dead_letter,
    write_label,
)

log = logging.getLogger(__name__)

EXIT_BREAKER_OPEN: Final = 3
POLL_SECONDS: Final = 0.5
FETCH_STEP: Final = 20
"""Records taken from the consumer per call while a batch fills (fewer once the batch's byte
budget is nearly used, at the sizes seen so far)."""


def consumed(record: Any) -> ConsumedRecord:
    """An aiokafka ``ConsumerRecord`` as the sink core's :class:`ConsumedRecord`."""
    return ConsumedRecord(
        topic=record.topic,
        partition=record.partition,
        offset=record.offset,
        key=record.key,
        value=record.value,
        timestamp_ms=record.timestamp,
    )


def _kind(write: Write) -> str:
    if isinstance(write, EventVersion):
        return "event"
    if isinstance(write, ReportVersion):
        return "report"
    return "tombstone"


class SinkService:
    """One sink worker: the batch loop described in the module docstring.

    ``run`` returns 0 when stopped or (with ``idle_exit``) when every assigned partition has
    been read to its end and no record arrived for ``idle_exit`` seconds; it returns
    :data:`EXIT_BREAKER_OPEN` when the DLQ breaker opened. Kafka errors while sending dead
    letters or committing are retried with the same backoff as database errors.
    """

    def __init__(
        self,
        settings: Settings,
        store: Store,
        consumer: AIOKafkaConsumer,
        producer: AIOKafkaProducer,
        *,
        ops: OpsServer,
        lag: LagReporter,
        stop: asyncio.Event,
        idle_exit: float | None = None,
        backoff: Backoff | None = None,
    ) -> None:
        self.settings = settings
        self.store = store
        self.consumer = consumer
        self.producer = producer
        self.ops = ops
        self.lag = lag
        self.stop = stop
        self.idle_exit = idle_exit
        self.backoff = backoff or Backoff()
        self.core = Sink(settings.topic(EVENTS.suffix), settings.topic(REPORTS.suffix))
        self.breaker = DlqBreaker(STAGE, settings.dlq_window, settings.dlq_max_ratio)
        self.paused = False  # the database is unavailable: the consumer is paused
        self.retrying = False  # sending dead letters or committing failed: ditto

    async def run(self) -> int:
        last_input = time.monotonic()
        writing: asyncio.Task[bool] | None = None  # the previous batch: write, dead letters, commit
        try:
            while not self.stop.is_set():
                batch = await self._fetch()
                self.ops.heartbeat()
                if not batch:
                    if writing is not None and writing.done():
                        done, writing = writing, None
                        if not done.result():
                            break
                    idle = time.monotonic() - last_input
                    if (
                        self.idle_exit is not None
                        and writing is None
                        and idle >= self.idle_exit
                        and await self._drained()
                    ):
                        log.info("input drained and idle: sink exits", extra={"idle_seconds": idle})
                        return 0
                    continue
                last_input = time.monotonic()
                metrics.ITEMS_IN.labels(stage=STAGE).inc(len(batch))
                plan = self.core.plan(batch)  # decoding, while the previous batch is written
                if writing is not None:
                    done, writing = writing, None
                    if not await self._finished(done):
                        break
                writing = asyncio.create_task(self._handle(batch, plan))
            if writing is not None:  # stopping: let the batch in the database thread finish
                done, writing = writing, None
                await self._finished(done)
        except DlqBreakerOpen as exc:
            metrics.DLQ_BREAKER_OPEN.labels(stage=STAGE).set(1)
            log.error("DLQ breaker open: sink stops", extra={"reason": str(exc)})  # noqa: TRY400 - a decision, not a crash
            return EXIT_BREAKER_OPEN
        finally:
            if writing is not None:  # an error in the loop itself: do not leave the task behind
                writing.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await writing
        log.info("sink stopped")
        return 0

    async def _finished(self, writing: asyncio.Task[bool]) -> bool:
        """Wait for the batch being written; while it waits for the database or Kafka (the
        consumer is then paused), keep the consumer polled and rewind what arrives anyway.
        Its result: False when it stopped before it was done."""
        while not writing.done():
            if self.paused or self.retrying:
                await self._poll_paused(min(POLL_SECONDS, 0.1))
            else:
                await asyncio.wait({writing}, timeout=POLL_SECONDS)
        return writing.result()

    async def _fetch(self) -> list[ConsumedRecord]:
        """Up to ``sink_batch_size`` records, taken from the consumer at most ``FETCH_STEP`` at
        a time until the batch's values reach ``sink_batch_bytes`` (what is not taken stays in
        the consumer's buffer for the next batch)."""
        size = self.settings.sink_batch_size
        budget = self.settings.sink_batch_bytes
        step = min(size, FETCH_STEP)
        got = await self.consumer.getmany(timeout_ms=int(POLL_SECONDS * 1000), max_records=step)
        records = [consumed(r) for rs in got.values() for r in rs]
        if not records:
            return records
        taken = sum(len(r.value or b"") for r in records)
        deadline = time.monotonic() + self.settings.sink_batch_seconds
        while (
            len(records) < size
            and taken < budget
            and (remaining := deadline - time.monotonic()) > 0
        ):
            # as many more as the budget has room for at the sizes seen so far
            room = max(1, (budget - taken) * len(records) // max(taken, 1) + 1)
            more = await self.consumer.getmany(
                timeout_ms=int(remaining * 1000),
                max_records=min(size - len(records), step, room),
            )
            for rs in more.values():
                for r in rs:
                    record = consumed(r)
                    records.append(record)
                    taken += len(record.value or b"")
        for record in records:
            self.lag.observe(TopicPartition(record.topic, record.partition), record.timestamp_ms)
        return records

    async def _drained(self) -> bool:
        """True when partitions are assigned and each has been read to its end offset."""
        assigned = list(self.consumer.assignment())
        if not assigned:
            return False
        ends = await self.consumer.end_offsets(assigned)
        for tp in assigned:
            if await self.consumer.position(tp) < ends[tp]:
                return False
        return True

    async def _handle(self, batch: Sequence[ConsumedRecord], plan: SinkPlan) -> bool:
        """Write, dead-letter and commit one planned batch; False when stopped before it was
        done. Runs beside the loop's next fetch: it never reads from the consumer (pausing and
        resuming it is safe at any time)."""
        outcome = await self._write(plan)
        if outcome is None:
            return False
        letters = list(plan.dead_letters)
        for rejection in outcome.rejected:
            metrics.SINK_ERRORS.labels(kind="rejected").inc()
            letters.append(
                dead_letter(
                    rejection.write.origin,
                    "rejected",
                    f"{write_label(rejection.write)}: the database refused it: {rejection.reason}",
                )
            )
        for letter in letters:
            if not await self._with_retry("dead letter", partial(self._send, letter)):
                return False
        if not await self._with_retry("offset commit", partial(self._commit, plan)):
            return False
        self._account(batch, outcome, letters)
        return True

    async def _write(self, plan: SinkPlan) -> WriteOutcome | None:
        """The batch's database transaction; while the database is unavailable, pause and retry."""
        backoff = Backoff(self.backoff.initial, self.backoff.cap)
        while True:
            started = time.monotonic()
            try:
                outcome = await asyncio.to_thread(self.store.write, plan.writes)
            except DatabaseUnavailable as exc:
                metrics.SINK_ERRORS.labels(kind="unavailable").inc()
                delay = backoff.next()
                self._pause(str(exc), delay)
                if await self._sleep(delay):
                    return None
                continue
            if plan.writes:
                metrics.SINK_WRITE_SECONDS.observe(time.monotonic() - started)
                metrics.SINK_BATCH_SIZE.observe(len(plan.writes))
            self._resume()
            return outcome

    def _pause(self, reason: str, retry_in: float) -> None:
        if not self.paused:
            self.paused = True
            metrics.SINK_PAUSED.set(1)
            log.warning(
                "database unavailable: sink paused, retrying the batch with backoff",
                extra={"reason": reason, "retry_in_seconds": retry_in},
            )
        else:
            log.debug("database still unavailable", extra={"retry_in_seconds": retry_in})
        self.consumer.pause(*self.consumer.assignment())

    def _resume(self) -> None:
        if self.paused:
            self.paused = False
            metrics.SINK_PAUSED.set(0)
            self.consumer.resume(*self.consumer.paused())
            log.info("database available again: sink resumed")

    async def _poll_paused(self, seconds: float) -> None:
        """Poll the paused consumer for ``seconds`` (so it stays in its group), fetching
        nothing: a rebalance may hand over new, unpaused partitions; pause them too, and rewind
        anything fetched from them so that it is read again after the outage."""
        self.consumer.pause(*self.consumer.assignment())
        got = await self.consumer.getmany(timeout_ms=int(seconds * 1000))
        for tp, records in got.items():
            if records:
                self.consumer.seek(tp, records[0].offset)
        self.ops.heartbeat()

    async def _sleep(self, seconds: float) -> bool:
        """Wait ``seconds`` (a backoff); True when asked to stop meanwhile."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.stop.wait(), seconds)
        return self.stop.is_set()

    async def _with_retry(self, what: str, attempt: Callable[[], Awaitable[None]]) -> bool:
        """Run ``attempt`` until it succeeds; Kafka errors are retried with backoff, fetching
        nothing meanwhile. False when stopped first."""
        backoff = Backoff(self.backoff.initial, self.backoff.cap)
        while True:
            try:
                await attempt()
                if backoff.current:
                    self.retrying = False
                    self.consumer.resume(*self.consumer.paused())
                return True
            except KafkaError as exc:
                delay = backoff.next()
                log.warning(
                    f"{what} failed; retrying",
                    extra={"error": f"{type(exc).__name__}: {exc}", "retry_in_seconds": delay},
                )
                self.retrying = True  # the loop keeps the consumer polled, fetching nothing
                self.consumer.pause(*self.consumer.assignment())
                if await self._sleep(delay):
                    return False

    async def _send(self, letter: DeadLetter) -> None:
        await send_dead_letter(self.producer, self.settings, letter)

    async def _commit(self, plan: SinkPlan) -> None:
        # after a rebalance the new owner rewrites these records idempotently
        await commit_assigned(
            self.consumer,
            {TopicPartition(t, p): offset for (t, p), offset in plan.next_offsets.items()},
        )

    def _account(
        self, batch: Sequence[ConsumedRecord], outcome: WriteOutcome, letters: list[DeadLetter]
    ) -> None:
        now = time.time()
        for write in outcome.written:
            metrics.ITEMS_OUT.labels(stage=STAGE, kind=_kind(write)).inc()
            if isinstance(write, ReportVersion):
                with contextlib.suppress(ValueError):
                    latency = now - parse_iso(write.report.collected_at).timestamp()
                    if latency >= 0:
                        metrics.END_TO_END_SECONDS.observe(latency)
        self.ops.heartbeat(processed=len(batch))
        log.debug(
            "batch committed",
            extra={
                "records": len(batch),
                "written": len(outcome.written),
                "dead_lettered": len(letters),
                "removals": sum(
                    isinstance(w, EventRemoval | ReportRemoval) for w in outcome.written
                ),
            },
        )
        failed = {(lt.topic, lt.partition, lt.offset) for lt in letters}
        for record in batch:
            self.breaker.record((record.topic, record.partition, record.offset) not in failed)


async def _prepare_store(store: Store, settings: Settings, stop: asyncio.Event) -> bool:
    """Migrate the schema and record the sources file; wait (with backoff) while the database
    is unavailable. False when stopped before the database answered."""
    registry = SourceRegistry.load(settings.sources_file)
    backoff = Backoff()
    announced = False
    while not stop.is_set():
        try:
            applied = await asyncio.to_thread(store.migrate)
            await asyncio.to_thread(store.register_sources, list(registry))
        except DatabaseUnavailable as exc:
            metrics.SINK_ERRORS.labels(kind="unavailable").inc()
            delay = backoff.next()
            if not announced:
                announced = True
                metrics.SINK_PAUSED.set(1)
                log.warning(
                    "database unavailable at start: waiting",
                    extra={"reason": str(exc), "retry_in_seconds": delay},
                )
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), delay)
            continue
        metrics.SINK_PAUSED.set(0)
        if announced:
            log.info("database available: sink starts")
        for migration in applied:
            log.info("schema migration applied", extra={"migration": migration.name})
        return True
    return False


async def run_sink(
    settings: Settings, stop: asyncio.Event | None = None, idle_exit: float | None = None
) -> int:
    """Run the sink until ``stop`` is set, or until idle for ``idle_exit`` seconds after the
    input was drained; returns the process exit code (0 ok, 3 DLQ breaker open).

    Migrates the database schema first (safe with several sinks starting at once) and creates
    the reports, events and DLQ topics if missing. Raises
    :class:`~sitrep.store.connection.DatabaseConfigError` for an unusable database URL and
    :class:`~sitrep.store.migrations.MigrationError` for an inconsistent schema history.
    """
    stop = stop or asyncio.Event()
    store = Store.from_settings(settings, application_name="sitrep-sink")
    try:
        if not await _prepare_store(store, settings, stop):
            return 0
        topics = (settings.topic(REPORTS.suffix), settings.topic(EVENTS.suffix))
        await ensure_topics(settings, (REPORTS, EVENTS, DLQ))
        consumer = make_consumer(
            settings,
            *topics,
            group=f"{settings.group_prefix}.sink",
            max_poll_records=settings.sink_batch_size,
        )
        producer = make_producer(settings)
        async with OpsServer(settings, STAGE, {"database": database_check(settings)}) as ops:
            await producer.start()
            try:
                await consumer.start()
                for name, check in kafka_consumer_checks(consumer).items():
                    ops.add_check(name, check)
                lag = LagReporter(STAGE, consumer, topics)
                lag_task = asyncio.create_task(lag.run())
                log.info(
                    "sink started",
                    extra={
                        "database": store.target.description,
                        "topics": list(topics),
                        "group": f"{settings.group_prefix}.sink",
                    },
                )
                freeze_loaded()
                freezer = freeze_survivors()
                try:
                    service = SinkService(
                        settings,
                        store,
                        consumer,
                        producer,
                        ops=ops,
                        lag=lag,
                        stop=stop,
                        idle_exit=idle_exit,
                    )
                    return await service.run()
                finally:
                    freezer.uninstall()
                    lag_task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await lag_task
                    await consumer.stop()
            finally:
                await producer.stop()
    finally:
        store.close()

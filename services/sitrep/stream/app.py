"""The processor: the normalize loop and the faust cluster agent, in one worker. Thin on purpose.

Topology (each arrow a Kafka topic; ``{p}`` is ``SITREP_TOPIC_PREFIX``)::

    {p}.raw.v1 (key source_id)
        └─ normalize (:mod:`sitrep.stream.normalizer`, plain aiokafka, group {g}.normalizer):
           decode -> build_report (understanding)
              ├─> {p}.reports.v1     (key report_id)
              └─> {p}.candidates.v1  (key place cell; the report once per cell it touches)
    {p}.candidates.v1
        └─ faust agent ``cluster`` (group {g}.processor): absorb + publish (cell state)
              └─> {p}.events.v1      (key event_id, compacted)
    any failure -> {p}.dlq.v1 (original bytes, headers: stage, error, topic/partition/offset)

Guarantees: at-least-once (an input offset is committed only after everything it produced was
acknowledged by the broker); per-key order (raw by source, candidates by cell). Cluster state
lives in the faust table ``cells`` (changelog topic), so a restarted or added worker recovers
it; the normalizer's index of which cells hold a report's candidates (so that an edit or a
deletion reaches them) has a compacted changelog of its own. Both are bounded by event time
(``SITREP_CLUSTER_WINDOW_HOURS``).

``SITREP_PROCESSOR_ROLE`` (``all``, ``normalize``, ``cluster``) runs one half alone, e.g. to
give each its own core.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import threading
import time
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import faust
from aiokafka import TopicPartition
from aiokafka.partitioner import murmur2

from sitrep.dedupe import CellState, absorb, expire, publish
from sitrep.dedupe.redelivery import events_holding
from sitrep.dedupe.stored import Stored, cell_of_key, restore, written
from sitrep.ops import metrics
from sitrep.ops.health import (
    FaustOffsets,
    LagReporter,
    OpsServer,
    UnionOffsets,
    faust_app_checks,
    kafka_consumer_checks,
)
from sitrep.ops.heap import freeze_loaded, freeze_survivors
from sitrep.ops.kafka import (
    MAX_MESSAGE_BYTES,
    create_missing_topics,
    ensure_topics,
    faust_broker_credentials,
    make_admin,
    make_consumer,
    make_producer,
)
from sitrep.ops.settings import Settings
from sitrep.records.codec import RecordError, encode
from sitrep.records.dlq import DeadLetter, DlqBreaker, DlqBreakerOpen
from sitrep.records.model import Event, Report
from sitrep.records.times import utc_now
from sitrep.records.topics import CANDIDATES, DLQ, EVENTS, RAW
from sitrep.sources import SourceRegistry
from sitrep.stream.normalizer import (
    INDEX_TOPIC_CONFIG,
    STAGE,
    WATERMARK_HEADER,
    WORKER_HEADER,
    Normalizer,
    index_topic,
    started,
)
from sitrep.stream.progress import processor_group
from sitrep.stream.routing import Router, encode_part, split_candidates
from sitrep.stream.watermark import CommitBound, CommitWatch, Continuity, Watermarks
from sitrep.understand import default_understander

log = logging.getLogger(__name__)

# the cluster step takes up to this many candidates records at a time (each holds the reports
# of one normalize batch for a cell), waiting at most this long
CLUSTER_BATCH = 50
CLUSTER_BATCH_SECONDS = 0.02
# seconds an input partition's commit may stand still behind finished items before it is re-read
COMMIT_STALL_SECONDS = 10.0


def faust_config(settings: Settings, datadir: str) -> dict[str, Any]:
    """The one faust configuration of sitrep: broker and security from settings, at-least-once
    (or exactly-once), in-memory tables recovered from changelogs, raw bytes in and out, web
    server off (sitrep's own ops server serves /metrics, /livez, /readyz), and timeouts that
    suit a single local broker as well as a cluster."""
    return {
        "broker": ";".join(f"kafka://{h.strip()}" for h in settings.kafka_bootstrap.split(",")),
        "broker_credentials": faust_broker_credentials(settings),
        "processing_guarantee": settings.processing_guarantee,
        "store": "memory://",
        "datadir": datadir,
        "web_enabled": False,
        "web_host": "127.0.0.1",
        "web_port": settings.web_port,
        "topic_partitions": settings.partitions,
        "topic_replication_factor": settings.replication_factor,
        "topic_allow_declare": True,
        "consumer_auto_offset_reset": "earliest",
        "broker_session_timeout": 10.0,
        "broker_heartbeat_interval": 1.0,
        "broker_rebalance_timeout": 20.0,
        "broker_request_timeout": 40.0,
        "broker_commit_every": 1000,
        "broker_commit_interval": 0.5,
        "broker_max_poll_records": 500,
        "producer_acks": -1,
        "producer_linger_ms": 2,
        "producer_max_request_size": MAX_MESSAGE_BYTES,
        "stream_wait_empty": True,  # drain in-flight events before a rebalance (no ack gaps)
        "table_cleanup_interval": 60.0,
        "logging_config": None,
        "key_serializer": "raw",
        "value_serializer": "raw",
    }


def byte_topic(app: faust.App, settings: Settings, suffix: str) -> Any:
    """One of sitrep's topics (``settings.topic(suffix)``) as faust sees it: raw bytes in and
    out, sitrep's partition count."""
    return app.topic(
        settings.topic(suffix),
        key_type=bytes,
        value_type=bytes,
        key_serializer="raw",
        value_serializer="raw",
        partitions=settings.partitions,
    )


def create_app(settings: Settings, registry: SourceRegistry) -> faust.App:
    """Build the faust app for ``settings`` (one app per process; tests build their own)."""
    app = BoundedApp(
        processor_group(settings), **faust_config(settings, f"{settings.data_dir}/faust")
    )

    events_topic = byte_topic(app, settings, EVENTS.suffix)
    candidates_topic = byte_topic(app, settings, CANDIDATES.suffix)
    dlq_topic = byte_topic(app, settings, DLQ.suffix)
    # per cell a snapshot and one record of changes per batch (see dedupe.stored), written
    # outside any one event: each in the partition of its cell on the candidates topic
    cells = app.tables.add(
        CellTable(
            app,
            name="cells",
            key_type=bytes,
            value_type=bytes,
            partitions=settings.partitions,
            beacon=app.tables.beacon,
        )
    )
    window = timedelta(hours=settings.cluster_window_hours)
    # each cell's state as this worker last wrote or read it (decoding a cell costs more than
    # merging into it); rebuilt from the table after a rebalance (``hold_new_partitions``), when
    # the table holds what the changelog committed, which another worker may have written
    held = CellCache(cells)
    # per candidates partition: the stamps of each upstream worker seen on that partition (a
    # partition with a backlog must not be expired by the clock of a partition ahead of it)
    upstream_clocks: dict[int, Watermarks] = {}
    with_normalizer = settings.processor_role == "all"

    async def dead_letter(
        event: Any, stage: str, exc: BaseException, error_class: str, value: bytes | None = None
    ) -> None:
        """``value``: the failed part of a grouped record (default: the whole record)."""
        message = event.message
        letter = DeadLetter(
            stage=stage,
            error_class=error_class,
            error=f"{type(exc).__name__}: {exc}",
            value=message.value if value is None else value,
            key=message.key,
            topic=message.topic,
            partition=message.partition,
            offset=message.offset,
        )
        await dlq_topic.send(
            key=letter.key, value=letter.value, headers=letter.headers(), force=True
        )
        metrics.DLQ.labels(stage=stage, reason=error_class).inc()
        handled[(message.topic, message.partition)] = message.offset + 1
        log.warning(
            "dead-lettered",
            extra={
                "stage": stage,
                "error_class": error_class,
                "reason": letter.error[:300],
                "topic": message.topic,
                "partition": message.partition,
                "offset": message.offset,
            },
        )

    ops = OpsServer(settings, STAGE)
    offsets = UnionOffsets(FaustOffsets(app.consumer))
    lag = LagReporter(
        STAGE, offsets, topics={settings.topic(RAW.suffix), settings.topic(CANDIDATES.suffix)}
    )

    @app.task
    async def serve_ops() -> None:
        freeze_survivors()  # the cell states grow: keep full collections short
        for name, check in faust_app_checks(app, settings).items():
            ops.add_check(name, check)
        await ops.start()

    @app.on_partitions_assigned.connect  # type: ignore[arg-type]
    def hold_new_partitions(sender: Any, assigned: Any, *, signal: Any, **_: Any) -> None:
        """After a rebalance the tables hold what the changelog committed, which may be older
        than what this worker had in memory (an aborted transaction, a broker restart):
        everything derived in memory is dropped and rebuilt from the input."""
        held.forget()
        handled.clear()
        commit_watch.forget()
        now_assigned = {(tp.topic, tp.partition) for tp in assigned}
        continuity.keep_only(now_assigned & held_before)
        held_before.clear()
        held_before.update(now_assigned)
        upstream_clocks.clear()

    @app.timer(interval=5.0)
    async def report_lag() -> None:
        """Lag gauges; an idle worker (nothing to read) is alive. A busy one proves it is
        alive by the items it finishes (``ops.heartbeat()`` in the agent and the normalize
        loop), so a wedged worker fails ``/livez`` and is restarted."""
        try:
            behind = await lag.report()
        except Exception as exc:  # noqa: BLE001 - lag is best effort
            log.debug("lag unavailable: %s", exc)
            return
        if behind.records == 0:
            ops.heartbeat()

    if with_normalizer:

        @app.task
        async def normalize() -> None:
            """The normalize loop (:mod:`sitrep.stream.normalizer`) in this worker; its failure
            stops the worker like the agent's."""
            router = Router(registry, default_understander(), window.total_seconds())
            freeze_loaded()
            producer = await started(lambda: make_producer(settings, linger_ms=2))
            normalizer = Normalizer(
                settings,
                router,
                producer,
                ops=ops,
                lag=lag,
                window_seconds=window.total_seconds(),
                downstream=agent_backlog,
            )
            try:
                await normalizer.start()
                offsets.add(normalizer.consumer)
                ops.add_check(
                    "normalizer_partitions",
                    kafka_consumer_checks(normalizer.consumer)["partitions"],
                )
                try:
                    await normalizer.run(asyncio.Event())
                finally:
                    offsets.remove(normalizer.consumer)
                    await normalizer.stop()
            except asyncio.CancelledError:
                raise
            except DlqBreakerOpen as exc:
                await stop_worker(exc)
            except Exception as exc:  # noqa: BLE001 - anything else: restart the worker
                await crash_worker("normalize", exc)
            finally:
                await producer.stop()

    def agent_backlog() -> int:
        """Candidates records faust has handed towards the agent (its read-ahead) and the
        agent has not finished, over this worker's candidates partitions; partitions it has
        finished nothing of since they were assigned do not count."""
        consumer = app.consumer
        read = getattr(consumer, "_read_offset", None) or {}
        total = 0
        for tp in consumer.assignment():
            done = handled.get((tp.topic, tp.partition))
            last = read.get(tp)
            if done is not None and last is not None and tp.topic in input_topics:
                total += max(0, last + 1 - done)
        return total

    async def stop_worker(exc: BaseException) -> None:
        """Crash the faust app (non-zero exit); if its shutdown hangs (it waits for streams to
        drain), the process exits anyway after 15 s so the supervisor restarts it."""
        threading.Timer(15.0, os._exit, args=(3,)).start()
        await app.crash(exc)

    input_topics = {candidates_topic.get_topic_name()}
    commit_watch = CommitWatch(stuck_after=COMMIT_STALL_SECONDS)
    # offsets the agents must see next per input partition (holes: see Continuity); under
    # exactly-once, transaction markers take offsets of their own and holes are normal
    continuity = Continuity()
    check_holes = settings.processing_guarantee != "exactly_once"
    held_before: set[tuple[str, int]] = set()
    # next offset to commit per input partition, as far as the agents have finished items
    # (the fetch position runs ahead of processing and would make a busy worker look stalled)
    handled: dict[tuple[str, int], int] = {}
    if check_holes:  # a commit never passes what the agents finished (see CommitBound)
        app.commit_bound = CommitBound(input_topics, handled)
    admin_client: list[Any] = []

    @app.timer(interval=2.0)
    async def watch_commits() -> None:
        """Re-read an input partition whose commits stalled behind the items the agents
        finished (faust dropped a fetched message during a rebalance and will never commit past
        it: see :class:`~sitrep.stream.watermark.CommitWatch`); stop the worker when re-reading
        does not help. Either way the lost messages are processed, at least once."""
        if app.rebalancing or not app.flow_control.is_active():
            return
        try:
            offsets = await (await admin()).list_consumer_group_offsets(app.conf.id)
        except Exception as exc:  # noqa: BLE001 - best effort; never stop on a probe error
            log.debug("committed offsets unavailable: %s", exc)
            return
        committed = {
            (tp.topic, tp.partition): meta.offset
            for tp, meta in offsets.items()
            if tp.topic in input_topics
        }
        assigned = {(tp.topic, tp.partition): tp for tp in app.consumer.assignment()}
        done = {tp: offset for tp, offset in handled.items() if tp in assigned}
        actions = commit_watch.observe(committed, done, time.monotonic())
        for (topic, partition), action in sorted(actions.items()):
            if action == "rewind":
                await reseek(
                    assigned[(topic, partition)],
                    committed[(topic, partition)],
                    "input commits stalled; re-reading from the last commit",
                    committed=committed.get((topic, partition)),
                    finished=done[(topic, partition)],
                )
        stalled = sorted(tp for tp, action in actions.items() if action == "restart")
        if stalled:
            log.error(
                "input commits stalled after re-reading; stopping the worker",
                extra={"stage": STAGE, "partitions": [f"{t}:{p}" for t, p in stalled]},
            )
            await stop_worker(RuntimeError(f"input commits stalled on {stalled}"))

    async def admin() -> Any:
        if not admin_client:
            client = make_admin(settings)
            await client.start()
            admin_client.append(client)
        return admin_client[0]

    async def reseek(tp: Any, offset: int, why: str, **extra: Any) -> None:
        """Seek an input partition back to ``offset`` (its last commit): faust re-delivers
        what it never acknowledged."""
        log.warning(
            why,
            extra={"stage": STAGE, "partition": f"{tp.topic}:{tp.partition}", **extra},
        )
        metrics.INPUT_REWINDS.labels(stage=STAGE).inc()
        try:
            # seek_wait seeks inside the consumer's own thread (faust's seek() calls aiokafka
            # from this one, which is not thread-safe and wedged the consumer once)
            await asyncio.wait_for(app.consumer.seek_wait({tp: offset}), timeout=60.0)
        except Exception:  # CommitWatch looks again and, after three tries, restarts
            log.exception("seek failed", extra={"stage": STAGE, "offset": offset})

    async def refetch(tp: Any, first: int, end: int) -> int:
        """Produce the records ``[first, end)`` of a candidates partition again, to its end:
        faust acknowledged them without delivering them (see ``Continuity``), and seeking back
        cannot be relied on (its fetch loop drops re-fetched records while it still hands over
        an older batch). The copies reach the agent like any other record; what the originals
        had done already (if anything) a copy repeats idempotently. Returns the count."""
        topic = candidates_topic
        source = TopicPartition(tp.topic, tp.partition)
        reader = make_consumer(settings, group=f"{settings.group_prefix}.refetch", group_id=None)
        await reader.start()
        copied = 0
        try:
            reader.assign([source])
            reader.seek(source, first)
            deadline = time.monotonic() + 60.0
            done = False
            while not done and time.monotonic() < deadline:
                batch = await reader.getmany(source, timeout_ms=1000)
                for record in batch.get(source, []):
                    if record.offset >= end:
                        done = True
                        break
                    await topic.send(
                        key=record.key,
                        value=record.value,
                        headers=list(record.headers or ()),
                        partition=tp.partition,
                        force=True,
                    )
                    copied += 1
                    done = record.offset + 1 >= end
        finally:
            await reader.stop()
        return copied

    async def keep_continuity(message: Any) -> None:
        """Produce again what faust skipped before ``message`` (see ``Continuity``); the first
        message of a partition new to this worker is checked against its commit."""
        if not check_holes:
            return
        tp = (message.topic, message.partition)
        if not continuity.known(tp):
            try:
                offsets = await (await admin()).list_consumer_group_offsets(
                    app.conf.id, partitions=[message.tp]
                )
                committed = next(iter(offsets.values())).offset if offsets else -1
            except Exception as exc:  # noqa: BLE001 - best effort: take this offset as given
                log.debug("committed offset unavailable: %s", exc)
                committed = -1
            if committed >= 0:
                continuity.expect(tp, committed)
        missing = continuity.see(tp, message.offset)
        if missing is None:
            return
        metrics.INPUT_REWINDS.labels(stage=STAGE).inc()
        where = f"{message.topic}:{message.partition}"
        try:
            copied = await refetch(message.tp, missing, message.offset)
        except Exception:
            # a restart would resume past the skipped records (faust acknowledged them): say
            # exactly which offsets, for an operator to produce again
            log.critical(
                "input skipped offsets and producing them again failed",
                exc_info=True,
                extra={"stage": STAGE, "partition": where, "offsets": [missing, message.offset]},
            )
            return
        log.warning(
            "input skipped offsets; produced the skipped records again",
            extra={
                "stage": STAGE,
                "partition": where,
                "missing_from": missing,
                "delivered": message.offset,
                "copied": copied,
            },
        )

    async def record_outcome(breaker: DlqBreaker, *, ok: bool) -> None:
        """Count an input; when the breaker opens, stop the worker (non-zero exit)."""
        try:
            breaker.record(ok)
        except DlqBreakerOpen as exc:
            metrics.DLQ_BREAKER_OPEN.labels(stage=STAGE).set(1)
            log.critical("dlq circuit breaker open: %s", exc, extra={"stage": STAGE})
            # stay scrapeable for a while so the breaker alert sees the gauge, then stop
            await asyncio.sleep(settings.dlq_breaker_linger_seconds)
            await stop_worker(exc)
            raise

    async def reject(
        event: Any,
        stage: str,
        exc: BaseException,
        error_class: str,
        breaker: DlqBreaker,
        *,
        value: bytes | None = None,
    ) -> None:
        """One input that cannot be handled: to the DLQ with its reason, counted by the breaker."""
        await dead_letter(event, stage, exc, error_class, value)
        await record_outcome(breaker, ok=False)

    async def crash_worker(agent: str, exc: BaseException) -> None:
        """An error outside the per-item handling (Kafka, the tables) stops the whole worker:
        faust would restart the agent past the failed item; a restarted worker re-reads every
        uncommitted item instead (at-least-once)."""
        log.critical("%s agent failed; stopping the worker", agent, exc_info=exc)
        await stop_worker(exc)

    cluster_breaker = DlqBreaker("cluster", settings.dlq_window, settings.dlq_max_ratio)

    def stream_clock(message: Any) -> datetime | None:
        """The event-time clock for expiry on this message's partition: the low watermark over
        the upstream workers' stamps seen on it (see :mod:`sitrep.stream.watermark`); ``None``
        (expire nothing) while a worker's raw partitions have not all been seen yet."""
        clock = upstream_clocks.setdefault(message.partition, Watermarks(idle_after=60.0))
        headers = dict(message.headers or ())
        worker = headers.get(WORKER_HEADER, b"?")
        stamp = headers.get(WATERMARK_HEADER)
        if stamp is None:
            clock.hold(worker)
        else:
            clock.observe(worker, float(stamp))
        low = clock.low()
        return None if low is None else datetime.fromtimestamp(low, UTC)

    @app.agent(candidates_topic, name="cluster")
    async def cluster(stream: Any) -> None:
        """Merge candidates into their cells' states, a batch at a time: each report (a record
        holds the reports one normalize batch sent to its cell) is absorbed in offset order,
        each record's events are published once (one version per event per record), and what
        a batch changed in a cell goes to the changelog as one record (``CellCache``, see
        :mod:`sitrep.dedupe.stored`). The batch's events go out before its states."""
        try:
            async for batch in stream.take_events(CLUSTER_BATCH, within=CLUSTER_BATCH_SECONDS):
                states: dict[bytes, CellState | None] = {}  # each cell's state so far
                loaded: dict[bytes, CellState | None] = {}  # ... and as it was before
                emitted: list[tuple[Event, bytes]] = []
                for event in batch:
                    message = event.message
                    await keep_continuity(message)
                    lag.observe(message.tp, message.timestamp and int(message.timestamp * 1000))
                    try:
                        parts = split_candidates(message.value)
                    except RecordError as exc:
                        await reject(
                            event, "process.cluster", exc, "invalid_record", cluster_breaker
                        )
                        continue
                    cell = message.key.decode()
                    clock = stream_clock(message)
                    key = message.key
                    if key not in states:
                        states[key] = loaded[key] = held.state(key)
                    at_start = states[key]
                    # the record's reports are absorbed one by one and its events published
                    # once (one version per event per record, the same on a replay)
                    touched: dict[str, None] = {}
                    redelivered: list[Report] = []
                    for raw, report, text_print in parts:
                        if isinstance(report, RecordError):
                            await reject(
                                event,
                                "process.cluster",
                                report,
                                "invalid_record",
                                cluster_breaker,
                                value=raw,
                            )
                            continue
                        started = time.perf_counter()
                        before = states[key]
                        try:
                            state, ids = absorb(before, report, cell, text_print)
                        except Exception as exc:  # noqa: BLE001 - one bad report must not stop the worker
                            await reject(
                                event,
                                "process.cluster",
                                exc,
                                "processing_error",
                                cluster_breaker,
                                value=encode_part(report, text_print),
                            )
                            continue
                        if state is before and before is not None:
                            # a redelivery (or an older version): re-emit what it supports, in
                            # case the first delivery's events were lost in a crash
                            # (see dedupe.redelivery)
                            redelivered.append(report)
                        await record_outcome(cluster_breaker, ok=True)
                        metrics.STAGE_SECONDS.labels(step="cluster").observe(
                            time.perf_counter() - started
                        )
                        states[key] = state
                        touched.update(dict.fromkeys(ids))
                    merged = states[key]
                    if merged is not None:
                        try:
                            now = utc_now()
                            state, changed = publish(merged, touched, now)
                            versions = {(ev.event_id, ev.version) for ev, _ in changed}
                            for report in redelivered:
                                for ev in events_holding(state, report, now):
                                    if (ev.event_id, ev.version) not in versions:
                                        versions.add((ev.event_id, ev.version))
                                        changed.append((ev, encode(ev)))
                            if clock is not None:
                                state = expire(state, clock, window)
                        except Exception as exc:  # noqa: BLE001 - one bad record must not stop the worker
                            # nothing of the record is kept: it goes to the DLQ whole
                            states[key] = at_start
                            await reject(
                                event, "process.cluster", exc, "processing_error", cluster_breaker
                            )
                            continue
                        states[key] = state
                        emitted.extend(changed)
                    handled[(message.topic, message.partition)] = message.offset + 1
                    # a record can hold hundreds of reports: let the normalize loop in between
                    await asyncio.sleep(0)
                # the events first, acknowledged by the broker, then the states that include
                # them: a crash in between replays the batch from the older state, which
                # emits the same versions again; never a state ahead of its emitted versions
                # (a replay would then re-emit only the newest, leaving a gap in the versions)
                sent = [
                    await events_topic.send(key=ev.event_id.encode(), value=data, force=True)
                    for ev, data in emitted
                ]
                if sent:
                    await asyncio.gather(*sent)
                for ev, _ in emitted:
                    metrics.EVENTS_EMITTED.labels(event_type=ev.event_type).inc()
                    metrics.ITEMS_OUT.labels(stage=STAGE, kind="event").inc()
                for key, final in states.items():
                    if final is not None and final is not loaded.get(key):
                        held.write(key, final)  # what changed since the last write
                ops.heartbeat(processed=len(batch))
        except DlqBreakerOpen:
            raise
        except Exception as exc:
            await crash_worker("cluster", exc)
            raise

    return app


class BoundedApp(faust.App):  # type: ignore[misc]
    """faust's app whose consumer commits no further than ``commit_bound`` allows
    (:class:`~sitrep.stream.watermark.CommitBound`; ``None``: as faust decides). faust keeps
    its own account of what it committed; only the offsets sent to the broker are bounded, so
    its next commits go on from there."""

    commit_bound: CommitBound | None = None

    def _new_consumer(self) -> Any:
        consumer: Any = super()._new_consumer()
        commit = consumer._commit  # the one method that sends a commit to the broker

        async def bounded_commit(offsets: Mapping[Any, int]) -> bool:
            bound = self.commit_bound
            if bound is None:
                return bool(await commit(offsets))
            held: list[tuple[str, int, int, int]] = []
            allowed = bound(offsets, held)
            for topic, partition, wanted, finished in held:
                log.warning(
                    "commit held back: faust acknowledged offsets its agent has not finished",
                    extra={
                        "stage": STAGE,
                        "partition": f"{topic}:{partition}",
                        "wanted": wanted,
                        "finished": finished,
                    },
                )
            if not allowed:
                return False
            return bool(await commit(allowed))

        consumer._commit = bounded_commit
        return consumer


class CellTable(faust.Table):  # type: ignore[misc,type-arg]
    """The cluster state table: per cell a snapshot and change records (see
    :mod:`sitrep.dedupe.stored`), each written to the changelog partition of its *cell* — the
    candidates partition the cell's records arrive on, so that the worker that owns a cell
    recovers all of them, in the order they were written."""

    def partition_for_key(self, key: Any) -> int:
        # Kafka's default partitioner (murmur2), as the normalizer's producer keys candidates
        partitions: int = self.partitions or self.app.conf.topic_partitions
        hashed: int = murmur2(cell_of_key(key))
        return (hashed & 0x7FFFFFFF) % partitions


class CellCache:
    """Each cell's state as the table holds it (:class:`~sitrep.dedupe.stored.Stored`), and
    the writes that bring the table to a new state. Reads go to the table only after
    :meth:`forget` (a rebalance): the first then groups the table's keys by cell once."""

    def __init__(self, table: Any) -> None:
        self._table = table
        self._cells: dict[bytes, Stored] = {}
        self._keys: dict[bytes, list[bytes]] | None = None

    def forget(self) -> None:
        self._cells.clear()
        self._keys = None

    def state(self, cell: bytes) -> CellState | None:
        found = self._cells.get(cell)
        if found is None:
            if self._keys is None:
                self._keys = {}
                for key in list(self._table.data.keys()):
                    self._keys.setdefault(cell_of_key(key), []).append(key)
            keys = self._keys.pop(cell, ())
            if not keys:
                return None
            data = self._table.data
            found = restore(cell.decode(), [(key, data[key]) for key in keys if key in data])
            self._cells[cell] = found
        return found.state

    def write(self, cell: bytes, state: CellState) -> None:
        stored, writes = written(self._cells.get(cell), state)
        table = self._table
        for key, value in writes:
            if value is not None:
                table[key] = value
            elif key in table.data:
                del table[key]
        self._cells[cell] = stored


async def declare_topics(settings: Settings, app: faust.App | None = None) -> None:
    """Create sitrep's topics, the normalizer's index changelog and the tables' changelog
    topics before the worker starts.

    faust creates changelog topics itself, but on a fresh broker its consumer can be assigned
    partitions before the new topic's metadata arrives; it then ignores the topic for good and
    every table write fails with ``PartitionsMismatch``. Creating them first avoids the race.
    Each changelog write holds a whole cell's state (or a report's cells): they compact early
    and often, so that a restarted worker recovers from roughly one record per key.
    """
    await ensure_topics(settings)
    topics = {index_topic(settings): INDEX_TOPIC_CONFIG}
    if app is not None:
        topics.update(
            {
                table.changelog_topic.get_topic_name(): INDEX_TOPIC_CONFIG
                for table in app.tables.values()
            }
        )
    await create_missing_topics(settings, topics)


async def run_normalizer(settings: Settings, stop: asyncio.Event | None = None) -> int:
    """The normalize loop alone (``SITREP_PROCESSOR_ROLE=normalize``) until ``stop`` is set
    or SIGTERM/SIGINT; exit code 0, or 3 when the DLQ breaker opened."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    registry = SourceRegistry.load(settings.sources_file)
    await declare_topics(settings)
    window = timedelta(hours=settings.cluster_window_hours).total_seconds()
    router = Router(registry, default_understander(), window)
    freeze_loaded()
    freezer = freeze_survivors()
    async with OpsServer(settings, STAGE) as ops:
        producer = await started(lambda: make_producer(settings, linger_ms=2))
        try:
            normalizer = Normalizer(
                settings, router, producer, ops=ops, window_seconds=window, idle_heartbeat=True
            )
            await normalizer.start()  # may replace its consumer (a retried start): then wire
            for name, check in kafka_consumer_checks(normalizer.consumer).items():
                ops.add_check(name, check)
            lag = LagReporter(STAGE, normalizer.consumer, {settings.topic(RAW.suffix)})
            normalizer.lag = lag
            lag_task = asyncio.create_task(lag.run(interval=5.0))
            try:
                await normalizer.run(stop)
            except DlqBreakerOpen:
                return 3
            finally:
                lag_task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await lag_task
                await normalizer.stop()
        finally:
            freezer.uninstall()
            await producer.stop()
    return 0


def run_processor(settings: Settings) -> int:
    """Run the worker until SIGTERM/SIGINT (faust's Worker handles signals and shutdown); with
    ``SITREP_PROCESSOR_ROLE=normalize`` the normalize loop alone, without faust."""
    Path(settings.data_dir).mkdir(parents=True, exist_ok=True)
    if settings.processor_role == "normalize":
        return asyncio.run(run_normalizer(settings))
    registry = SourceRegistry.load(settings.sources_file)
    app = create_app(settings, registry)
    asyncio.run(declare_topics(settings, app))
    worker = faust.Worker(app, loglevel=settings.log_level, quiet=True, override_logging=False)
    freeze_loaded()  # the normalize task freezes again once the understanding is loaded
    worker.execute_from_commandline()
    return 0

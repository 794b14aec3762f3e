"""The processor: a faust-streaming worker that wires the pure core to Kafka. Thin on purpose.

Topology (each arrow a Kafka topic; ``{p}`` is ``SITREP_TOPIC_PREFIX``)::

    {p}.raw.v1 (key source_id)
        └─ agent ``normalize``: decode -> build_report (understanding)
              ├─> {p}.reports.v1     (key report_id)
              └─> {p}.candidates.v1  (key place cell; the report once per cell it touches)
    {p}.candidates.v1
        └─ agent ``cluster``: merge_report(cell state) -> changed events
              └─> {p}.events.v1      (key event_id, compacted)
    any failure -> {p}.dlq.v1 (original bytes, headers: stage, error, topic/partition/offset)

Guarantees: at-least-once (faust commits an offset only after the event was processed and the
producer flushed); per-key order (raw by source, candidates by cell). Cluster state lives in the
faust table ``cells`` (changelog topic), so a restarted or added worker recovers it; the table
``report_cells`` remembers which cells hold a report's candidates so an edit or deletion
reaches them. Both tables are bounded by event time (``SITREP_CLUSTER_WINDOW_HOURS``).
"""

from __future__ import annotations

import asyncio
import heapq
import logging
import os
import socket
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import faust
import orjson
from aiokafka import TopicPartition
from faust.types import TP

from sitrep.dedupe import CellState, expire, merge_report, report_cells
from sitrep.dedupe.redelivery import events_holding
from sitrep.normalize import build_report
from sitrep.ops import metrics
from sitrep.ops.health import FaustOffsets, LagReporter, OpsServer, faust_app_checks
from sitrep.ops.kafka import (
    MAX_MESSAGE_BYTES,
    create_missing_topics,
    ensure_topics,
    faust_broker_credentials,
    make_admin,
    make_consumer,
)
from sitrep.ops.metrics import Stage
from sitrep.ops.settings import Settings
from sitrep.records.codec import RecordError, decode_raw_item, decode_report, encode
from sitrep.records.dlq import DeadLetter, DlqBreaker, DlqBreakerOpen
from sitrep.records.model import Event
from sitrep.records.times import parse_iso, utc_now
from sitrep.records.topics import CANDIDATES, DLQ, EVENTS, RAW, REPORTS
from sitrep.sources import SourceRegistry
from sitrep.stream.watermark import Alignment, CommitWatch, Continuity, Watermarks
from sitrep.understand import default_understander

log = logging.getLogger(__name__)

STAGE: Stage = "process"
WATERMARK_HEADER = "sitrep-watermark"
WORKER_HEADER = "sitrep-worker"
WORKER_ID = f"{socket.gethostname()}:{os.getpid()}".encode()
# the cluster step takes up to this many candidates at a time, waiting at most this long
CLUSTER_BATCH = 200
CLUSTER_BATCH_SECONDS = 0.02
# seconds an input partition's commit may stand still behind finished items before it is re-read
COMMIT_STALL_SECONDS = 10.0


@dataclass
class _Expiry:
    """Event-time expiry of ``report_cells`` entries, per partition (a min-heap by time)."""

    heap: dict[int, list[tuple[float, bytes]]] = field(default_factory=dict)
    loaded: set[int] = field(default_factory=set)
    newest: dict[int, float] = field(default_factory=dict)


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


def swap_paused(consumer: Any, pause: set[TP], resume: set[TP]) -> None:
    """Pause and resume fetching from partitions without dropping what is being delivered.

    faust's ``pause_partitions`` removes the partitions from the very set its fetch loop is
    checking each fetched record against while it hands a batch over: the batch's remaining
    records of a paused partition are dropped although their offsets were consumed (holes of
    10-375 records in one 20k-item run, and a stall when a hole was at a partition's end).
    Here the set is replaced instead: the batch in flight is delivered whole and the next
    fetch leaves the paused partitions out. (faust 0.15: ``_active_partitions`` is the set
    its fetcher reads at the start of each fetch, ``_paused_partitions`` the ones it keeps out
    when it rebuilds that set after a rebalance; its recovery resumes every partition.)"""
    active = set(consumer._get_active_partitions())
    consumer._paused_partitions.update(pause)
    consumer._paused_partitions.difference_update(resume)
    consumer._active_partitions = (active - pause) | resume


def create_app(settings: Settings, registry: SourceRegistry) -> faust.App:
    """Build the faust app for ``settings`` (one app per process; tests build their own)."""
    app = faust.App(
        f"{settings.group_prefix}.processor", **faust_config(settings, f"{settings.data_dir}/faust")
    )

    raw_topic = byte_topic(app, settings, RAW.suffix)
    reports_topic = byte_topic(app, settings, REPORTS.suffix)
    events_topic = byte_topic(app, settings, EVENTS.suffix)
    candidates_topic = byte_topic(app, settings, CANDIDATES.suffix)
    dlq_topic = byte_topic(app, settings, DLQ.suffix)
    # written once per batch, outside any one event: the changelog partition comes from the
    # producer's partitioner on the cell key, which is the candidates topic's partition for it
    cells = app.Table(
        "cells",
        key_type=bytes,
        value_type=bytes,
        partitions=settings.partitions,
        use_partitioner=True,
    )
    cells_of_report = app.Table(
        "report_cells", key_type=bytes, value_type=bytes, partitions=settings.partitions
    )
    understander = default_understander()
    window = timedelta(hours=settings.cluster_window_hours)
    expiry = _Expiry()
    # decoding a cell's state costs ~5x its merge: keep the last state this worker wrote per
    # cell, trusted only while the table still holds exactly those bytes (after a rebalance
    # another worker may have written the cell; then it is decoded again)
    decoded: dict[bytes, tuple[bytes, CellState]] = {}
    # event time of this worker's raw partitions, and of the workers that feed the candidates
    # topic; an input silent for 15 s stops holding expiry back
    raw_clock = Watermarks(idle_after=15.0, require_caught_up=True)
    # raw partitions with a backlog more than a window ahead of that clock wait for the others:
    # what the clock holds back stays in memory (see Alignment)
    alignment = Alignment(max_skew=window.total_seconds())
    # per candidates partition: the stamps of each upstream worker seen on that partition (a
    # partition with a backlog must not be expired by the clock of a partition ahead of it)
    upstream_clocks: dict[int, Watermarks] = {}

    async def dead_letter(event: Any, stage: str, exc: BaseException, error_class: str) -> None:
        message = event.message
        letter = DeadLetter(
            stage=stage,
            error_class=error_class,
            error=f"{type(exc).__name__}: {exc}",
            value=message.value,
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

    def forget_expired(partition: int, published: float) -> list[bytes]:
        """Keys of ``report_cells`` in this partition whose report is older than the window
        (event time: the newest publication time seen in the partition), still present."""
        heap = expiry.heap.setdefault(partition, [])
        if partition not in expiry.loaded:  # after a restart: index what the changelog restored
            expiry.loaded.add(partition)
            for key, value in cells_of_report.items():
                entry = orjson.loads(value)
                if entry.get("p") == partition:
                    heapq.heappush(heap, (entry["t"], key))
        newest = max(expiry.newest.get(partition, 0.0), published)
        expiry.newest[partition] = newest
        horizon = newest - window.total_seconds()
        # a key can be in the heap twice (an edit pushes it again; a restart re-indexes what
        # the changelog restored): return each key once
        gone: dict[bytes, None] = {}
        while heap and heap[0][0] < horizon:
            _, key = heapq.heappop(heap)
            entry = cells_of_report.get(key)
            if entry is not None and orjson.loads(entry)["t"] < horizon:
                gone[key] = None
        return list(gone)

    ops = OpsServer(settings, STAGE)
    lag = LagReporter(
        STAGE,
        FaustOffsets(app.consumer),
        topics={settings.topic(RAW.suffix), settings.topic(CANDIDATES.suffix)},
    )

    @app.task
    async def serve_ops() -> None:
        for name, check in faust_app_checks(app, settings).items():
            ops.add_check(name, check)
        await ops.start()

    @app.on_partitions_assigned.connect  # type: ignore[arg-type]
    def hold_new_partitions(sender: Any, assigned: Any, *, signal: Any, **_: Any) -> None:
        """After a rebalance the tables hold what the changelog committed, which may be older
        than what this worker had in memory (an aborted transaction, a broker restart):
        everything derived in memory is dropped and rebuilt from the input."""
        decoded.clear()
        handled.clear()
        commit_watch.forget()
        alignment.forget()  # faust resumes every partition once its tables are recovered
        metrics.INPUT_PAUSED.labels(stage=STAGE).set(0)
        now_assigned = {(tp.topic, tp.partition) for tp in assigned}
        continuity.keep_only(now_assigned & held_before)
        held_before.clear()
        held_before.update(now_assigned)
        upstream_clocks.clear()
        expiry.heap.clear()
        expiry.loaded.clear()
        expiry.newest.clear()
        for tp in assigned:
            if tp.topic == raw_topic.get_topic_name():
                raw_clock.hold(tp.partition)

    @app.on_partitions_revoked.connect  # type: ignore[arg-type]
    def forget_old_partitions(sender: Any, revoked: Any, *, signal: Any, **_: Any) -> None:
        for tp in revoked:
            if tp.topic == raw_topic.get_topic_name():
                raw_clock.forget(tp.partition)

    @app.timer(interval=5.0)
    async def report_lag() -> None:
        """Lag gauges; an idle worker (nothing to read) is alive. A busy one proves it is
        alive by the items it finishes (``ops.heartbeat()`` in the agents), so a wedged
        worker fails ``/livez`` and is restarted."""
        try:
            behind = await lag.report()
        except Exception as exc:  # noqa: BLE001 - lag is best effort
            log.debug("lag unavailable: %s", exc)
            return
        if behind.records == 0:
            ops.heartbeat()
        for tp in app.consumer.assignment():
            if tp.topic == raw_topic.get_topic_name():
                try:
                    end = (await app.consumer.highwaters(tp))[tp]
                    position = await app.consumer.position(tp)
                except Exception:  # noqa: BLE001, S112 - best effort; keep the last answer
                    continue
                raw_clock.caught_up(tp.partition, position is not None and position >= end)

    @app.timer(interval=1.0)
    async def align_raw_partitions() -> None:
        """Pause raw partitions whose event time ran ahead (see ``Alignment``); never while
        faust rebalances or recovers its tables (it pauses and resumes partitions itself)."""
        if app.rebalancing or app.in_recovery or not app.flow_control.is_active():
            return
        pause, resume = alignment.decide(raw_clock)
        topic = raw_topic.get_topic_name()
        if pause or resume:
            swap_paused(
                app.consumer,
                {TP(topic, p) for p in pause},  # type: ignore[arg-type]
                {TP(topic, p) for p in resume},  # type: ignore[arg-type]
            )
            metrics.INPUT_PAUSES.labels(stage=STAGE).inc(len(pause))
            metrics.INPUT_PAUSED.labels(stage=STAGE).set(len(alignment.paused))
            log.debug(
                "raw partitions aligned by event time",
                extra={"stage": STAGE, "paused": list(pause), "resumed": list(resume)},
            )

    async def stop_worker(exc: BaseException) -> None:
        """Crash the faust app (non-zero exit); if its shutdown hangs (it waits for streams to
        drain), the process exits anyway after 15 s so the supervisor restarts it."""
        threading.Timer(15.0, os._exit, args=(3,)).start()
        await app.crash(exc)

    input_topics = {raw_topic.get_topic_name(), candidates_topic.get_topic_name()}
    commit_watch = CommitWatch(stuck_after=COMMIT_STALL_SECONDS)
    # offsets the agents must see next per input partition (holes: see Continuity); under
    # exactly-once, transaction markers take offsets of their own and holes are normal
    continuity = Continuity()
    check_holes = settings.processing_guarantee != "exactly_once"
    held_before: set[tuple[str, int]] = set()
    # next offset to commit per input partition, as far as the agents have finished items
    # (the fetch position runs ahead of processing and would make a busy worker look stalled)
    handled: dict[tuple[str, int], int] = {}
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
        """Produce the records ``[first, end)`` of an input partition again, to its end: faust
        acknowledged them without delivering them (see ``Continuity``), and seeking back cannot
        be relied on (its fetch loop drops re-fetched records while it still hands over an
        older batch). The copies reach the agents like any other record; what the originals
        had done already (if anything) a copy repeats idempotently. Returns the count."""
        topic = raw_topic if tp.topic == raw_topic.get_topic_name() else candidates_topic
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
        event: Any, stage: str, exc: BaseException, error_class: str, breaker: DlqBreaker
    ) -> None:
        """One input that cannot be handled: to the DLQ with its reason, counted by the breaker."""
        await dead_letter(event, stage, exc, error_class)
        await record_outcome(breaker, ok=False)

    async def crash_worker(agent: str, exc: BaseException) -> None:
        """An error outside the per-item handling (Kafka, the tables) stops the whole worker:
        faust would restart the agent past the failed item; a restarted worker re-reads every
        uncommitted item instead (at-least-once)."""
        log.critical("%s agent failed; stopping the worker", agent, exc_info=exc)
        await stop_worker(exc)

    normalize_breaker = DlqBreaker(STAGE, settings.dlq_window, settings.dlq_max_ratio)

    @app.agent(raw_topic, name="normalize")
    async def normalize(stream: Any) -> None:
        try:
            async for event in stream.events():
                message = event.message
                await keep_continuity(message)
                metrics.ITEMS_IN.labels(stage=STAGE).inc()
                lag.observe(message.tp, message.timestamp and int(message.timestamp * 1000))
                started = time.perf_counter()
                try:
                    raw = decode_raw_item(message.value)
                    source = registry.lookup(
                        raw.source_kind, raw.source_id, raw.provenance.channel_username
                    )
                    report = build_report(raw, source, understander, utc_now())
                except RecordError as exc:
                    await reject(event, "process.decode", exc, "invalid_record", normalize_breaker)
                    continue
                except Exception as exc:  # noqa: BLE001 - one bad item must not stop the worker
                    await reject(
                        event, "process.understand", exc, "processing_error", normalize_breaker
                    )
                    continue
                await record_outcome(normalize_breaker, ok=True)
                metrics.STAGE_SECONDS.labels(step="understand").observe(
                    time.perf_counter() - started
                )
                value = encode(report)
                key = report.report_id.encode()
                await reports_topic.send(key=key, value=value, force=True)
                previous = cells_of_report.get(key)
                old_cells = orjson.loads(previous)["c"] if previous is not None else []
                targets = report_cells(report, old_cells)
                own_cells = report_cells(report) if not report.deleted else ()
                published = parse_iso(report.published_at or report.collected_at).timestamp()
                if own_cells:
                    cells_of_report[key] = orjson.dumps(
                        {"c": own_cells, "t": published, "p": message.partition}
                    )
                    heapq.heappush(expiry.heap.setdefault(message.partition, []), (published, key))
                elif previous is not None:
                    del cells_of_report[key]
                for stale in forget_expired(message.partition, published):
                    del cells_of_report[stale]
                raw_clock.observe(message.partition, published)
                low = raw_clock.low()
                headers = [(WORKER_HEADER, WORKER_ID)]
                if low is not None:
                    headers.append((WATERMARK_HEADER, repr(low).encode()))
                for cell in targets:
                    await candidates_topic.send(
                        key=cell.encode(), value=value, headers=headers, force=True
                    )
                metrics.ITEMS_OUT.labels(stage=STAGE, kind="report").inc()
                ops.heartbeat(processed=1)
                handled[(message.topic, message.partition)] = message.offset + 1
        except DlqBreakerOpen:
            raise
        except Exception as exc:
            await crash_worker("normalize", exc)
            raise

    cluster_breaker = DlqBreaker("cluster", settings.dlq_window, settings.dlq_max_ratio)

    def load_cell(key: bytes) -> CellState | None:
        """The cell's state as the table holds it (decoded once: see ``decoded``)."""
        stored = cells.get(key)
        if stored is None:
            return None
        cached = decoded.get(key)
        if cached is not None and cached[0] == stored:
            return cached[1]
        return CellState.from_bytes(stored)

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
        """Merge candidates into their cells' states, a batch at a time: each report is merged
        in offset order exactly as one at a time, but a cell's state is encoded and written to
        the changelog once per batch (it holds the cell's whole window: writing it for every
        candidate cost more than the merge). The batch's events go out before its states."""
        try:
            async for batch in stream.take_events(CLUSTER_BATCH, within=CLUSTER_BATCH_SECONDS):
                states: dict[bytes, CellState] = {}  # each cell's state as merged so far
                loaded: dict[bytes, CellState | None] = {}  # ... and as it was before
                emitted: list[Event] = []
                for event in batch:
                    message = event.message
                    await keep_continuity(message)
                    lag.observe(message.tp, message.timestamp and int(message.timestamp * 1000))
                    started = time.perf_counter()
                    try:
                        cell = message.key.decode()
                        report = decode_report(message.value)
                        before = states.get(message.key)
                        if before is None:
                            before = load_cell(message.key)
                            loaded[message.key] = before
                        now = utc_now()
                        state, changed = merge_report(before, report, cell, now)
                        if state is before and before is not None:
                            # a redelivery (or an older version): re-emit what it supports, in
                            # case the first delivery's events were lost in a crash
                            # (see dedupe.redelivery)
                            changed = events_holding(state, report, now)
                        clock = stream_clock(message)
                        if clock is not None:
                            state = expire(state, clock, window)
                    except RecordError as exc:
                        await reject(
                            event, "process.cluster", exc, "invalid_record", cluster_breaker
                        )
                        continue
                    except Exception as exc:  # noqa: BLE001 - one bad report must not stop the worker
                        await reject(
                            event, "process.cluster", exc, "processing_error", cluster_breaker
                        )
                        continue
                    await record_outcome(cluster_breaker, ok=True)
                    metrics.STAGE_SECONDS.labels(step="cluster").observe(
                        time.perf_counter() - started
                    )
                    states[message.key] = state
                    emitted.extend(changed)
                    handled[(message.topic, message.partition)] = message.offset + 1
                # the events first, acknowledged by the broker, then the states that include
                # them: a crash in between replays the batch from the older state, which
                # emits the same versions again; never a state ahead of its emitted versions
                # (a replay would then re-emit only the newest, leaving a gap in the versions)
                sent = [
                    await events_topic.send(key=ev.event_id.encode(), value=encode(ev), force=True)
                    for ev in emitted
                ]
                if sent:
                    await asyncio.gather(*sent)
                for ev in emitted:
                    metrics.EVENTS_EMITTED.labels(event_type=ev.event_type).inc()
                    metrics.ITEMS_OUT.labels(stage=STAGE, kind="event").inc()
                for key, state in states.items():
                    if state is loaded.get(key):
                        continue  # unchanged: the table holds these bytes already
                    encoded = state.to_bytes()
                    cells[key] = encoded
                    decoded[key] = (encoded, state)
                ops.heartbeat(processed=len(batch))
        except DlqBreakerOpen:
            raise
        except Exception as exc:
            await crash_worker("cluster", exc)
            raise

    return app


async def declare_topics(settings: Settings, app: faust.App) -> None:
    """Create sitrep's topics and the tables' changelog topics before the worker starts.

    faust creates changelog topics itself, but on a fresh broker its consumer can be assigned
    partitions before the new topic's metadata arrives; it then ignores the topic for good and
    every table write fails with ``PartitionsMismatch``. Creating them first avoids the race.
    """
    await ensure_topics(settings)
    # each write holds a whole cell's state: compact early and often, so that a restarted
    # worker recovers from roughly one record per cell rather than from every write
    changelog = {
        "cleanup.policy": "compact",
        "max.message.bytes": str(MAX_MESSAGE_BYTES),
        "segment.bytes": str(32 * 1024 * 1024),
        "segment.ms": str(60_000),
        "min.cleanable.dirty.ratio": "0.1",
        "delete.retention.ms": str(3_600_000),
    }
    await create_missing_topics(
        settings,
        {table.changelog_topic.get_topic_name(): changelog for table in app.tables.values()},
    )


def run_processor(settings: Settings) -> int:
    """Run the worker until SIGTERM/SIGINT (faust's Worker handles signals and shutdown)."""
    registry = SourceRegistry.load(settings.sources_file)
    Path(settings.data_dir).mkdir(parents=True, exist_ok=True)
    app = create_app(settings, registry)
    asyncio.run(declare_topics(settings, app))
    worker = faust.Worker(app, loglevel=settings.log_level, quiet=True, override_logging=False)
    worker.execute_from_commandline()
    return 0

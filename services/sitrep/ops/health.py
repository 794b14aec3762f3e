"""Operations endpoints of every sitrep service: ``/metrics``, ``/livez`` and ``/readyz``.

Usage (one call to start, from any service's asyncio entry point)::

    from sitrep.ops.health import OpsServer, kafka_consumer_checks, database_check

    consumer = make_consumer(settings, topic, group=group)
    async with OpsServer(
        settings,
        "sink",
        checks={**kafka_consumer_checks(consumer), "database": database_check(settings)},
    ) as ops:
        while running:
            batch = await consumer.getmany(timeout_ms=500)
            ...                                  # write, commit
            ops.heartbeat(processed=n)           # every loop turn, also when n == 0

A faust worker registers ``faust_app_checks(app, settings)`` (partitions assigned, not
rebalancing, and the cluster answering) once the app exists.

The server binds ``settings.ops_host:settings.ops_port``; ``ops_port == 0`` turns it off (the
service still calls ``heartbeat()``, which then only updates the progress gauge).

Contracts:

- ``/metrics`` serves :data:`sitrep.ops.metrics.REGISTRY` in the Prometheus text format.
- ``/livez`` answers 200 while the service's event loop runs (the handler runs on that loop)
  and the stage called :meth:`OpsServer.heartbeat` within ``liveness_seconds``; otherwise 503.
  It never checks dependencies: a database outage must not make Kubernetes restart every pod.
- ``/readyz`` runs every registered check concurrently, each bounded by ``check_timeout``, and
  answers 200 when all pass, 503 otherwise. ``/readyz?verbose`` (and ``/livez?verbose``) list
  each check as ``[+]name ok`` or ``[-]name failed: reason``. Reasons pass through
  :func:`sitrep.ops.logging.redact` (the CLI registers every configured secret with it), and
  the database check never echoes its URL.
- A check is an ``async`` callable returning ``True`` when ready. ``False``, :class:`NotReady`
  (with a reason) or any other exception means not ready; a failing check never takes the
  server down.

:class:`LagReporter` computes consumer lag in records and seconds for a stage from an aiokafka
consumer (or anything with the same three offset methods, see :class:`OffsetSource`) and sets
``sitrep_consumer_lag_records`` / ``sitrep_consumer_lag_seconds``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import time
from collections.abc import Awaitable, Callable, Collection, Hashable, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Protocol

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from sitrep.ops import metrics
from sitrep.ops.logging import redact
from sitrep.ops.metrics import Stage
from sitrep.ops.settings import Settings, SettingsError

log = logging.getLogger(__name__)

Check = Callable[[], Awaitable[bool]]
"""A readiness check: ``True`` when ready; ``False`` or an exception when not."""

MAX_REASON_CHARS = 200


class NotReady(Exception):
    """Raised by a readiness check to say why the service is not ready (shown with ?verbose)."""


@dataclass(frozen=True, slots=True)
class CheckResult:
    """The outcome of one readiness check."""

    name: str
    ok: bool
    reason: str = ""

    def line(self) -> str:
        """The check in the Kubernetes apiserver's verbose style: ``[+]name ok``."""
        return f"[+]{self.name} ok" if self.ok else f"[-]{self.name} failed: {self.reason}"


async def run_check(name: str, check: Check, limit_seconds: float) -> CheckResult:
    """Run one check with a deadline; never raises (a broken check is a failed check)."""
    try:
        ok = await asyncio.wait_for(check(), limit_seconds)
    except TimeoutError:
        return CheckResult(name, False, f"no answer within {limit_seconds:g}s")
    except NotReady as exc:
        return CheckResult(name, False, redact(str(exc))[:MAX_REASON_CHARS])
    except Exception as exc:  # noqa: BLE001 - any failure of a check means "not ready"
        reason = redact(f"{type(exc).__name__}: {exc}")[:MAX_REASON_CHARS]
        return CheckResult(name, False, reason)
    return CheckResult(name, bool(ok), "" if ok else "not ready")


class OpsServer:
    """The ``/metrics``, ``/livez`` and ``/readyz`` HTTP server of one stage.

    ``start()`` binds ``settings.ops_host:settings.ops_port`` (raises :class:`SettingsError`
    naming the variables when the address cannot be bound); ``stop()`` closes it. Both are
    idempotent. The server runs on the caller's event loop, which is what makes ``/livez`` a
    proof that the loop is alive.
    """

    def __init__(
        self,
        settings: Settings,
        stage: Stage,
        checks: Mapping[str, Check] | None = None,
        *,
        liveness_seconds: float | None = None,
        check_timeout: float = 3.0,
        clock: Callable[[], float] = time.monotonic,
        keepalive_seconds: float | None = None,
    ) -> None:
        self.settings = settings
        self.stage: Stage = stage
        self.liveness_seconds = (
            settings.liveness_seconds if liveness_seconds is None else liveness_seconds
        )
        self.check_timeout = check_timeout
        self._checks: dict[str, Check] = dict(checks or {})
        self._clock = clock
        self._last_heartbeat = clock()
        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        # a stage that is idle by design (a collector between polls, a channel without posts)
        # proves its event loop turns with a heartbeat every ``keepalive_seconds`` while served
        self.keepalive_seconds = keepalive_seconds
        self._keepalive: asyncio.Task[None] | None = None
        # series exist from the start, so rate() and the alerts see a stage before its first item
        metrics.ITEMS_IN.labels(stage=stage)
        metrics.DLQ_BREAKER_OPEN.labels(stage=stage).set(0)

    # --- what the service calls

    def add_check(self, name: str, check: Check) -> None:
        """Register (or replace) a readiness check, e.g. once a consumer exists."""
        self._checks[name] = check

    def heartbeat(self, processed: int = 0) -> None:
        """Record that the stage's loop turned; call it every turn, also when idle.

        ``processed`` > 0 also marks progress: ``sitrep_last_progress_timestamp_seconds{stage}``
        becomes now. (Counting items is the stage's job: ``ITEMS_IN``/``ITEMS_OUT``.)
        """
        self._last_heartbeat = self._clock()
        if processed > 0:
            metrics.LAST_PROGRESS.labels(stage=self.stage).set(time.time())

    # --- what the endpoints answer

    def seconds_since_heartbeat(self) -> float:
        return max(0.0, self._clock() - self._last_heartbeat)

    def alive(self) -> bool:
        """True while the last heartbeat is younger than ``liveness_seconds``."""
        return self.seconds_since_heartbeat() <= self.liveness_seconds

    async def readiness(self) -> list[CheckResult]:
        """Run every check concurrently (each bounded by ``check_timeout``), in name order."""
        names = sorted(self._checks)
        results = await asyncio.gather(
            *(run_check(name, self._checks[name], self.check_timeout) for name in names)
        )
        return list(results)

    # --- the HTTP shell

    @property
    def port(self) -> int | None:
        """The bound port while started (None when off or stopped)."""
        return self._port

    @property
    def url(self) -> str | None:
        """``http://host:port`` while started, else None."""
        if self._port is None:
            return None
        return f"http://{self.settings.ops_host}:{self._port}"

    def app(self) -> web.Application:
        """The aiohttp application (exposed for in-process tests with aiohttp's test client)."""
        app = web.Application()
        app.router.add_get("/metrics", self._metrics)
        app.router.add_get("/livez", self._livez)
        app.router.add_get("/readyz", self._readyz)
        return app

    async def start(self) -> None:
        if self._runner is not None:
            return
        if self.settings.ops_port == 0:
            log.info("ops endpoints off (SITREP_OPS_PORT=0)", extra={"stage": self.stage})
            return
        runner = web.AppRunner(self.app(), access_log=None, handle_signals=False)
        await runner.setup()
        site = web.TCPSite(
            runner, self.settings.ops_host, self.settings.ops_port, reuse_address=True
        )
        try:
            await site.start()
        except OSError as exc:
            await runner.cleanup()
            raise SettingsError(
                f"cannot serve /metrics, /livez, /readyz on "
                f"{self.settings.ops_host}:{self.settings.ops_port} ({exc.strerror}); "
                "set SITREP_OPS_HOST / SITREP_OPS_PORT to a free address"
            ) from None
        self._runner = runner
        self._port = self.settings.ops_port
        self._last_heartbeat = self._clock()
        if self.keepalive_seconds is not None:
            self._keepalive = asyncio.create_task(self._keep_alive(self.keepalive_seconds))
        log.info(
            "ops endpoints listening",
            extra={"stage": self.stage, "url": self.url, "checks": sorted(self._checks)},
        )

    async def _keep_alive(self, every: float) -> None:
        while True:
            self.heartbeat()
            await asyncio.sleep(every)

    async def stop(self) -> None:
        """Close the server, then every check that holds a connection (has ``close()``)."""
        keepalive, self._keepalive = self._keepalive, None
        if keepalive is not None:
            keepalive.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await keepalive
        runner, self._runner, self._port = self._runner, None, None
        if runner is not None:
            await runner.cleanup()
        for check in self._checks.values():
            close = getattr(check, "close", None)
            if close is not None:
                with contextlib.suppress(Exception):
                    await close()

    async def __aenter__(self) -> OpsServer:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    async def _metrics(self, request: web.Request) -> web.Response:
        body = generate_latest(metrics.REGISTRY)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    async def _livez(self, request: web.Request) -> web.Response:
        age = self.seconds_since_heartbeat()
        ok = self.alive()
        result = CheckResult(
            "heartbeat",
            ok,
            "" if ok else f"no heartbeat for {age:.0f}s (limit {self.liveness_seconds:g}s)",
        )
        return _answer("livez", [result], verbose="verbose" in request.query)

    async def _readyz(self, request: web.Request) -> web.Response:
        results = await self.readiness()
        return _answer("readyz", results, verbose="verbose" in request.query)


def _answer(endpoint: str, results: list[CheckResult], *, verbose: bool) -> web.Response:
    ok = all(r.ok for r in results)
    if verbose:
        lines = [r.line() for r in results]
        lines.append(f"{endpoint} check passed" if ok else f"{endpoint} check failed")
        text = "\n".join(lines) + "\n"
    elif ok:
        text = "ok\n"
    else:
        failed = ", ".join(r.name for r in results if not r.ok)
        text = f"{endpoint} check failed: {failed}\n"
    return web.Response(text=text, status=200 if ok else 503)


# --- readiness checks for the clients sitrep uses


def kafka_consumer_checks(consumer: Any) -> dict[str, Check]:
    """``kafka`` (the broker answers a metadata request) and ``partitions`` (assigned, so the
    group is not rebalancing) for an aiokafka consumer.

    aiokafka clears the assignment while a rebalance is in progress, so an empty assignment
    means "not yet joined or rebalancing". A consumer with more group members than partitions
    stays unready by design: the chart caps replicas at the partition count.
    """

    async def kafka() -> bool:
        await consumer.topics()
        return True

    async def partitions() -> bool:
        assigned = consumer.assignment()
        if not assigned:
            raise NotReady("no partitions assigned (joining the group or rebalancing)")
        return True

    return {"kafka": kafka, "partitions": partitions}


def kafka_producer_check(producer: Any, topic: str) -> Check:
    """``kafka`` for an aiokafka producer: the broker answers metadata for ``topic``."""

    async def kafka() -> bool:
        partitions = await producer.partitions_for(topic)
        if not partitions:
            raise NotReady(f"topic {topic} has no partitions in the broker's metadata")
        return True

    return kafka


class KafkaClusterCheck:
    """``kafka`` for services whose Kafka clients are not at hand (faust): the cluster answers
    a metadata request, through one admin client opened on the first probe and kept open (so a
    probe costs one request, not a connection). :meth:`close` releases it; ``OpsServer.stop``
    calls it."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._admin: Any = None

    async def __call__(self) -> bool:
        if self._admin is None:
            from sitrep.ops.kafka import make_admin

            admin = make_admin(self._settings)
            try:
                await admin.start()
            except BaseException:
                await admin.close()
                raise
            self._admin = admin
        await self._admin.describe_cluster()
        return True

    async def close(self) -> None:
        admin, self._admin = self._admin, None
        if admin is not None:
            await admin.close()


def faust_app_checks(app: Any, settings: Settings | None = None) -> dict[str, Check]:
    """``partitions`` for a faust app: assigned and not rebalancing (faust's own flag); with
    ``settings``, also ``kafka`` (:class:`KafkaClusterCheck`)."""

    async def partitions() -> bool:
        if getattr(app, "rebalancing", False):
            raise NotReady("consumer group is rebalancing")
        if not app.consumer.assignment():
            raise NotReady("no partitions assigned")
        return True

    checks: dict[str, Check] = {"partitions": partitions}
    if settings is not None:
        checks["kafka"] = KafkaClusterCheck(settings)
    return checks


def database_check(settings: Settings) -> Check:
    """``database``: one ``SELECT 1`` on PostgreSQL (``SITREP_DATABASE_URL``), or opening the
    SQLite file when no URL is configured (or the URL is ``sqlite:///path``)."""
    url = settings.database_url.reveal()
    if url.startswith(("postgresql://", "postgres://")):

        async def postgres() -> bool:
            import psycopg

            try:
                conn = await psycopg.AsyncConnection.connect(url, connect_timeout=3)
            except psycopg.OperationalError:
                # psycopg's message is safe, but say it in our words: never echo the URL
                raise NotReady("PostgreSQL does not accept connections") from None
            async with conn:
                await conn.execute("SELECT 1")
            return True

        return postgres
    path = url.removeprefix("sqlite:///") if url.startswith("sqlite:///") else settings.sqlite_path

    async def sqlite() -> bool:
        def probe() -> bool:
            with contextlib.closing(sqlite3.connect(path, timeout=2)) as conn:
                conn.execute("SELECT 1")
            return True

        return await asyncio.to_thread(probe)

    return sqlite


# --- consumer lag


class OffsetSource(Protocol):
    """What :class:`LagReporter` needs from a consumer (aiokafka's consumer has exactly this)."""

    def assignment(self) -> Collection[Any]: ...

    async def end_offsets(self, partitions: list[Any]) -> Mapping[Any, int]: ...

    async def position(self, partition: Any) -> int: ...


class FaustOffsets:
    """Adapts a faust consumer (``app.consumer``) to :class:`OffsetSource`."""

    def __init__(self, consumer: Any) -> None:
        self._consumer = consumer

    def assignment(self) -> Collection[Any]:
        return set(self._consumer.assignment())

    async def end_offsets(self, partitions: list[Any]) -> Mapping[Any, int]:
        return dict(await self._consumer.highwaters(*partitions))

    async def position(self, partition: Any) -> int:
        pos = await self._consumer.position(partition)
        return int(pos) if pos is not None else 0


class UnionOffsets:
    """Several :class:`OffsetSource` as one (a worker with two consumers: the processor's
    normalize loop and its faust agent report one lag). Sources can be added later (a
    consumer created once the event loop runs)."""

    def __init__(self, *sources: OffsetSource) -> None:
        self._sources = list(sources)

    def add(self, source: OffsetSource) -> None:
        self._sources.append(source)

    def remove(self, source: OffsetSource) -> None:
        if source in self._sources:
            self._sources.remove(source)

    def assignment(self) -> Collection[Any]:
        return {tp for source in self._sources for tp in source.assignment()}

    def _owner(self, partition: Any) -> OffsetSource:
        for source in self._sources:
            if partition in source.assignment():
                return source
        raise KeyError(partition)

    async def end_offsets(self, partitions: list[Any]) -> Mapping[Any, int]:
        out: dict[Any, int] = {}
        for source in self._sources:
            owned = set(source.assignment())
            mine = [tp for tp in partitions if tp in owned]
            if mine:
                out.update(await source.end_offsets(mine))
        return out

    async def position(self, partition: Any) -> int:
        return await self._owner(partition).position(partition)


@dataclass(frozen=True, slots=True)
class Lag:
    """A stage's lag: records still to read, and how far behind in time it is."""

    records: int
    seconds: float


def compute_lag(
    end_offsets: Mapping[Hashable, int],
    positions: Mapping[Hashable, int],
    last_timestamps: Mapping[Hashable, float],
    now: float,
) -> Lag:
    """Pure lag arithmetic over the assigned partitions.

    ``records`` is the sum over partitions of ``end - position`` (never negative). ``seconds``
    is the largest ``now - timestamp of the last consumed record`` over partitions that still
    have records to read, and 0 on partitions that are caught up: an idle stage is not late.
    A partition with records to read but none consumed yet adds to ``records`` only (its age
    is unknown until the first record arrives).
    """
    records = 0
    seconds = 0.0
    for tp, end in end_offsets.items():
        behind = max(0, end - positions.get(tp, end))
        records += behind
        if behind and tp in last_timestamps:
            seconds = max(seconds, now - last_timestamps[tp])
    return Lag(records, max(0.0, seconds))


class LagReporter:
    """Keeps ``sitrep_consumer_lag_records{stage}`` and ``..._seconds{stage}`` current.

    Call :meth:`observe` with each consumed record (its partition and Kafka timestamp) and run
    :meth:`run` as a task, or call :meth:`report` yourself. ``topics`` limits the lag to the
    stage's input topics (faust also assigns changelog and repartition topics). Errors while
    asking the broker are logged and the previous values kept; the reporter never raises out
    of :meth:`run` except on cancellation.
    """

    def __init__(
        self,
        stage: Stage,
        source: OffsetSource,
        topics: Collection[str] | None = None,
        *,
        timeout: float = 5.0,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.stage: Stage = stage
        self._source = source
        self._topics = frozenset(topics) if topics is not None else None
        self._timeout = timeout
        self._wall_clock = wall_clock
        self._last_timestamps: dict[Hashable, float] = {}

    def observe(self, partition: Hashable, timestamp_ms: int | None) -> None:
        """Remember the Kafka timestamp (ms) of the last record consumed from ``partition``."""
        if timestamp_ms is not None and timestamp_ms >= 0:
            self._last_timestamps[partition] = timestamp_ms / 1000.0

    def observe_record(self, record: Any) -> None:
        """:meth:`observe` for an aiokafka ``ConsumerRecord``."""
        from aiokafka import TopicPartition

        self.observe(TopicPartition(record.topic, record.partition), record.timestamp)

    async def report(self) -> Lag:
        """Ask the broker for end offsets, compute the lag, set the two gauges, return it."""
        assigned = [
            tp
            for tp in self._source.assignment()
            if self._topics is None or tp.topic in self._topics
        ]
        if assigned:
            ends = await asyncio.wait_for(self._source.end_offsets(assigned), self._timeout)
            positions = {
                tp: await asyncio.wait_for(self._source.position(tp), self._timeout)
                for tp in assigned
            }
        else:
            ends, positions = {}, {}
        lag = compute_lag(ends, positions, self._last_timestamps, self._wall_clock())
        metrics.CONSUMER_LAG_RECORDS.labels(stage=self.stage).set(lag.records)
        metrics.CONSUMER_LAG_SECONDS.labels(stage=self.stage).set(lag.seconds)
        return lag

    async def run(self, interval: float = 10.0) -> None:
        """Report every ``interval`` seconds until cancelled."""
        while True:
            try:
                await self.report()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - lag is best effort; keep the last value
                log.warning(
                    "consumer lag unavailable",
                    extra={"stage": self.stage, "error": redact(f"{type(exc).__name__}: {exc}")},
                )
            await asyncio.sleep(interval)

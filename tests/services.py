"""Run sitrep's real services as separate processes in tests, as operators run them.

Used by the integration and fault suites: ``ServiceProcess`` starts ``sitrep <command>`` with
the environment of a test's :class:`Settings`, keeps its log in a file, and can be stopped
politely (SIGTERM) or killed (SIGKILL). Helpers replay lines, wait for the pipeline to drain
(committed offsets == end offsets, never a fixed sleep) and read topics back.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from aiokafka import TopicPartition

from sitrep.ops.kafka import ensure_topics, make_consumer, make_producer, topic_partitions
from sitrep.ops.settings import Settings
from sitrep.stream.progress import wait_drained

SITREP = [sys.executable, "-m", "sitrep.cli"]


def isolated_settings(tmp: Path, partitions: int = 2, **changes: Any) -> Settings:
    """Settings of one test run: the shared broker, its own topic and group prefix, data dir
    and SQLite file under ``tmp`` (for module-scoped fixtures; tests use the ``settings``
    fixture)."""
    prefix = f"t{uuid.uuid4().hex[:10]}"
    return Settings.from_env({}).with_(
        kafka_bootstrap=os.environ.get("SITREP_KAFKA_BOOTSTRAP", "127.0.0.1:9092"),
        topic_prefix=prefix,
        group_prefix=prefix,
        partitions=partitions,
        data_dir=str(tmp / "data"),
        sqlite_path=str(tmp / "sitrep.db"),
        **changes,
    )


def env_for(settings: Settings, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SITREP_")}
    env.update(
        {
            "SITREP_KAFKA_BOOTSTRAP": settings.kafka_bootstrap,
            "SITREP_TOPIC_PREFIX": settings.topic_prefix,
            "SITREP_GROUP_PREFIX": settings.group_prefix,
            "SITREP_PARTITIONS": str(settings.partitions),
            "SITREP_DATA_DIR": settings.data_dir,
            "SITREP_SQLITE_PATH": settings.sqlite_path,
            "SITREP_LOG_FORMAT": "json",
            "SITREP_LOG_LEVEL": "INFO",
            "SITREP_CLUSTER_WINDOW_HOURS": str(settings.cluster_window_hours),
            "SITREP_DLQ_WINDOW": str(settings.dlq_window),
            "SITREP_DLQ_MAX_RATIO": str(settings.dlq_max_ratio),
            "SITREP_DLQ_BREAKER_LINGER_SECONDS": str(settings.dlq_breaker_linger_seconds),
        }
    )
    if settings.database_url:
        env["SITREP_DATABASE_URL"] = settings.database_url.reveal()
    if settings.sources_file:
        env["SITREP_SOURCES_FILE"] = settings.sources_file
    env["SITREP_PROCESSING_GUARANTEE"] = settings.processing_guarantee
    env["SITREP_PROCESSOR_ROLE"] = settings.processor_role
    security = settings.kafka_security
    env["SITREP_KAFKA_SECURITY_PROTOCOL"] = security.protocol
    for name, value in (
        ("SASL_MECHANISM", security.sasl_mechanism),
        ("SASL_USERNAME", security.sasl_username),
        ("SASL_PASSWORD", security.sasl_password.reveal() or None),
        ("SSL_CAFILE", security.ssl_cafile),
        ("SSL_CERTFILE", security.ssl_certfile),
        ("SSL_KEYFILE", security.ssl_keyfile),
    ):
        if value:
            env[f"SITREP_KAFKA_{name}"] = value
    env.update(extra)
    return env


class ServiceProcess:
    """``sitrep <args>`` as a child process with its output in ``log_path``."""

    def __init__(self, settings: Settings, *args: str, log_dir: Path, **env: str) -> None:
        self.args = args
        self.env = env_for(settings, **env)
        log_dir.mkdir(parents=True, exist_ok=True)
        self.log_path = log_dir / f"{'-'.join(args)}-{time.monotonic_ns()}.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> ServiceProcess:
        with self.log_path.open("wb") as log:
            self.proc = subprocess.Popen(
                [*SITREP, *self.args], env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        return self

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill(self) -> None:
        """SIGKILL: no shutdown hooks, no final commit."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=30)

    def stop(self, timeout: float = 30.0) -> int | None:
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        return self.proc.returncode

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def __enter__(self) -> ServiceProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


async def produce_lines(settings: Settings, lines: Iterable[bytes], key_of: Any = None) -> int:
    """Produce raw lines to the raw topic (keyed like ``sitrep replay`` does)."""
    from sitrep.collect.replay import line_key

    await ensure_topics(settings)
    producer = make_producer(settings)
    await producer.start()
    n = 0
    try:
        futures = []
        for line in lines:
            key = key_of(line) if key_of else line_key(line)
            futures.append(await producer.send(settings.topic("raw.v1"), value=line, key=key))
            n += 1
        await asyncio.gather(*futures)
    finally:
        await producer.stop()
    return n


def drain(
    settings: Settings, timeout: float = 120.0, min_input: int = 1, *procs: ServiceProcess
) -> None:
    """Wait until the processor and sink groups have committed all their input."""
    try:
        asyncio.run(wait_drained(settings, timeout, min_input))
    except TimeoutError as exc:
        logs = "\n".join(f"--- {p.args}: {p.log()[-3000:]}" for p in procs)
        raise AssertionError(f"{exc}\n{logs}") from None


async def read_topic(settings: Settings, suffix: str, timeout: float = 20.0) -> list[Any]:
    """Every record currently on a topic (from the beginning to the end offsets)."""
    topic = settings.topic(suffix)
    consumer = make_consumer(
        settings, group=f"{settings.group_prefix}.reader-{time.monotonic_ns()}"
    )
    await consumer.start()
    try:
        tps = [TopicPartition(topic, p) for p in await topic_partitions(settings, topic)]
        if not tps:
            return []
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        ends = await consumer.end_offsets(tps)
        out: list[Any] = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            positions = [await consumer.position(tp) for tp in tps]
            if all(pos >= ends[tp] for pos, tp in zip(positions, tps, strict=True)):
                break
            batch = await consumer.getmany(timeout_ms=500)
            for records in batch.values():
                out.extend(records)
        return out
    finally:
        await consumer.stop()

"""The one Kafka client factory: every producer, consumer and admin client is built here.

Security settings (SASL PLAIN/SCRAM, TLS) from :class:`~sitrep.ops.settings.KafkaSecurity` apply
to all of them, and to faust (see :func:`faust_broker_credentials`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl
from collections.abc import Mapping
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import CommitFailedError, IllegalStateError, TopicAlreadyExistsError

from sitrep.ops import metrics
from sitrep.ops.settings import Settings, SettingsError
from sitrep.records.dlq import DeadLetter
from sitrep.records.topics import DLQ, TOPICS, TopicSpec

log = logging.getLogger(__name__)

MAX_MESSAGE_BYTES = 16 * 1024 * 1024
"""Largest record sitrep produces (topic ``max.message.bytes`` and producer request size): the
processor's cell-state changelog records grow with the open events of a governorate."""


def _ssl_context(settings: Settings) -> ssl.SSLContext | None:
    sec = settings.kafka_security
    if not sec.protocol.endswith("SSL"):
        return None
    try:
        ctx = ssl.create_default_context(cafile=sec.ssl_cafile)
    except (OSError, ssl.SSLError) as exc:
        raise SettingsError(
            f"SITREP_KAFKA_SSL_CAFILE={sec.ssl_cafile!r} is not a readable PEM CA file ({exc})"
        ) from None
    if sec.ssl_certfile:
        try:
            ctx.load_cert_chain(sec.ssl_certfile, sec.ssl_keyfile)
        except (OSError, ssl.SSLError) as exc:
            raise SettingsError(
                f"SITREP_KAFKA_SSL_CERTFILE={sec.ssl_certfile!r} / SITREP_KAFKA_SSL_KEYFILE="
                f"{sec.ssl_keyfile!r} are not a readable PEM certificate and key ({exc})"
            ) from None
    return ctx


def client_kwargs(settings: Settings) -> dict[str, Any]:
    """Connection and security keyword arguments shared by every aiokafka client."""
    sec = settings.kafka_security
    kwargs: dict[str, Any] = {
        "bootstrap_servers": settings.kafka_bootstrap,
        "security_protocol": sec.protocol,
    }
    ctx = _ssl_context(settings)
    if ctx is not None:
        kwargs["ssl_context"] = ctx
    if sec.protocol.startswith("SASL"):
        kwargs["sasl_mechanism"] = sec.sasl_mechanism
        kwargs["sasl_plain_username"] = sec.sasl_username
        kwargs["sasl_plain_password"] = sec.sasl_password.reveal()
    return kwargs


def faust_broker_credentials(settings: Settings) -> Any:
    """faust's ``broker_credentials`` for the configured security, or ``None``."""
    import faust

    sec = settings.kafka_security
    ctx = _ssl_context(settings)
    if sec.protocol.startswith("SASL"):
        if sec.sasl_mechanism == "PLAIN":
            return faust.SASLCredentials(
                username=sec.sasl_username,
                password=sec.sasl_password.reveal(),
                ssl_context=ctx,
            )
        mech = "SCRAM-SHA-256" if sec.sasl_mechanism == "SCRAM-SHA-256" else "SCRAM-SHA-512"
        creds = faust.SASLCredentials(
            username=sec.sasl_username,
            password=sec.sasl_password.reveal(),
            ssl_context=ctx,
            mechanism=mech,
        )
        return creds
    if ctx is not None:
        return faust.SSLCredentials(ctx)
    return None


def make_producer(settings: Settings, **overrides: Any) -> AIOKafkaProducer:
    """An idempotent, acks=all producer (at-least-once without broker-side duplicates)."""
    kwargs: dict[str, Any] = {
        "acks": "all",
        "enable_idempotence": True,
        "linger_ms": 5,
        "compression_type": None,
        "max_request_size": MAX_MESSAGE_BYTES,
        "request_timeout_ms": 30000,
        **client_kwargs(settings),
    }
    kwargs.update(overrides)
    return AIOKafkaProducer(**kwargs)


def make_consumer(
    settings: Settings, *topics: str, group: str, **overrides: Any
) -> AIOKafkaConsumer:
    """A consumer with manual commits (commit only after the work is durable)."""
    kwargs: dict[str, Any] = {
        "group_id": group,
        "enable_auto_commit": False,
        "auto_offset_reset": "earliest",
        "isolation_level": "read_committed",
        "max_poll_records": 1000,
        "session_timeout_ms": 10000,
        "heartbeat_interval_ms": 1000,
        "rebalance_timeout_ms": 15000,
        "fetch_max_bytes": 16 * 1024 * 1024,
        "max_partition_fetch_bytes": 8 * 1024 * 1024,
        **client_kwargs(settings),
    }
    kwargs.update(overrides)
    return AIOKafkaConsumer(*topics, **kwargs)


def make_admin(settings: Settings) -> AIOKafkaAdminClient:
    return AIOKafkaAdminClient(**client_kwargs(settings))


def topic_config(spec: TopicSpec) -> dict[str, str]:
    config = {"cleanup.policy": spec.cleanup_policy, "max.message.bytes": str(MAX_MESSAGE_BYTES)}
    if spec.cleanup_policy == "delete":
        config["retention.ms"] = str(spec.retention_ms)
    return config


async def ensure_topics(settings: Settings, specs: tuple[TopicSpec, ...] = TOPICS) -> None:
    """Create sitrep's topics if they do not exist (idempotent; existing topics are kept)."""
    await create_missing_topics(
        settings, {settings.topic(spec.suffix): topic_config(spec) for spec in specs}
    )


async def create_missing_topics(settings: Settings, topics: dict[str, dict[str, str]]) -> None:
    """Create each named topic (with its config) that does not exist yet, with
    ``settings.partitions`` partitions, and wait until the broker lists them all."""
    admin = make_admin(settings)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        new = [
            NewTopic(
                name,
                num_partitions=settings.partitions,
                replication_factor=settings.replication_factor,
                topic_configs=config,
            )
            for name, config in topics.items()
            if name not in existing
        ]
        if new:
            with contextlib.suppress(TopicAlreadyExistsError):
                await admin.create_topics(new)
            # metadata propagation: wait until the broker lists them
            for _ in range(50):
                listed = set(await admin.list_topics())
                if all(t.name in listed for t in new):
                    break
                await asyncio.sleep(0.1)
    finally:
        await admin.close()


async def send_dead_letter(
    producer: AIOKafkaProducer, settings: Settings, letter: DeadLetter
) -> None:
    """Produce a dead letter and wait for the broker's ack; count it by stage and reason class."""
    await producer.send_and_wait(
        settings.topic(DLQ.suffix),
        value=letter.value,
        key=letter.key,
        headers=letter.headers(),
    )
    metrics.DLQ.labels(stage=letter.stage, reason=letter.error_class).inc()
    log.warning(
        "dead-lettered",
        extra={
            "stage": letter.stage,
            "error_class": letter.error_class,
            "reason": letter.error[:300],
            "topic": letter.topic,
            "partition": letter.partition,
            "offset": letter.offset,
        },
    )


async def commit_assigned(
    consumer: AIOKafkaConsumer, offsets: Mapping[TopicPartition, int], **log_extra: Any
) -> None:
    """Commit ``offsets`` of the partitions still assigned to ``consumer``. A rebalance that
    took them is logged, not raised: the new owner reads those records again (at-least-once),
    so there is nothing to retry. Other Kafka errors are raised."""
    assigned = consumer.assignment()
    mine = {tp: offset for tp, offset in offsets.items() if tp in assigned}
    if not mine:
        return
    try:
        await consumer.commit(mine)
    except (CommitFailedError, IllegalStateError) as exc:
        log.warning(
            "offsets not committed: the consumer group rebalanced",
            extra={**log_extra, "error": f"{type(exc).__name__}: {exc}"},
        )


async def topic_partitions(settings: Settings, topic: str) -> list[int]:
    """Partition numbers of ``topic`` from the broker's metadata (empty when it does not exist)."""
    admin = make_admin(settings)
    await admin.start()
    try:
        described = await admin.describe_topics([topic])
    finally:
        await admin.close()
    return sorted(
        p["partition"] for t in described if t.get("error_code") == 0 for p in t["partitions"]
    )

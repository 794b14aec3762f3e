"""Kafka client security against the local broker's SASL_PLAINTEXT listener (127.0.0.1:9094).

Settings come from ``SITREP_*`` variables exactly as a deployment sets them, and every client is
built by :mod:`sitrep.ops.kafka`: the aiokafka producer, consumer and admin client, and faust's
``broker_credentials`` (turned into aiokafka arguments by faust's own driver, which is what the
faust worker does). The broker's users are sitrep/sitrep-secret for PLAIN and SCRAM-SHA-256
(deploy/kafka/kafka.sh). A missing broker fails these tests.
"""

from __future__ import annotations

import os
import socket
import uuid
from pathlib import Path

import pytest
from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError

from sitrep.ops.kafka import ensure_topics, faust_broker_credentials, make_consumer, make_producer
from sitrep.ops.settings import Settings
from sitrep.records.topics import RAW

USER = "sitrep"
PASSWORD = "sitrep-secret"
MECHANISMS = ("PLAIN", "SCRAM-SHA-256")


def sasl_bootstrap() -> str:
    """``SITREP_KAFKA_SASL_BOOTSTRAP``, else the plaintext listener's port + 2 (kafka.sh's rule)."""
    explicit = os.environ.get("SITREP_KAFKA_SASL_BOOTSTRAP")
    if explicit:
        return explicit
    host, _, port = os.environ.get("SITREP_KAFKA_BOOTSTRAP", "127.0.0.1:9092").rpartition(":")
    return f"{host}:{int(port) + 2}"


@pytest.fixture
def sasl_listener() -> str:
    bootstrap = sasl_bootstrap()
    host, _, port = bootstrap.rpartition(":")
    try:
        with socket.create_connection((host, int(port)), timeout=2):
            pass
    except OSError:
        pytest.fail(
            f"no SASL listener answers at {bootstrap}: start the broker with "
            "deploy/kafka/kafka.sh up (it opens SASL_PLAINTEXT on the plaintext port + 2)"
        )
    return bootstrap


def sasl_settings(
    bootstrap: str, mechanism: str, tmp_path: Path, password: str = PASSWORD
) -> Settings:
    """Settings read from the environment a deployment sets, the password from a mounted file."""
    secret_file = tmp_path / f"kafka-password-{mechanism}"
    secret_file.write_text(password + "\n", encoding="utf-8")
    prefix = f"tsec{uuid.uuid4().hex[:10]}"
    return Settings.from_env(
        {
            "SITREP_KAFKA_BOOTSTRAP": bootstrap,
            "SITREP_KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT",
            "SITREP_KAFKA_SASL_MECHANISM": mechanism,
            "SITREP_KAFKA_SASL_USERNAME": USER,
            "SITREP_KAFKA_SASL_PASSWORD_FILE": str(secret_file),
            "SITREP_TOPIC_PREFIX": prefix,
            "SITREP_GROUP_PREFIX": prefix,
            "SITREP_PARTITIONS": "1",
        }
    )


@pytest.mark.integration
@pytest.mark.parametrize("mechanism", MECHANISMS)
async def test_sasl_clients_create_topics_produce_and_consume(
    sasl_listener: str, mechanism: str, tmp_path: Path
) -> None:
    settings = sasl_settings(sasl_listener, mechanism, tmp_path)
    await ensure_topics(settings, (RAW,))
    topic = settings.topic(RAW.suffix)
    producer = make_producer(settings)
    await producer.start()
    try:
        await producer.send_and_wait(topic, key=b"src", value=f"over {mechanism}".encode())
    finally:
        await producer.stop()
    consumer = make_consumer(settings, topic, group=f"{settings.group_prefix}.security")
    await consumer.start()
    try:
        batch = await consumer.getmany(timeout_ms=15000)
        values = [record.value for records in batch.values() for record in records]
    finally:
        await consumer.stop()
    assert values == [f"over {mechanism}".encode()]


@pytest.mark.integration
@pytest.mark.parametrize("mechanism", MECHANISMS)
async def test_faust_credentials_authenticate_with_the_broker(
    sasl_listener: str, mechanism: str, tmp_path: Path
) -> None:
    from faust.transport.drivers.aiokafka import credentials_to_aiokafka_auth

    settings = sasl_settings(sasl_listener, mechanism, tmp_path)
    await ensure_topics(settings, (RAW,))
    credentials = faust_broker_credentials(settings)
    auth = credentials_to_aiokafka_auth(credentials)
    assert (auth["security_protocol"], auth["sasl_mechanism"]) == ("SASL_PLAINTEXT", mechanism)
    producer = AIOKafkaProducer(bootstrap_servers=sasl_listener, **auth)
    await producer.start()
    try:
        metadata = await producer.send_and_wait(settings.topic(RAW.suffix), value=b"faust")
    finally:
        await producer.stop()
    assert metadata.offset >= 0


@pytest.mark.integration
@pytest.mark.parametrize("mechanism", MECHANISMS)
async def test_a_wrong_password_is_refused_without_showing_it(
    sasl_listener: str, mechanism: str, tmp_path: Path
) -> None:
    wrong = "not-the-password-7f3a"
    settings = sasl_settings(sasl_listener, mechanism, tmp_path, password=wrong)
    producer = make_producer(settings, request_timeout_ms=10000)
    with pytest.raises(KafkaError) as failure:
        await producer.start()
    await producer.stop()
    assert wrong not in str(failure.value)
    assert wrong not in repr(settings)


@pytest.mark.integration
async def test_a_plaintext_client_cannot_use_the_sasl_listener(sasl_listener: str) -> None:
    settings = Settings.from_env({"SITREP_KAFKA_BOOTSTRAP": sasl_listener})
    producer = make_producer(settings, request_timeout_ms=5000)
    with pytest.raises(KafkaError):
        await producer.start()
    await producer.stop()

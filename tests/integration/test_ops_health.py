"""OpsServer readiness and the lag reporter against the real broker."""

from __future__ import annotations

import asyncio
import socket
import time

import aiohttp
import pytest
from aiokafka import TopicPartition

from sitrep.ops import metrics
from sitrep.ops.health import (
    KafkaClusterCheck,
    LagReporter,
    OpsServer,
    kafka_consumer_checks,
    kafka_producer_check,
    run_check,
)
from sitrep.ops.kafka import ensure_topics, make_consumer, make_producer
from sitrep.ops.settings import Settings
from sitrep.records.topics import RAW


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def status(url: str) -> int:
    async with aiohttp.ClientSession() as session, session.get(url) as resp:
        return resp.status


async def produce(settings: Settings, count: int) -> None:
    producer = make_producer(settings)
    await producer.start()
    try:
        for i in range(count):
            await producer.send_and_wait(
                settings.topic(RAW.suffix), value=b"x", key=b"k", partition=i % 2
            )
    finally:
        await producer.stop()


async def test_readyz_turns_ready_once_the_consumer_has_partitions(settings: Settings) -> None:
    await ensure_topics(settings, (RAW,))
    consumer = make_consumer(
        settings, settings.topic(RAW.suffix), group=f"{settings.group_prefix}.ready"
    )
    ops = OpsServer(settings.with_(ops_port=free_port()), "sink", kafka_consumer_checks(consumer))
    async with ops:
        assert ops.url is not None
        assert await status(f"{ops.url}/readyz") == 503
        await consumer.start()
        try:
            deadline = time.monotonic() + 30
            while await status(f"{ops.url}/readyz") != 200:
                assert time.monotonic() < deadline, "consumer never got its partitions"
                await consumer.getmany(timeout_ms=200)
        finally:
            await consumer.stop()


async def test_producer_check_passes_against_the_broker(settings: Settings) -> None:
    await ensure_topics(settings, (RAW,))
    producer = make_producer(settings)
    await producer.start()
    try:
        check = kafka_producer_check(producer, settings.topic(RAW.suffix))
        result = await run_check("kafka", check, limit_seconds=10)
    finally:
        await producer.stop()
    assert result.ok, result.reason


async def test_cluster_check_passes_against_the_broker(settings: Settings) -> None:
    check = KafkaClusterCheck(settings)
    try:
        first = await run_check("kafka", check, limit_seconds=10)
        second = await run_check("kafka", check, limit_seconds=10)
    finally:
        await check.close()
    assert (first.ok, second.ok) == (True, True), (first.reason, second.reason)


async def test_cluster_check_fails_when_no_broker_answers(settings: Settings) -> None:
    check = KafkaClusterCheck(settings.with_(kafka_bootstrap=f"127.0.0.1:{free_port()}"))
    try:
        result = await run_check("kafka", check, limit_seconds=10)
    finally:
        await check.close()
    assert not result.ok
    assert result.reason


async def test_lag_reporter_counts_records_still_to_read(settings: Settings) -> None:
    await ensure_topics(settings, (RAW,))
    await produce(settings, 10)
    topic = settings.topic(RAW.suffix)
    consumer = make_consumer(settings, topic, group=f"{settings.group_prefix}.lag")
    await consumer.start()
    try:
        tps = [TopicPartition(topic, 0), TopicPartition(topic, 1)]
        consumer.unsubscribe()
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        reporter = LagReporter("sink", consumer, {topic})
        batch = await consumer.getmany(tps[0], timeout_ms=10000, max_records=2)
        for record in batch[tps[0]]:
            reporter.observe_record(record)
        lag = await reporter.report()
        assert lag.records == 8
        assert lag.seconds >= 0
        gauge = metrics.REGISTRY.get_sample_value("sitrep_consumer_lag_records", {"stage": "sink"})
        assert gauge == 8
        consumed = 2
        deadline = time.monotonic() + 30
        while consumed < 10:
            assert time.monotonic() < deadline, "could not read the topic back"
            for records in (await consumer.getmany(timeout_ms=1000)).values():
                for record in records:
                    reporter.observe_record(record)
                    consumed += 1
        assert await reporter.report() == type(lag)(records=0, seconds=0.0)
    finally:
        await consumer.stop()


async def test_lag_seconds_is_the_age_of_the_last_consumed_record(settings: Settings) -> None:
    await ensure_topics(settings, (RAW,))
    await produce(settings, 4)
    topic = settings.topic(RAW.suffix)
    consumer = make_consumer(settings, group=f"{settings.group_prefix}.lag-seconds")
    await consumer.start()
    try:
        tp = TopicPartition(topic, 0)
        consumer.assign([tp])
        await consumer.seek_to_beginning(tp)
        clock = {"now": 0.0}
        reporter = LagReporter("sink", consumer, wall_clock=lambda: clock["now"])
        (first,) = (await consumer.getmany(tp, timeout_ms=10000, max_records=1))[tp]
        reporter.observe_record(first)
        clock["now"] = first.timestamp / 1000 + 42.0
        lag = await reporter.report()
    finally:
        await consumer.stop()
    assert lag.records == 1
    assert lag.seconds == 42.0
    assert (
        metrics.REGISTRY.get_sample_value("sitrep_consumer_lag_seconds", {"stage": "sink"}) == 42.0
    )


async def test_lag_reporter_keeps_running_when_the_broker_cannot_answer(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    consumer = make_consumer(settings, group=f"{settings.group_prefix}.never-started")
    consumer.assign([TopicPartition(settings.topic(RAW.suffix), 0)])
    reporter = LagReporter("sink", consumer, timeout=0.5)
    task = asyncio.create_task(reporter.run(interval=0.01))

    def failures() -> int:
        return sum(r.getMessage() == "consumer lag unavailable" for r in caplog.records)

    try:
        deadline = time.monotonic() + 30
        while failures() < 3:
            assert not task.done(), "the reporter stopped on an error"
            assert time.monotonic() < deadline, "the reporter never tried again"
            await asyncio.sleep(0.05)
        assert not task.done()
    finally:
        task.cancel()
        await consumer.stop()

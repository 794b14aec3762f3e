"""OpsServer: /metrics, /livez, /readyz on a real socket, and the pure lag arithmetic."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import aiohttp
import pytest

from sitrep.ops import metrics
from sitrep.ops.health import (
    Lag,
    NotReady,
    OpsServer,
    compute_lag,
    database_check,
    run_check,
)
from sitrep.ops.logging import register_secret
from sitrep.ops.settings import Secret, Settings, SettingsError


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def ops_settings(tmp_path: Path) -> Settings:
    return Settings.from_env({}).with_(
        ops_port=free_port(), sqlite_path=str(tmp_path / "ops.db"), log_format="text"
    )


async def get(url: str) -> tuple[int, str, str]:
    async with aiohttp.ClientSession() as session, session.get(url) as resp:
        return resp.status, resp.headers.get("Content-Type", ""), await resp.text()


async def ok() -> bool:
    return True


async def test_metrics_serves_the_registry_in_prometheus_text_format(
    ops_settings: Settings,
) -> None:
    metrics.ITEMS_IN.labels(stage="sink").inc(3)
    async with OpsServer(ops_settings, "sink") as ops:
        status, ctype, body = await get(f"{ops.url}/metrics")
    assert status == 200
    assert ctype.startswith("text/plain")
    assert 'sitrep_items_in_total{stage="sink"}' in body
    assert "sitrep_build_info{" in body


async def test_livez_passes_while_heartbeats_are_recent(ops_settings: Settings) -> None:
    clock = Clock()
    async with OpsServer(ops_settings, "sink", liveness_seconds=30, clock=clock) as ops:
        clock.now += 25
        ops.heartbeat()
        clock.now += 25
        status, _, body = await get(f"{ops.url}/livez")
    assert (status, body) == (200, "ok\n")


async def test_livez_fails_when_the_stage_stopped_heartbeating(ops_settings: Settings) -> None:
    clock = Clock()
    async with OpsServer(ops_settings, "process", liveness_seconds=30, clock=clock) as ops:
        clock.now += 31
        status, _, body = await get(f"{ops.url}/livez?verbose")
    assert status == 503
    assert "[-]heartbeat failed: no heartbeat for 31s (limit 30s)" in body


async def test_an_idle_stage_with_a_keepalive_stays_live_until_stopped(
    ops_settings: Settings,
) -> None:
    clock = Clock()
    ops = OpsServer(ops_settings, "wire", liveness_seconds=30, clock=clock, keepalive_seconds=0.01)
    async with ops:
        clock.now += 31  # no work for a while: the keepalive beats anyway
        await asyncio.sleep(0.05)
        status, _, _ = await get(f"{ops.url}/livez")
        assert status == 200
    clock.now += 31
    await asyncio.sleep(0.05)
    assert not ops.alive()  # stopped with the server


async def test_livez_ignores_failing_readiness_checks(ops_settings: Settings) -> None:
    async def down() -> bool:
        raise NotReady("database down")

    async with OpsServer(ops_settings, "sink", {"database": down}) as ops:
        status, _, _ = await get(f"{ops.url}/livez")
    assert status == 200


async def test_readyz_passes_when_every_check_passes(ops_settings: Settings) -> None:
    async with OpsServer(ops_settings, "sink", {"kafka": ok, "database": ok}) as ops:
        status, _, body = await get(f"{ops.url}/readyz")
    assert (status, body) == (200, "ok\n")


async def test_readyz_verbose_lists_each_check(ops_settings: Settings) -> None:
    async def partitions() -> bool:
        raise NotReady("no partitions assigned")

    checks = {"kafka": ok, "partitions": partitions}
    async with OpsServer(ops_settings, "sink", checks) as ops:
        status, _, body = await get(f"{ops.url}/readyz?verbose")
    assert status == 503
    assert body.splitlines() == [
        "[+]kafka ok",
        "[-]partitions failed: no partitions assigned",
        "readyz check failed",
    ]


async def test_readyz_names_failed_checks_without_verbose(ops_settings: Settings) -> None:
    async def database() -> bool:
        return False

    async with OpsServer(ops_settings, "sink", {"kafka": ok, "database": database}) as ops:
        status, _, body = await get(f"{ops.url}/readyz")
    assert (status, body) == (503, "readyz check failed: database\n")


async def test_a_check_added_after_start_is_used(ops_settings: Settings) -> None:
    async def partitions() -> bool:
        return False

    async with OpsServer(ops_settings, "sink") as ops:
        ops.add_check("partitions", partitions)
        status, _, _ = await get(f"{ops.url}/readyz")
    assert status == 503


async def test_a_check_that_hangs_fails_at_its_deadline() -> None:
    async def hangs() -> bool:
        await asyncio.Event().wait()
        return True

    result = await run_check("kafka", hangs, limit_seconds=0.05)
    assert not result.ok
    assert result.reason == "no answer within 0.05s"


async def test_a_check_that_crashes_is_a_failed_check() -> None:
    async def crashes() -> bool:
        raise RuntimeError("boom")

    result = await run_check("kafka", crashes, limit_seconds=1)
    assert (result.ok, result.reason) == (False, "RuntimeError: boom")


async def test_a_check_reason_never_shows_a_secret() -> None:
    register_secret("s3cr3t-kafka-password")

    async def leaks() -> bool:
        raise ConnectionError("auth failed for sitrep:s3cr3t-kafka-password@broker")

    result = await run_check("kafka", leaks, limit_seconds=1)
    assert "s3cr3t-kafka-password" not in result.reason
    assert "***" in result.reason


async def test_database_check_passes_on_the_sqlite_file(ops_settings: Settings) -> None:
    assert await database_check(ops_settings)() is True


async def test_database_check_reports_unreachable_postgres_without_the_url(
    ops_settings: Settings,
) -> None:
    url = f"postgresql://sitrep:pw-never-shown@127.0.0.1:{free_port()}/sitrep"
    check = database_check(ops_settings.with_(database_url=Secret(url)))
    result = await run_check("database", check, limit_seconds=10)
    assert not result.ok
    assert result.reason == "PostgreSQL does not accept connections"


async def test_start_on_a_taken_port_names_the_settings(ops_settings: Settings) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        ops = OpsServer(ops_settings.with_(ops_port=port), "sink")
        with pytest.raises(SettingsError, match="SITREP_OPS_PORT"):
            await ops.start()
    assert ops.url is None


async def test_port_zero_turns_the_endpoints_off(ops_settings: Settings) -> None:
    async with OpsServer(ops_settings.with_(ops_port=0), "sink") as ops:
        assert ops.url is None


async def test_heartbeat_with_processed_items_marks_progress(ops_settings: Settings) -> None:
    def last_progress() -> float | None:
        return metrics.REGISTRY.get_sample_value(
            "sitrep_last_progress_timestamp_seconds", {"stage": "replay"}
        )

    metrics.LAST_PROGRESS.labels(stage="replay").set(0)
    ops = OpsServer(ops_settings, "replay")
    ops.heartbeat()
    assert last_progress() == 0
    ops.heartbeat(processed=5)
    assert (last_progress() or 0) > 0


def test_lag_sums_records_still_to_read_over_partitions() -> None:
    lag = compute_lag({0: 100, 1: 50}, {0: 90, 1: 50}, {0: 1000.0}, now=1030.0)
    assert lag.records == 10


def test_lag_seconds_is_the_age_of_the_last_record_on_the_latest_partition() -> None:
    lag = compute_lag(
        {0: 100, 1: 50, 2: 7}, {0: 90, 1: 40, 2: 7}, {0: 1000.0, 1: 1020.0, 2: 500.0}, now=1030.0
    )
    assert lag == Lag(records=20, seconds=30.0)


def test_lag_is_zero_when_caught_up_however_old_the_last_record() -> None:
    assert compute_lag({0: 100}, {0: 100}, {0: 10.0}, now=99999.0) == Lag(0, 0.0)


def test_lag_seconds_is_unknown_before_the_first_record_is_consumed() -> None:
    assert compute_lag({0: 100}, {0: 0}, {}, now=1030.0) == Lag(100, 0.0)

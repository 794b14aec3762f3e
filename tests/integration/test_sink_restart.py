"""The database restarts in the middle of a sink run: the sink pauses, retries, resumes, and
nothing is lost or duplicated. Uses a private PostgreSQL server (never the shared one)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import psycopg
import pytest
from tests.conftest import settings_with_db
from tests.integration.test_sink_kafka import event_record, produce, sample, uncommitted, until
from tests.pgserver import PrivatePostgres, StopMode
from tests.unit.store.samples import event

from sitrep.ops.settings import Settings
from sitrep.store.service import run_sink

pytestmark = pytest.mark.integration


@pytest.fixture
def private_postgres() -> Iterator[PrivatePostgres]:
    with PrivatePostgres() as pg:
        yield pg


def _events(
    first: int, count: int, version: int = 1
) -> list[tuple[str, bytes | None, bytes | None]]:
    return [
        event_record(event(event_id=f"ev-{n:016x}", version=version, fatalities=version))
        for n in range(first, first + count)
    ]


def _count(url: str) -> tuple[int, int]:
    """(events, events at version 2) — only while the server is up."""
    with psycopg.connect(url, connect_timeout=3) as conn:
        row = conn.execute(
            "SELECT count(*), count(*) FILTER (WHERE version = 2) FROM events"
        ).fetchone()
    assert row is not None
    return int(row[0]), int(row[1])


@pytest.mark.parametrize("mode", ["fast", "immediate"])
async def test_database_restart_in_the_middle_of_a_sink_run_loses_nothing(
    settings: Settings, private_postgres: PrivatePostgres, mode: StopMode
) -> None:
    pg = private_postgres
    s = settings_with_db(settings, pg.url)
    unavailable_before = sample("sitrep_sink_errors_total", kind="unavailable")
    stop = asyncio.Event()
    sink = asyncio.create_task(run_sink(s, stop))
    try:
        await produce(s, _events(0, 100))
        await until(lambda: asyncio.to_thread(lambda: _count(pg.url)[0] == 100), "first 100 rows")

        await asyncio.to_thread(pg.stop, mode)
        # new events and new versions of the first ones, while the database is down
        await produce(s, [*_events(100, 100), *_events(0, 50, version=2)])

        async def paused() -> bool:
            return sample("sitrep_sink_paused") == 1.0

        await until(paused, "the sink to pause")
        assert not sink.done()

        await asyncio.to_thread(pg.start)
        await produce(s, _events(200, 100))

        async def caught_up() -> bool:
            return await asyncio.to_thread(lambda: _count(pg.url) == (300, 50))

        await until(caught_up, "all 300 events, 50 of them at version 2")
        await until(lambda: _no_lag(s), "the sink to commit everything")
        assert sample("sitrep_sink_paused") == 0.0
        assert sample("sitrep_sink_errors_total", kind="unavailable") > unavailable_before
    finally:
        stop.set()
        assert await asyncio.wait_for(sink, 60) == 0
    with psycopg.connect(pg.url) as conn:
        assert conn.execute("SELECT count(*) FROM event_revisions").fetchone() == (350,)


async def _no_lag(settings: Settings) -> bool:
    return await uncommitted(settings) == 0

"""Two processor workers produce exactly the events one worker produces for the same input."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections import defaultdict
from pathlib import Path

import httpx
import pytest
from tests.faults.corpus import expected_groups, items
from tests.kafkaserver import free_port_block
from tests.services import ServiceProcess, drain, isolated_settings, produce_lines

from sitrep.ops.kafka import ensure_topics
from sitrep.records import encode

pytestmark = pytest.mark.integration

N_ITEMS = 1600


def ready(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2.0).status_code == 200
    except httpx.HTTPError:
        return False


def events_of(tmp: Path, workers: int) -> list[list[str]]:
    """Start ``workers`` processors and a sink, wait until the group is stable (every worker
    ready, twice in a row), then produce the corpus; each event's reports, sorted."""
    # the corpus packs months of event time into a few seconds of input; scale the window so a
    # replay after a rebalance stays inside it (see tests/faults/test_kill_and_restart.py)
    settings = isolated_settings(tmp, partitions=4, cluster_window_hours=24.0 * 365)
    asyncio.run(ensure_topics(settings))
    base = free_port_block(workers)
    procs = [
        ServiceProcess(settings, "process", log_dir=tmp / "logs", SITREP_OPS_PORT=str(base + n))
        for n in range(workers)
    ]
    procs.append(ServiceProcess(settings, "sink", log_dir=tmp / "logs"))
    for proc in procs:
        proc.start()
    try:
        deadline = time.monotonic() + 120
        streak = 0
        while streak < 2:
            assert time.monotonic() < deadline, "workers never became ready together"
            streak = streak + 1 if all(ready(base + n) for n in range(workers)) else 0
            time.sleep(1.0)
        asyncio.run(produce_lines(settings, (encode(r) for r in items(N_ITEMS))))
        drain(settings, 300, N_ITEMS, *procs)
    finally:
        for proc in procs:
            proc.stop()
    members: dict[str, list[str]] = defaultdict(list)
    with sqlite3.connect(tmp / "sitrep.db") as conn:
        for event_id, report_id in conn.execute("select event_id, report_id from event_reports"):
            members[event_id].append(report_id)
    return sorted(sorted(m) for m in members.values())


@pytest.mark.timeout(900)
def test_two_workers_produce_the_events_one_worker_produces(tmp_path: Path) -> None:
    one = events_of(tmp_path / "one", 1)
    two = events_of(tmp_path / "two", 2)
    assert one == sorted(sorted(g) for g in expected_groups(N_ITEMS).values())
    assert two == one

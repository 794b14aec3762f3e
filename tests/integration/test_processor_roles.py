"""The processor split in two processes (``SITREP_PROCESSOR_ROLE``): same reports, same events.

``normalize`` runs the aiokafka loop alone (no faust), ``cluster`` the faust agent alone; run
side by side they do what one ``all`` worker does, and both stop cleanly on SIGTERM.
"""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest
from tests.faults.corpus import REPORTS_PER_GROUP, expected_groups, item
from tests.services import ServiceProcess, drain, isolated_settings, produce_lines

from sitrep.records import encode

pytestmark = pytest.mark.integration

ITEMS = 4 * REPORTS_PER_GROUP


@pytest.mark.timeout(300)
def test_normalize_and_cluster_in_two_processes_make_the_same_events(tmp_path: Path) -> None:
    settings = isolated_settings(tmp_path, partitions=2)
    asyncio.run(produce_lines(settings, [encode(item(i)) for i in range(ITEMS)]))
    logs = tmp_path / "logs"
    normalize = ServiceProcess(
        settings, "process", log_dir=logs, SITREP_PROCESSOR_ROLE="normalize"
    ).start()
    cluster = ServiceProcess(settings, "process", log_dir=logs, SITREP_PROCESSOR_ROLE="cluster")
    cluster.start()
    sink = ServiceProcess(settings, "sink", log_dir=logs).start()
    try:
        drain(settings, 180, ITEMS, normalize, cluster, sink)
    finally:
        codes = [service.stop() for service in (normalize, cluster, sink)]

    assert codes[0] == 0, normalize.log()[-2000:]  # the normalize loop alone exits cleanly
    with sqlite3.connect(tmp_path / "sitrep.db") as conn:
        reports = {row[0] for row in conn.execute("select report_id from reports")}
        members: dict[str, set[str]] = {}
        for event_id, report_id in conn.execute("select event_id, report_id from event_reports"):
            members.setdefault(event_id, set()).add(report_id)
    assert reports == {item(i).item_id for i in range(ITEMS)}
    assert sorted(map(sorted, members.values())) == sorted(
        sorted(group) for group in expected_groups(ITEMS).values()
    )

"""An edit after a processor restart still reaches where the report was merged.

The normalize loop remembers which cells each report's candidates went to, so that an edit
that moves a report to another governorate withdraws it from its old event. That memory lives
in the process; this kills the processor (SIGKILL: nothing flushed on the way out), starts a
new one and sends the edit: the new worker must have the index back from its changelog, or the
report would stay in its old event as well as join the new one.
"""

from __future__ import annotations

import asyncio
import sqlite3
from dataclasses import replace
from pathlib import Path
from typing import Any

import orjson
import pytest
from tests.faults.corpus import item
from tests.services import ServiceProcess, drain, isolated_settings, produce_lines

from sitrep.records import encode

pytestmark = pytest.mark.integration


def members(db: Path) -> dict[str, set[str]]:
    """Current event -> its report ids (events that still hold a report)."""
    with sqlite3.connect(db) as conn:
        rows = conn.execute("select event_id, report_id from event_reports").fetchall()
    out: dict[str, set[str]] = {}
    for event_id, report_id in rows:
        out.setdefault(event_id, set()).add(report_id)
    return out


def restored_counts(log: str) -> list[int]:
    counts = []
    for line in log.splitlines():
        if '"raw partitions assigned"' in line:
            record: dict[str, Any] = orjson.loads(line[line.index("{") :])
            counts.append(int(record["index_restored"]))
    return counts


@pytest.mark.timeout(300)
def test_an_edit_after_a_restart_withdraws_the_report_from_its_old_event(
    tmp_path: Path,
) -> None:
    settings = isolated_settings(tmp_path, partitions=2)
    logs = tmp_path / "logs"
    moved, stays = item(0), item(1)  # one air strike on Saraqib (Idleb), two sources
    elsewhere = item(4)  # another group: Rastan (Homs)
    asyncio.run(produce_lines(settings, [encode(moved), encode(stays)]))
    sink = ServiceProcess(settings, "sink", log_dir=logs).start()
    first = ServiceProcess(settings, "process", log_dir=logs).start()
    second = None
    try:
        drain(settings, 120, 2, first, sink)
        before = members(tmp_path / "sitrep.db")
        assert {moved.item_id, stays.item_id} in before.values(), before

        first.kill()
        second = ServiceProcess(settings, "process", log_dir=logs).start()
        edit = replace(moved, text=elsewhere.text, version=1)
        asyncio.run(produce_lines(settings, [encode(edit)]))
        drain(settings, 120, 3, second, sink)
        after = members(tmp_path / "sitrep.db")
    finally:
        for service in (first, second, sink):
            if service is not None:
                service.stop()

    holding_moved = [reports for reports in after.values() if moved.item_id in reports]
    assert holding_moved == [{moved.item_id}], after  # only in its new (Homs) event
    assert any(reports == {stays.item_id} for reports in after.values()), after
    assert sum(restored_counts(second.log())) >= 1, second.log()[-2000:]

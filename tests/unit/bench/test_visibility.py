"""The latency benchmark's database probe, on a real SQLite file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bench.visibility import ReportsProbe

from sitrep.ops.settings import Settings
from sitrep.records.times import parse_iso


def settings_for(path: Path) -> Settings:
    return Settings.from_env({}).with_(sqlite_path=str(path))


def test_the_probe_sees_nothing_before_the_database_exists(tmp_path: Path) -> None:
    path = tmp_path / "sitrep.db"
    assert ReportsProbe(settings_for(path)).visible(["r1"]) == {}
    assert not path.exists(), "the probe must not create the sink's database"


def test_the_probe_sees_nothing_before_the_reports_table_exists(tmp_path: Path) -> None:
    path = tmp_path / "sitrep.db"
    sqlite3.connect(path).close()
    assert ReportsProbe(settings_for(path)).visible(["r1"]) == {}


def test_the_probe_returns_the_written_time_of_each_visible_report(tmp_path: Path) -> None:
    path = tmp_path / "sitrep.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE reports (report_id TEXT PRIMARY KEY, written_at TEXT)")
        conn.executemany(
            "INSERT INTO reports VALUES (?, ?)",
            [(f"r{n}", f"2024-12-06T21:{n // 60:02d}:{n % 60:02d}.500Z") for n in range(1200)],
        )
    probe = ReportsProbe(settings_for(path))
    wanted = [f"r{n}" for n in range(0, 1200, 2)] + ["missing"]
    found = probe.visible(wanted)
    probe.close()
    assert set(found) == set(wanted) - {"missing"}
    assert found["r10"] == parse_iso("2024-12-06T21:00:10.500Z").timestamp()

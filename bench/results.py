"""Benchmark results: one JSON file per benchmark under ``bench/results/``, one shape for all.

Every benchmark writes ``{results_dir}/{name}.json``::

    {"benchmark": "throughput_aiokafka", "quick": false,
     "started_at": "...Z", "finished_at": "...Z", "duration_s": 41.2,
     "machine": {...}, "parameters": {...},
     "figures": {"items_per_s": {"value": 31250.4, "unit": "items/s"}, ...},
     "notes": ["..."]}

``figures`` are what the benchmark measured (numbers, with their unit); ``parameters`` what it
was asked to do. :mod:`bench.run_all` reads these files back to print one table and to compute
the ratios between benchmarks of the same run.
"""

from __future__ import annotations

import os
import platform
import socket
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Final

import orjson

from sitrep.records.times import to_iso, utc_now

REPO: Final = Path(__file__).resolve().parent.parent
RESULTS_DIR: Final = REPO / "bench" / "results"


@dataclass(slots=True)
class Result:
    """What one benchmark measured. Build it, add figures, then :meth:`write` it."""

    benchmark: str
    quick: bool
    parameters: dict[str, Any]
    started: datetime = field(default_factory=utc_now)
    figures: dict[str, dict[str, Any]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def add(self, name: str, value: float | int | None, unit: str) -> None:
        """Record one figure (``None`` when it could not be measured; say why in a note)."""
        if isinstance(value, float):
            value = round(value, 4)
        self.figures[name] = {"value": value, "unit": unit}

    def note(self, text: str) -> None:
        self.notes.append(text)

    def to_json(self) -> dict[str, Any]:
        finished = utc_now()
        return {
            "benchmark": self.benchmark,
            "quick": self.quick,
            "started_at": to_iso(self.started),
            "finished_at": to_iso(finished),
            "duration_s": round((finished - self.started).total_seconds(), 3),
            "machine": machine(),
            "code": code(),
            "parameters": self.parameters,
            "figures": self.figures,
            "notes": self.notes,
        }

    def write(self, results_dir: Path = RESULTS_DIR) -> Path:
        """Write ``{results_dir}/{benchmark}.json`` (replacing the last run's) and print it."""
        results_dir.mkdir(parents=True, exist_ok=True)
        path = results_dir / f"{self.benchmark}.json"
        data = self.to_json()
        tmp = path.with_suffix(".json.tmp")
        tmp.write_bytes(orjson.dumps(data, option=orjson.OPT_INDENT_2))
        tmp.replace(path)
        print(f"== {self.benchmark}")
        for name, figure in self.figures.items():
            print(f"   {name:36} {format_value(figure['value']):>14} {figure['unit']}")
        for text in self.notes:
            print(f"   note: {text}")
        print(f"   -> {path}")
        return path


def load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = orjson.loads(path.read_bytes())
    return data


def format_value(value: Any) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        if abs(value) >= 100:
            return f"{value:,.0f}"
        if abs(value) >= 1:
            return f"{value:,.2f}"
        return f"{value:.4f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_bytes() -> int | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def code() -> dict[str, Any]:
    """Which code was measured: the checkout's commit, whether ``services/`` had uncommitted
    changes, and where ``sitrep`` was imported from (a ``PYTHONPATH`` snapshot overrides the
    checkout; the services a benchmark starts inherit that path)."""
    import subprocess

    import sitrep

    def git(*args: str) -> str:
        try:
            done = subprocess.run(
                ["git", *args], cwd=REPO, capture_output=True, text=True, timeout=10, check=False
            )
        except OSError:
            return ""
        return done.stdout.strip()

    return {
        "commit": git("rev-parse", "--short", "HEAD") or None,
        "services_changed": bool(git("status", "--porcelain", "--", "services")),
        "sitrep_from": str(Path(sitrep.__file__).resolve().parent),
    }


def machine() -> dict[str, Any]:
    """Where the figures were measured: host, CPU, memory, Python, kernel, load."""
    try:
        load1, load5, load15 = os.getloadavg()
    except OSError:
        load1 = load5 = load15 = -1.0
    return {
        "host": socket.gethostname(),
        "cpu": _cpu_model(),
        "cpus": os.cpu_count(),
        "memory_bytes": _memory_bytes(),
        "python": platform.python_version(),
        "kernel": platform.release(),
        "load_average": [round(load1, 2), round(load5, 2), round(load15, 2)],
    }

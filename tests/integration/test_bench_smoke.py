"""``make bench`` smoke run: ``bench/run_all.py --quick`` for the Kafka and faust pass-throughs.

One run per module against the real broker (bounded to 60 s); each test checks one thing the
run must leave behind. Figures are checked for sanity (counts add up, rates and memory are
positive), never against timings: this machine is shared and noisy.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from tests.conftest import REPO

from sitrep.ops.kafka import make_admin
from sitrep.ops.settings import Settings

pytestmark = pytest.mark.integration

STAGES = ("throughput_aiokafka", "throughput_faust")
QUICK_ITEMS = 2_000


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    results = tmp_path_factory.mktemp("bench-results")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.setdefault("SITREP_KAFKA_BOOTSTRAP", "127.0.0.1:9092")
    done = subprocess.run(
        [
            sys.executable,
            "bench/run_all.py",
            "--quick",
            "--only",
            "passthrough",
            "--results",
            str(results),
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        timeout=60,
        check=False,
    )
    yield {"results": results, "done": done, "bootstrap": env["SITREP_KAFKA_BOOTSTRAP"]}


def result(run: dict[str, Any], name: str) -> dict[str, Any]:
    path: Path = run["results"] / f"{name}.json"
    assert path.exists(), run["done"].stdout.decode(errors="replace")[-3000:]
    data: dict[str, Any] = orjson.loads(path.read_bytes())
    return data


def figure(data: dict[str, Any], name: str) -> Any:
    return data["figures"][name]["value"]


def test_the_quick_run_succeeds(quick_run: dict[str, Any]) -> None:
    done = quick_run["done"]
    assert done.returncode == 0, done.stdout.decode(errors="replace")[-3000:]


@pytest.mark.parametrize("name", STAGES)
def test_each_pass_through_moves_every_item_once_without_dead_letters(
    quick_run: dict[str, Any], name: str
) -> None:
    data = result(quick_run, name)
    assert data["benchmark"] == name
    assert data["quick"] is True
    assert figure(data, "items") == QUICK_ITEMS
    assert figure(data, "out_passthrough") == QUICK_ITEMS
    assert figure(data, "dead_letters") == 0
    assert figure(data, "service_errors") == 0


@pytest.mark.parametrize("name", STAGES)
def test_each_pass_through_reports_a_rate_a_span_and_its_peak_memory(
    quick_run: dict[str, Any], name: str
) -> None:
    data = result(quick_run, name)
    assert figure(data, "items_per_s") > 0
    assert figure(data, "span_s") > 0
    assert figure(data, "items_per_s") == pytest.approx(
        figure(data, "items") / figure(data, "span_s"), rel=0.01
    )
    assert 10 < figure(data, "peak_rss_mib") < 4096
    assert data["machine"]["cpus"] >= 1


def test_the_summary_compares_faust_with_bare_aiokafka(quick_run: dict[str, Any]) -> None:
    summary = orjson.loads((quick_run["results"] / "summary.json").read_bytes())
    assert {n: b["status"] for n, b in summary["benchmarks"].items()} == dict.fromkeys(STAGES, "ok")
    ratios = {row["name"]: row["value"] for row in summary["comparisons"]}
    assert ratios["faust pass-through / bare aiokafka"] > 0
    assert ratios["processor / bare aiokafka"] is None  # not run: reported as such, not as 0


def test_each_run_deletes_the_topics_it_created(quick_run: dict[str, Any]) -> None:
    prefixes = [result(quick_run, name)["parameters"]["topic_prefix"] for name in STAGES]
    assert len(set(prefixes)) == len(STAGES)

    async def topics() -> list[str]:
        admin = make_admin(Settings.from_env({}).with_(kafka_bootstrap=quick_run["bootstrap"]))
        await admin.start()
        try:
            return list(await admin.list_topics())
        finally:
            await admin.close()

    left = [t for t in asyncio.run(topics()) if t.startswith(tuple(f"{p}." for p in prefixes))]
    assert left == []

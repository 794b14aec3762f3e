"""Helpers for the tests of deploy/ files: metric names sitrep exports, PromQL in rules and
dashboards, and the real ``promtool`` (tests fail, never skip, when it is missing)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from sitrep.ops import metrics

REPO = Path(__file__).resolve().parents[3]
RULES = REPO / "deploy" / "prometheus" / "rules" / "sitrep-alerts.yaml"
RULE_TESTS = REPO / "deploy" / "prometheus" / "tests" / "sitrep-alerts.test.yaml"
DASHBOARD = REPO / "deploy" / "grafana" / "dashboards" / "sitrep-overview.json"
RUNBOOK = REPO / "docs" / "runbook.md"

# what Grafana substitutes before a panel query reaches Prometheus
GRAFANA_VARIABLES = {"$__rate_interval": "1m", "$namespace": ".*"}

_SUFFIXES = {
    "counter": ("_total", "_created"),
    "histogram": ("_bucket", "_sum", "_count", "_created"),
    "gauge": ("",),
    "info": ("_info",),
}


def exported_metric_names() -> set[str]:
    """Every series name the registry can expose (counters with _total, histograms with
    _bucket/_sum/_count, ...), whether or not a labelled child exists yet."""
    names: set[str] = set()
    for family in metrics.REGISTRY.collect():
        names.update(family.name + suffix for suffix in _SUFFIXES[family.type])
    return names


def metric_names_in(expr: str) -> set[str]:
    return set(re.findall(r"\bsitrep_[a-z0-9_]+\b", expr))


def alert_rules() -> list[dict[str, Any]]:
    doc = yaml.safe_load(RULES.read_text(encoding="utf-8"))
    return [rule for group in doc["groups"] for rule in group["rules"] if "alert" in rule]


def dashboard() -> dict[str, Any]:
    return dict(json.loads(DASHBOARD.read_text(encoding="utf-8")))


def panels() -> Iterator[dict[str, Any]]:
    for panel in dashboard()["panels"]:
        if panel["type"] != "row":
            yield panel


def panel_queries() -> Iterator[tuple[str, str]]:
    """(``panel title / refId``, expression with Grafana's variables substituted)."""
    for panel in panels():
        for target in panel["targets"]:
            yield f"{panel['title']} / {target['refId']}", grafana_substitute(target["expr"])


def grafana_substitute(expr: str) -> str:
    for variable, value in GRAFANA_VARIABLES.items():
        expr = expr.replace(variable, value)
    return expr


def promtool() -> str:
    path = shutil.which("promtool")
    if path is None:
        pytest.fail(
            "promtool is not on PATH: run deploy/tools/install-prometheus.sh "
            "(Debian's prometheus package brings it)"
        )
    return path


def run_promtool(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [promtool(), *map(str, args)], capture_output=True, text=True, timeout=60, check=False
    )

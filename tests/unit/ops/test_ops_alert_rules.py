"""The Prometheus alert rules: valid, unit-tested by promtool, and in the monitoring-mixin style."""

from __future__ import annotations

import re
from typing import Any

import yaml

from tests.unit.ops.promql import (
    REPO,
    RULE_TESTS,
    RULES,
    RUNBOOK,
    alert_rules,
    exported_metric_names,
    metric_names_in,
    run_promtool,
)

RUNBOOK_BASE = "https://github.com/sitrep/sitrep/blob/main/docs/runbook.md#"


def test_rules_pass_promtool_check() -> None:
    result = run_promtool("check", "rules", RULES)
    assert result.returncode == 0, result.stdout + result.stderr


def test_alerts_pass_their_promtool_unit_tests() -> None:
    result = run_promtool("test", "rules", RULE_TESTS)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_alert_has_a_unit_test_that_makes_it_fire() -> None:
    tests: list[dict[str, Any]] = yaml.safe_load(RULE_TESTS.read_text(encoding="utf-8"))["tests"]
    fired = {
        case["alertname"]
        for test in tests
        for case in test.get("alert_rule_test", [])
        if case.get("exp_alerts")
    }
    assert fired == {rule["alert"] for rule in alert_rules()}


def test_every_alert_has_a_unit_test_where_it_stays_quiet() -> None:
    tests: list[dict[str, Any]] = yaml.safe_load(RULE_TESTS.read_text(encoding="utf-8"))["tests"]
    quiet = {
        case["alertname"]
        for test in tests
        for case in test.get("alert_rule_test", [])
        if not case.get("exp_alerts")
    }
    assert quiet == {rule["alert"] for rule in alert_rules()}


def test_the_issue_s_alerts_exist() -> None:
    names = {rule["alert"] for rule in alert_rules()}
    assert {
        "SitrepConsumerLagGrowing",
        "SitrepNoProgress",
        "SitrepDeadLetterRateHigh",
        "SitrepDeadLetterBreakerOpen",
        "SitrepSinkWriteErrors",
        "SitrepCollectorStale",
        "SitrepTelegramFloodWaitStorm",
    } <= names


def test_alert_names_are_camel_case_with_the_sitrep_prefix() -> None:
    for rule in alert_rules():
        assert re.fullmatch(r"Sitrep(?:[A-Z][a-z0-9]+)+", rule["alert"]), rule["alert"]


def test_every_alert_has_severity_and_the_mixin_annotations() -> None:
    for rule in alert_rules():
        assert rule["labels"]["severity"] in {"critical", "warning"}, rule["alert"]
        assert set(rule["annotations"]) == {"summary", "description", "runbook_url"}, rule["alert"]


def test_every_runbook_url_points_to_the_alert_s_section_of_the_runbook() -> None:
    headings = set(re.findall(r"^#+ (\S+)\s*$", RUNBOOK.read_text(encoding="utf-8"), re.M))
    for rule in alert_rules():
        url = rule["annotations"]["runbook_url"]
        assert url == RUNBOOK_BASE + rule["alert"].lower()
        assert rule["alert"] in headings


def test_rules_use_only_metrics_sitrep_exports() -> None:
    exported = exported_metric_names()
    for rule in alert_rules():
        unknown = metric_names_in(rule["expr"]) - exported
        assert not unknown, f"{rule['alert']} uses undeclared metrics {unknown}"


def test_the_chart_ships_these_very_rules() -> None:
    shipped = REPO / "helm" / "sitrep" / "files" / "sitrep-alerts.yaml"
    assert shipped.read_bytes() == RULES.read_bytes()

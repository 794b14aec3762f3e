"""The Grafana dashboard and provisioning: valid, covering what operators watch, queries that
parse, only metrics sitrep exports, and every panel documented in the runbook."""

from __future__ import annotations

from pathlib import Path

import yaml

from tests.unit.ops.promql import (
    DASHBOARD,
    REPO,
    RUNBOOK,
    dashboard,
    exported_metric_names,
    metric_names_in,
    panel_queries,
    panels,
    run_promtool,
)


def test_panels_have_unique_ids_and_fit_the_grid() -> None:
    ids = [panel["id"] for panel in dashboard()["panels"]]
    assert len(ids) == len(set(ids))
    for panel in dashboard()["panels"]:
        grid = panel["gridPos"]
        assert grid["x"] + grid["w"] <= 24, panel["title"]


def test_every_panel_queries_prometheus_through_the_datasource_variable() -> None:
    variables = {v["name"] for v in dashboard()["templating"]["list"]}
    assert {"datasource", "namespace"} <= variables
    for panel in panels():
        assert panel["targets"], panel["title"]
        assert panel["datasource"]["uid"] == "${datasource}", panel["title"]
        for target in panel["targets"]:
            assert 'namespace=~"$namespace"' in target["expr"], panel["title"]


def test_every_panel_query_parses(tmp_path: Path) -> None:
    rules = {
        "groups": [
            {
                "name": "dashboard",
                "rules": [
                    {"record": f"dashboard:query_{i}", "expr": expr}
                    for i, (_, expr) in enumerate(panel_queries())
                ],
            }
        ]
    }
    path = tmp_path / "dashboard-queries.yaml"
    path.write_text(yaml.safe_dump(rules), encoding="utf-8")
    result = run_promtool("check", "rules", path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_dashboard_uses_only_metrics_sitrep_exports() -> None:
    exported = exported_metric_names()
    for where, expr in panel_queries():
        unknown = metric_names_in(expr) - exported
        assert not unknown, f"{where} uses undeclared metrics {unknown}"


def test_dashboard_shows_what_the_issue_asks_for() -> None:
    exprs = {title: [t["expr"] for t in p["targets"]] for p in panels() for title in [p["title"]]}
    everything = " ".join(e for es in exprs.values() for e in es)
    for metric in (
        "sitrep_items_in_total",  # throughput per stage
        "sitrep_items_out_total",
        "sitrep_consumer_lag_seconds",  # lag in seconds
        "sitrep_dlq_total",  # DLQ rate
        "sitrep_source_last_success_timestamp_seconds",  # per-source staleness
        "sitrep_telegram_flood_waits_total",  # flood waits
        "sitrep_sink_errors_total",  # sink errors
        "sitrep_events_emitted_total",  # events by type
    ):
        assert metric in everything, metric
    latency = exprs["End-to-end latency (collected → committed)"]
    assert [e.split(",")[0] for e in latency] == [
        "histogram_quantile(0.5",
        "histogram_quantile(0.95",
        "histogram_quantile(0.99",
    ]


def test_every_panel_and_its_queries_are_listed_in_the_runbook() -> None:
    runbook = RUNBOOK.read_text(encoding="utf-8")
    for panel in panels():
        assert f"| {panel['title']} |" in runbook, panel["title"]
        for target in panel["targets"]:
            assert f"`{target['expr']}`" in runbook, (panel["title"], target["refId"])


def test_provisioning_loads_the_dashboards_folder_and_the_prometheus_datasource() -> None:
    grafana = REPO / "deploy" / "grafana"
    providers = yaml.safe_load((grafana / "provisioning/dashboards/sitrep.yaml").read_text())
    assert providers["apiVersion"] == 1
    assert [p["options"]["path"] for p in providers["providers"]] == [
        "/var/lib/grafana/dashboards/sitrep"
    ]
    sources = yaml.safe_load(
        (grafana / "provisioning/datasources/sitrep-prometheus.yaml").read_text()
    )
    assert [(s["type"], s["url"]) for s in sources["datasources"]] == [
        ("prometheus", "http://prometheus:9090")
    ]


def test_prometheus_configs_pass_promtool() -> None:
    for name in ("prometheus.yml", "prometheus-compose.yml"):
        result = run_promtool("check", "config", REPO / "deploy" / "prometheus" / name)
        assert result.returncode == 0, result.stdout + result.stderr


def test_the_chart_ships_this_very_dashboard() -> None:
    shipped = REPO / "helm" / "sitrep" / "files" / "sitrep-overview.json"
    assert shipped.read_bytes() == DASHBOARD.read_bytes()

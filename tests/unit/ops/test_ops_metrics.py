"""The one metrics registry follows Prometheus conventions and covers what operators watch."""

from __future__ import annotations

import platform
from typing import get_args

import sitrep
from sitrep.ops import metrics
from tests.unit.ops.promql import exported_metric_names

# labels whose values are small fixed sets or operator-controlled ids (source ids)
BOUNDED_LABELS = {
    "stage",
    "kind",
    "reason",
    "step",
    "source",
    "change",
    "outcome",
    "event_type",
    "generation",  # 0, 1, 2: the garbage collector's
}


def test_every_metric_has_the_sitrep_prefix_and_help() -> None:
    for family in metrics.REGISTRY.collect():
        assert family.name.startswith("sitrep_"), family.name
        assert family.documentation.strip(), family.name


def test_histograms_and_timestamps_are_in_base_units() -> None:
    for family in metrics.REGISTRY.collect():
        if family.type == "histogram":
            assert family.name.endswith(("_seconds", "_size")), family.name
        if "timestamp" in family.name or "latency" in family.name or "lag_seconds" in family.name:
            assert family.name.endswith("_seconds"), family.name
        assert "_milliseconds" not in family.name and "_ms" not in family.name, family.name


def test_labels_are_bounded_sets() -> None:
    for collector in vars(metrics).values():
        names = getattr(collector, "_labelnames", None)
        if names is not None:
            assert set(names) <= BOUNDED_LABELS, (collector, names)


def test_the_issue_s_metrics_exist() -> None:
    assert {
        "sitrep_items_in_total",
        "sitrep_items_out_total",
        "sitrep_dlq_total",
        "sitrep_stage_duration_seconds_bucket",
        "sitrep_end_to_end_latency_seconds_bucket",
        "sitrep_consumer_lag_records",
        "sitrep_consumer_lag_seconds",
        "sitrep_source_last_success_timestamp_seconds",
        "sitrep_telegram_flood_waits_total",
        "sitrep_sink_batch_size_bucket",
        "sitrep_sink_write_duration_seconds_bucket",
        "sitrep_build_info",
    } <= exported_metric_names()


def test_build_info_names_the_version() -> None:
    labels = {"version": sitrep.__version__, "python": platform.python_version()}
    assert metrics.REGISTRY.get_sample_value("sitrep_build_info", labels) == 1.0


def test_the_stage_names_are_the_five_services() -> None:
    assert get_args(metrics.Stage) == (
        "collect_telegram",
        "collect_wire",
        "replay",
        "process",
        "sink",
    )
    assert get_args(metrics.Stage) == metrics.STAGES

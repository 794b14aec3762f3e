"""The Helm chart, checked by the real ``helm lint --strict`` and ``helm template``.

Helm is found as ``$SITREP_HELM``, on PATH, or in ``.cache/bin`` (where
``deploy/tools/install-helm.sh`` builds it). A missing helm fails these tests: CI installs it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.unit.ops.deploy_names import is_sitrep_command, settings_variables
from tests.unit.ops.promql import DASHBOARD, REPO, RULES

CHART = REPO / "helm" / "sitrep"
SERVICES = ("collector-telegram", "collector-wire", "processor", "sink")
ALL_FLAGS = {
    "serviceMonitor.enabled": "true",
    "prometheusRule.enabled": "true",
    "grafanaDashboard.enabled": "true",
    "keda.enabled": "true",
    "networkPolicy.enabled": "true",
}
SASL = {
    "kafka.security.protocol": "SASL_SSL",
    "kafka.security.saslMechanism": "SCRAM-SHA-256",
    "kafka.security.saslUsername": "sitrep",
    "kafka.security.passwordSecret": "kafka-password",
    "kafka.security.tls.secret": "kafka-ca",
    "database.urlSecret": "sitrep-database",
}


def helm() -> str:
    for candidate in (
        os.environ.get("SITREP_HELM"),
        shutil.which("helm"),
        str(REPO / ".cache" / "bin" / "helm"),
    ):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    pytest.fail("helm not found: run deploy/tools/install-helm.sh (or set SITREP_HELM)")


def run_helm(*args: str, values: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    sets = [f"--set={key}={value}" for key, value in (values or {}).items()]
    return subprocess.run(
        [helm(), *args, str(CHART), *sets],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def render(values: dict[str, str] | None = None) -> list[dict[str, Any]]:
    result = run_helm("template", "rel", values=values)
    assert result.returncode == 0, result.stderr
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


def refuse(values: dict[str, str]) -> str:
    result = run_helm("template", "rel", values=values)
    assert result.returncode != 0, "helm template accepted values it must refuse"
    return result.stderr


def of_kind(docs: list[dict[str, Any]], kind: str) -> dict[str, dict[str, Any]]:
    return {doc["metadata"]["name"]: doc for doc in docs if doc["kind"] == kind}


def deployments(docs: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {
        name.removeprefix("rel-sitrep-"): doc for name, doc in of_kind(docs, "Deployment").items()
    }


def container(deployment: dict[str, Any]) -> dict[str, Any]:
    (only,) = deployment["spec"]["template"]["spec"]["containers"]
    return dict(only)


def env(deployment: dict[str, Any]) -> dict[str, str]:
    return {e["name"]: e.get("value", "") for e in container(deployment)["env"]}


@pytest.fixture(scope="module")
def defaults() -> list[dict[str, Any]]:
    return render()


@pytest.fixture(scope="module")
def everything() -> list[dict[str, Any]]:
    return render({**ALL_FLAGS, **SASL})


def test_lint_strict_passes_with_defaults_and_with_every_flag() -> None:
    for values in ({}, {**ALL_FLAGS, **SASL}):
        result = run_helm("lint", "--strict", values=values)
        assert result.returncode == 0, result.stdout + result.stderr


def test_one_deployment_per_service_running_its_command(defaults: list[dict[str, Any]]) -> None:
    found = deployments(defaults)
    assert set(found) == set(SERVICES)
    assert [container(found[s])["args"] for s in SERVICES] == [
        ["collect", "telegram"],
        ["collect", "wire"],
        ["process"],
        ["sink"],
    ]


def test_every_deployment_runs_a_real_sitrep_command(defaults: list[dict[str, Any]]) -> None:
    for name, deployment in deployments(defaults).items():
        assert is_sitrep_command(container(deployment)["args"]), name


def test_every_pod_runs_restricted(defaults: list[dict[str, Any]]) -> None:
    for name, deployment in deployments(defaults).items():
        pod = deployment["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True, name
        assert pod["securityContext"]["runAsUser"] != 0, name
        assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}, name
        assert pod["automountServiceAccountToken"] is False, name
        ctx = container(deployment)["securityContext"]
        assert ctx["readOnlyRootFilesystem"] is True, name
        assert ctx["allowPrivilegeEscalation"] is False, name
        assert ctx["capabilities"] == {"drop": ["ALL"]}, name


def test_every_container_has_probes_on_the_ops_endpoints_and_resources(
    defaults: list[dict[str, Any]],
) -> None:
    for name, deployment in deployments(defaults).items():
        c = container(deployment)
        assert c["livenessProbe"]["httpGet"] == {"path": "/livez", "port": "metrics"}, name
        assert c["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "metrics"}, name
        assert c["startupProbe"]["httpGet"]["path"] == "/livez", name
        assert c["ports"] == [{"name": "metrics", "containerPort": 9100, "protocol": "TCP"}]
        assert env(deployment)["SITREP_OPS_PORT"] == "9100"
        assert {"requests", "limits"} <= set(c["resources"]), name
        assert {"cpu", "memory"} <= set(c["resources"]["limits"]), name


def test_the_sink_gets_more_grace_than_its_flush_and_commit(
    defaults: list[dict[str, Any]],
) -> None:
    sink = deployments(defaults)["sink"]
    values = yaml.safe_load((CHART / "values.yaml").read_text())
    budget = values["sink"]["shutdownSeconds"] + values["sink"]["batchSeconds"]
    assert sink["spec"]["template"]["spec"]["terminationGracePeriodSeconds"] > budget


def test_a_grace_period_shorter_than_the_sink_s_flush_is_refused() -> None:
    stderr = refuse(
        {"services.sink.terminationGracePeriodSeconds": "20", "sink.shutdownSeconds": "30"}
    )
    assert "services.sink.terminationGracePeriodSeconds=20 must exceed" in stderr


def test_the_sources_file_is_a_configmap_mounted_in_every_pod(
    defaults: list[dict[str, Any]],
) -> None:
    (configmap,) = [
        cm for name, cm in of_kind(defaults, "ConfigMap").items() if name.endswith("-sources")
    ]
    assert set(yaml.safe_load(configmap["data"]["sources.yaml"])) == {"telegram", "feeds"}
    for name, deployment in deployments(defaults).items():
        volumes = deployment["spec"]["template"]["spec"]["volumes"]
        assert {"name": "sources", "configMap": {"name": configmap["metadata"]["name"]}} in volumes
        assert env(deployment)["SITREP_SOURCES_FILE"] == "/etc/sitrep/sources.yaml", name


def test_secrets_are_mounted_as_files_only_where_needed(
    everything: list[dict[str, Any]],
) -> None:
    found = deployments(everything)
    telegram = env(found["collector-telegram"])
    assert telegram["SITREP_TELEGRAM_API_HASH_FILE"].startswith("/var/run/secrets/")
    assert telegram["SITREP_TELEGRAM_SESSION_FILE"].startswith("/var/run/secrets/")
    assert env(found["sink"])["SITREP_DATABASE_URL_FILE"].startswith("/var/run/secrets/")
    for name in ("collector-wire", "processor", "sink"):
        assert "SITREP_TELEGRAM_SESSION_FILE" not in env(found[name]), name
    for name in ("collector-telegram", "collector-wire", "processor"):
        assert "SITREP_DATABASE_URL_FILE" not in env(found[name]), name
    for name, deployment in found.items():
        variables = env(deployment)
        assert variables["SITREP_KAFKA_SECURITY_PROTOCOL"] == "SASL_SSL", name
        assert variables["SITREP_KAFKA_SASL_MECHANISM"] == "SCRAM-SHA-256", name
        assert variables["SITREP_KAFKA_SASL_PASSWORD_FILE"].startswith("/var/run/secrets/"), name
        assert variables["SITREP_KAFKA_SSL_CAFILE"].startswith("/var/run/secrets/"), name
        secrets = {
            v["secret"]["secretName"]
            for v in deployment["spec"]["template"]["spec"]["volumes"]
            if "secret" in v
        }
        assert {"kafka-password", "kafka-ca"} <= secrets, name
        assert not any("PASSWORD" in e and not e.endswith("_FILE") for e in variables), name


def test_every_environment_variable_is_a_setting_sitrep_reads(
    everything: list[dict[str, Any]],
) -> None:
    for name, deployment in deployments(everything).items():
        assert set(env(deployment)) <= settings_variables(), name


def test_sasl_without_a_password_secret_is_refused() -> None:
    stderr = refuse(
        {"kafka.security.protocol": "SASL_PLAINTEXT", "kafka.security.saslMechanism": "PLAIN"}
    )
    assert "kafka.security.passwordSecret" in stderr


def test_a_metrics_service_selects_every_pod_including_unready_ones(
    defaults: list[dict[str, Any]],
) -> None:
    (service,) = of_kind(defaults, "Service").values()
    assert service["spec"]["ports"][0]["targetPort"] == "metrics"
    assert service["spec"]["publishNotReadyAddresses"] is True
    for deployment in deployments(defaults).values():
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        assert service["spec"]["selector"].items() <= labels.items()


def test_each_service_has_a_pod_disruption_budget(defaults: list[dict[str, Any]]) -> None:
    budgets = of_kind(defaults, "PodDisruptionBudget")
    assert {name.removeprefix("rel-sitrep-") for name in budgets} == set(SERVICES)


def test_optional_resources_are_off_by_default(defaults: list[dict[str, Any]]) -> None:
    kinds = {doc["kind"] for doc in defaults}
    assert not kinds & {"ServiceMonitor", "PrometheusRule", "ScaledObject", "NetworkPolicy"}
    assert not any(name.endswith("-dashboard") for name in of_kind(defaults, "ConfigMap"))


def test_the_prometheus_rule_ships_the_tested_alert_rules(
    everything: list[dict[str, Any]],
) -> None:
    (rule,) = of_kind(everything, "PrometheusRule").values()
    assert rule["spec"]["groups"] == yaml.safe_load(RULES.read_text())["groups"]


def test_the_dashboard_configmap_carries_the_sidecar_label_and_the_dashboard(
    everything: list[dict[str, Any]],
) -> None:
    configmap = of_kind(everything, "ConfigMap")["rel-sitrep-dashboard"]
    assert configmap["metadata"]["labels"]["grafana_dashboard"] == "1"
    shipped = json.loads(configmap["data"]["sitrep-overview.json"])
    assert shipped == json.loads(DASHBOARD.read_text())


def test_the_service_monitor_scrapes_the_metrics_service(
    everything: list[dict[str, Any]],
) -> None:
    (monitor,) = of_kind(everything, "ServiceMonitor").values()
    (service,) = of_kind(everything, "Service").values()
    assert (
        monitor["spec"]["selector"]["matchLabels"].items() <= service["metadata"]["labels"].items()
    )
    assert monitor["spec"]["endpoints"][0]["port"] == "metrics"


def test_keda_scales_the_processor_on_lag_up_to_the_partition_count(
    everything: list[dict[str, Any]],
) -> None:
    (scaled,) = of_kind(everything, "ScaledObject").values()
    assert scaled["spec"]["scaleTargetRef"]["name"] == "rel-sitrep-processor"
    assert scaled["spec"]["maxReplicaCount"] <= 4  # kafka.partitions
    triggers = scaled["spec"]["triggers"]
    assert {(t["metadata"]["topic"], t["metadata"]["consumerGroup"]) for t in triggers} == {
        ("sitrep.raw.v1", "sitrep.normalizer"),
        ("sitrep.candidates.v1", "sitrep.processor"),
    }
    assert all(t["authenticationRef"]["name"] == "rel-sitrep-kafka" for t in triggers)
    assert "replicas" not in deployments(everything)["processor"]["spec"]


def test_keda_beyond_the_partition_count_is_refused() -> None:
    stderr = refuse({"keda.enabled": "true", "kafka.partitions": "3", "keda.maxReplicaCount": "6"})
    assert "keda.maxReplicaCount=6 exceeds kafka.partitions=3" in stderr


def test_network_policies_let_only_the_sink_reach_the_database(
    everything: list[dict[str, Any]],
) -> None:
    policies = {
        name.removeprefix("rel-sitrep-"): p
        for name, p in of_kind(everything, "NetworkPolicy").items()
    }
    assert set(policies) == set(SERVICES)

    def egress_ports(name: str) -> set[int]:
        return {port["port"] for rule in policies[name]["spec"]["egress"] for port in rule["ports"]}

    assert 5432 in egress_ports("sink")
    assert 5432 not in egress_ports("processor")
    assert 443 not in egress_ports("processor")
    assert 443 in egress_ports("collector-wire")


def test_more_than_one_telegram_collector_is_refused_by_the_schema() -> None:
    stderr = refuse({"services.collectorTelegram.replicas": "2"})
    assert "values don't meet the specifications of the schema" in stderr


def test_an_unknown_value_is_refused_by_the_schema() -> None:
    stderr = refuse({"kafka.securty.protocol": "SSL"})
    assert "securty" in stderr


def test_an_unknown_kafka_protocol_is_refused_by_the_schema() -> None:
    stderr = refuse({"kafka.security.protocol": "TLS"})
    assert "protocol" in stderr

"""deploy/Dockerfile and deploy/docker-compose.yml, validated statically.

There is no Docker engine (and no compose plugin or hadolint) on the machines that run these
tests, so the files are parsed and checked against the repository instead: every copied or
mounted path exists, commands are real ``sitrep`` commands, ``SITREP_*`` names are settings
that exist, the image is multi-stage, slim and non-root, and the compose services run as
restricted as the Helm chart's pods. Building and starting them is left to machines with Docker.
"""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.unit.ops.deploy_names import is_sitrep_command, settings_variables
from tests.unit.ops.promql import REPO

DEPLOY = REPO / "deploy"
DOCKERFILE = DEPLOY / "Dockerfile"
COMPOSE = DEPLOY / "docker-compose.yml"
SITREP_SERVICES = {
    "processor": ["process"],
    "sink": ["sink"],
    "collector-wire": ["collect", "wire"],
    "collector-telegram": ["collect", "telegram"],
}


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of the Dockerfile, continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text(encoding="utf-8"))
    out = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            word, _, rest = stripped.partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


def stages() -> list[list[tuple[str, str]]]:
    found: list[list[tuple[str, str]]] = []
    for instruction in instructions():
        if instruction[0] == "FROM":
            found.append([])
        if found:
            found[-1].append(instruction)
    return found


def compose() -> dict[str, Any]:
    return dict(yaml.safe_load(COMPOSE.read_text(encoding="utf-8")))


# --- Dockerfile


def test_the_image_is_built_in_stages_from_a_slim_pinned_python() -> None:
    arg = dict(
        a.split("=", 1) for i, a in instructions() if i == "ARG" and a.startswith("PYTHON_IMAGE=")
    )
    base = arg["PYTHON_IMAGE"]
    assert re.fullmatch(r"python:3\.1[1-9]-slim-[a-z]+", base), base
    froms = [args for i, args in instructions() if i == "FROM"]
    assert froms == ["${PYTHON_IMAGE} AS build", "${PYTHON_IMAGE} AS runtime"]


def test_the_runtime_stage_copies_only_the_virtualenv_from_the_build_stage() -> None:
    runtime = stages()[-1]
    copies = [args for i, args in runtime if i in {"COPY", "ADD"}]
    assert copies == ["--from=build /opt/sitrep /opt/sitrep"]


def test_the_image_runs_as_an_unprivileged_numeric_user() -> None:
    runtime = stages()[-1]
    users = [args for i, args in runtime if i == "USER"]
    assert users == ["10001:10001"]
    last_user = max(n for n, (i, _) in enumerate(runtime) if i == "USER")
    assert all(i != "RUN" for i, _ in runtime[last_user:])


def test_the_image_serves_the_ops_port_and_runs_sitrep() -> None:
    runtime = dict(stages()[-1])
    assert runtime["EXPOSE"] == "9100"
    assert json.loads(runtime["ENTRYPOINT"]) == ["sitrep"]
    assert "SITREP_OPS_PORT=9100" in runtime["ENV"]
    assert "/livez" in runtime["HEALTHCHECK"]


def test_the_files_the_image_copies_exist_and_nothing_else_is_in_the_context() -> None:
    build = stages()[0]
    for instruction, args in build:
        if instruction == "COPY":
            *sources, _ = shlex.split(args)
            for source in sources:
                assert (REPO / source).exists(), source
    ignore = (DEPLOY / "Dockerfile.dockerignore").read_text(encoding="utf-8").splitlines()
    allowed = {line[1:].rstrip("/") for line in ignore if line.startswith("!")}
    assert allowed == {"pyproject.toml", "README.md", "services"}
    assert "**" in ignore


def test_dependencies_are_installed_without_a_cache_and_the_install_is_smoke_tested() -> None:
    (install,) = [a for i, a in stages()[0] if i == "RUN" and "pip install" in a]
    assert "--no-cache-dir" in install
    assert "sitrep --help" in install
    env_names = {
        part.split("=", 1)[0]
        for i, a in instructions()
        if i == "ENV"
        for part in a.split()
        if "=" in part
    }
    assert {n for n in env_names if n.startswith("SITREP_")} <= settings_variables()


# --- docker-compose.yml


def test_compose_runs_kafka_postgres_prometheus_grafana_and_the_services() -> None:
    services = compose()["services"]
    assert {"kafka", "postgres", "prometheus", "grafana", *SITREP_SERVICES} <= set(services)
    for name, service in services.items():
        image = service["image"]
        assert ":" in image and not image.endswith(":latest"), (name, image)


@pytest.mark.parametrize("name", sorted(SITREP_SERVICES))
def test_each_sitrep_service_runs_its_command_from_the_one_image(name: str) -> None:
    service = compose()["services"][name]
    assert service["command"] == SITREP_SERVICES[name]
    assert is_sitrep_command(service["command"]), service["command"]
    assert service["build"] == {"context": "..", "dockerfile": "deploy/Dockerfile"}
    assert (DEPLOY / service["build"]["context"] / service["build"]["dockerfile"]).is_file()


@pytest.mark.parametrize("name", sorted(SITREP_SERVICES))
def test_each_sitrep_service_runs_restricted(name: str) -> None:
    service = compose()["services"][name]
    assert service["user"] == "10001:10001"
    assert service["read_only"] is True
    assert service["cap_drop"] == ["ALL"]
    assert "no-new-privileges:true" in service["security_opt"]
    writable = {entry.split(":")[0] for entry in service["tmpfs"]}
    assert writable == {"/tmp", service["environment"]["SITREP_DATA_DIR"]}


@pytest.mark.parametrize("name", sorted(SITREP_SERVICES))
def test_each_sitrep_service_sets_only_settings_that_exist(name: str) -> None:
    environment = compose()["services"][name]["environment"]
    assert set(environment) <= settings_variables()
    assert environment["SITREP_OPS_PORT"] == "9100"


def test_the_sink_gets_the_database_and_time_to_flush() -> None:
    sink = compose()["services"]["sink"]
    assert sink["environment"]["SITREP_DATABASE_URL"].startswith("postgresql://")
    assert sink["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert int(sink["stop_grace_period"].rstrip("s")) > 30


def test_telegram_secrets_come_from_files_and_the_collector_is_opt_in() -> None:
    data = compose()
    telegram = data["services"]["collector-telegram"]
    assert telegram["profiles"] == ["telegram"]
    assert set(telegram["secrets"]) <= set(data["secrets"])
    env = telegram["environment"]
    assert env["SITREP_TELEGRAM_API_HASH_FILE"] == "/run/secrets/telegram_api_hash"
    assert env["SITREP_TELEGRAM_SESSION_FILE"] == "/run/secrets/telegram_session"


def test_every_host_path_compose_mounts_exists() -> None:
    for name, service in compose()["services"].items():
        for volume in service.get("volumes", []):
            host = volume.split(":")[0]
            host = re.sub(r"\$\{[A-Z_]+:-([^}]*)\}", r"\1", host)
            if host.startswith((".", "/")):
                assert (DEPLOY / host).exists(), (name, host)


def test_prometheus_scrapes_every_sitrep_service_on_its_ops_port() -> None:
    data = compose()
    mounts = dict(v.split(":")[:2] for v in data["services"]["prometheus"]["volumes"])
    config = yaml.safe_load((DEPLOY / "prometheus/prometheus-compose.yml").read_text())
    assert mounts["./prometheus/prometheus-compose.yml"] == "/etc/prometheus/prometheus.yml"
    assert mounts["./prometheus/rules"] == "/etc/prometheus/rules"
    targets = {
        target
        for job in config["scrape_configs"]
        for static in job["static_configs"]
        for target in static["targets"]
    }
    assert targets == {f"{name}:9100" for name in SITREP_SERVICES}


def test_grafana_gets_the_provisioning_and_the_dashboards() -> None:
    grafana = compose()["services"]["grafana"]
    mounts = dict(v.split(":")[:2] for v in grafana["volumes"])
    assert mounts["./grafana/dashboards"] == "/var/lib/grafana/dashboards/sitrep"
    assert mounts["./grafana/provisioning/dashboards"] == "/etc/grafana/provisioning/dashboards"
    assert mounts["./grafana/provisioning/datasources"] == "/etc/grafana/provisioning/datasources"
    home = grafana["environment"]["GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH"]
    assert (DEPLOY / "grafana/dashboards" / Path(home).name).is_file()


def test_only_grafana_and_prometheus_publish_ports_and_only_on_loopback() -> None:
    for name, service in compose()["services"].items():
        for port in service.get("ports", []):
            assert name in {"grafana", "prometheus"}, name
            assert port.startswith("127.0.0.1:"), (name, port)

"""A real Prometheus scraping a running pipeline evaluates every dashboard query and alert.

The module starts ``sitrep process`` and ``sitrep sink`` as separate processes against the real
broker (unique topic prefix) with their ops endpoints on 127.0.0.1, replays part of the bundled
sample plus one line that is not a raw item (so something is dead-lettered), waits until the
pipeline has drained, and starts Debian's ``prometheus`` on 127.0.0.1 with a temporary config
that scrapes both services every second and loads deploy/prometheus/rules/sitrep-alerts.yaml.
Then, through Prometheus' HTTP API: every rule is loaded and healthy, every dashboard panel query
and alert expression parses and evaluates, and the core panels return data. Everything waits on
conditions with deadlines, never on fixed sleeps. A missing broker or prometheus fails.
"""

from __future__ import annotations

import asyncio
import shutil
import socket
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import orjson
import pytest
import yaml
from tests.conftest import REPO, _answers, _kafka_bootstrap
from tests.services import ServiceProcess, drain, produce_lines
from tests.unit.ops.promql import RULES, alert_rules, grafana_substitute, panels

from sitrep.ops.settings import Settings

pytestmark = pytest.mark.integration

SAMPLE = REPO / "samples" / "syria-2024"
SAMPLE_LINES = 40
DEADLINE_SECONDS = 90.0

# panels that must show data for a pipeline that processed and stored reports and
# dead-lettered one line (sources, Telegram, wire and sink-error panels stay empty here)
CORE_PANELS = (
    "Items in per stage",
    "Items out per stage and kind",
    "Stage step duration p95",
    "Time since last progress",
    "Running versions",
    "End-to-end latency (collected → committed)",
    "Consumer lag (seconds)",
    "Consumer lag (records)",
    "Dead letters by stage and reason",
    "Dead-letter share of input",
    "DLQ breaker open",
    "Sink batch size",
    "Sink write duration",
    "Sink paused",
    "Events by type",
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(
    condition: Callable[[], bool],
    what: str,
    deadline: float,
    explain: Callable[[], str] = lambda: "",
) -> None:
    """Poll ``condition`` until it holds or the monotonic ``deadline`` passes."""
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.5)
    pytest.fail(f"timed out waiting for {what}\n{explain()}")


@dataclass
class Prometheus:
    url: str
    client: httpx.Client

    def query(self, expr: str) -> dict[str, Any]:
        """``/api/v1/query`` at now; the JSON answer (status, data or error)."""
        resp = self.client.get(f"{self.url}/api/v1/query", params={"query": expr})
        return dict(resp.json())

    def results(self, expr: str) -> list[dict[str, Any]]:
        answer = self.query(expr)
        assert answer["status"] == "success", (expr, answer.get("error"))
        return list(answer["data"]["result"])


def sample_lines() -> list[bytes]:
    """The first sample items, collected "now" (so end-to-end latency is real), and one line
    that is not a raw item at all."""
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    lines = []
    with (SAMPLE / "raw.jsonl").open("rb") as f:
        for line in f:
            if line.strip() and len(lines) < SAMPLE_LINES:
                item = orjson.loads(line)
                item["collected_at"] = now
                lines.append(orjson.dumps(item))
    lines.append(b"this is not a raw item")
    return lines


@pytest.fixture(scope="module")
def prometheus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Prometheus]:
    binary = shutil.which("prometheus")
    if binary is None:
        pytest.fail("prometheus is not on PATH: run deploy/tools/install-prometheus.sh")
    bootstrap = _kafka_bootstrap()
    if not _answers(bootstrap):
        pytest.fail(f"no Kafka broker answers at {bootstrap}: run `make kafka-up`")
    tmp = tmp_path_factory.mktemp("ops-prometheus")
    prefix = f"tops{uuid.uuid4().hex[:10]}"
    settings = Settings.from_env({}).with_(
        kafka_bootstrap=bootstrap,
        topic_prefix=prefix,
        group_prefix=prefix,
        partitions=2,
        data_dir=str(tmp / "data"),
        sqlite_path=str(tmp / "sitrep.db"),
        sources_file=str(SAMPLE / "sources.yaml"),
    )
    deadline = time.monotonic() + DEADLINE_SECONDS
    ports = {"process": free_port(), "sink": free_port()}
    services = [
        ServiceProcess(
            settings,
            stage,
            log_dir=tmp / "logs",
            SITREP_OPS_HOST="127.0.0.1",
            SITREP_OPS_PORT=str(port),
        )
        for stage, port in ports.items()
    ]
    prom_port = free_port()
    config = {
        "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
        "rule_files": [str(RULES)],
        "scrape_configs": [
            {
                "job_name": "sitrep",
                "static_configs": [
                    {"targets": [f"127.0.0.1:{port}"], "labels": {"service": stage}}
                    for stage, port in ports.items()
                ],
            }
        ],
    }
    (tmp / "prometheus.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    prom_log = (tmp / "prometheus.log").open("wb")
    prom: subprocess.Popen[bytes] | None = None
    client = httpx.Client(timeout=10)
    try:
        for service in services:
            service.start()
        asyncio.run(produce_lines(settings, sample_lines()))
        prom = subprocess.Popen(
            [
                binary,
                f"--config.file={tmp / 'prometheus.yml'}",
                f"--storage.tsdb.path={tmp / 'tsdb'}",
                f"--web.listen-address=127.0.0.1:{prom_port}",
                "--storage.tsdb.retention.time=1h",
                "--log.level=warn",
            ],
            stdout=prom_log,
            stderr=subprocess.STDOUT,
        )
        drain(settings, deadline - time.monotonic(), SAMPLE_LINES + 1, *services)
        api = Prometheus(f"http://127.0.0.1:{prom_port}", client)

        def ready() -> bool:
            try:
                return client.get(f"{api.url}/-/ready").status_code == 200
            except httpx.TransportError:
                return False

        wait_for(ready, "Prometheus to start", deadline, (tmp / "prometheus.log").read_text)
        yield api
    finally:
        client.close()
        if prom is not None:
            prom.terminate()
            prom.wait(timeout=30)
        prom_log.close()
        for service in services:
            service.stop()


def test_prometheus_scrapes_the_processor_and_the_sink(prometheus: Prometheus) -> None:
    deadline = time.monotonic() + 30

    def both_up() -> bool:
        up = prometheus.results('up{job="sitrep"} == 1')
        return {r["metric"]["service"] for r in up} == {"process", "sink"}

    wait_for(both_up, "both targets up", deadline, lambda: str(prometheus.results("up")))


def test_prometheus_loads_every_alert_rule_healthy(prometheus: Prometheus) -> None:
    answer = prometheus.client.get(f"{prometheus.url}/api/v1/rules").json()
    loaded = {
        rule["name"]: rule
        for group in answer["data"]["groups"]
        for rule in group["rules"]
        if rule["type"] == "alerting"
    }
    assert set(loaded) == {rule["alert"] for rule in alert_rules()}
    deadline = time.monotonic() + 30
    wait_for(
        lambda: all(
            rule["health"] == "ok"
            for group in prometheus.client.get(f"{prometheus.url}/api/v1/rules").json()["data"][
                "groups"
            ]
            for rule in group["rules"]
        ),
        "every rule evaluated healthy",
        deadline,
    )


def test_every_alert_expression_parses_and_evaluates(prometheus: Prometheus) -> None:
    for rule in alert_rules():
        answer = prometheus.query(rule["expr"])
        assert answer["status"] == "success", (rule["alert"], answer.get("error"))


def test_every_dashboard_query_parses_and_evaluates(prometheus: Prometheus) -> None:
    for panel in panels():
        for target in panel["targets"]:
            answer = prometheus.query(grafana_substitute(target["expr"]))
            assert answer["status"] == "success", (panel["title"], answer.get("error"))


def test_core_panels_return_data(prometheus: Prometheus) -> None:
    queries = {
        f"{panel['title']} / {target['refId']}": grafana_substitute(target["expr"])
        for panel in panels()
        if panel["title"] in CORE_PANELS
        for target in panel["targets"]
    }
    assert {key.rsplit(" / ", 1)[0] for key in queries} == set(CORE_PANELS)
    empty: list[str] = list(queries)

    def all_have_data() -> bool:
        empty[:] = [key for key, expr in queries.items() if not prometheus.results(expr)]
        return not empty

    wait_for(
        all_have_data,
        "data in every core panel",
        time.monotonic() + 45,
        lambda: f"no data in: {empty}",
    )


def test_throughput_shows_both_stages_and_the_dead_letter(prometheus: Prometheus) -> None:
    def counted() -> bool:
        stages = {
            r["metric"]["stage"]
            for r in prometheus.results("sum by (stage) (sitrep_items_in_total)")
            if float(r["value"][1]) > 0
        }
        dead = prometheus.results("sum(sitrep_dlq_total)")
        return {"process", "sink"} <= stages and [float(d["value"][1]) for d in dead] == [1.0]

    wait_for(counted, "items in both stages and one dead letter", time.monotonic() + 30)

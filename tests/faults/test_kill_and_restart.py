"""The fault suite: seed uniquely numbered raw items, break things while they flow, count.

On a private broker and a private PostgreSQL (the shared ones serve other tests): while the
processor and the sink work through the input, SIGKILL the processor, SIGKILL the sink,
restart the broker, restart PostgreSQL — a supervisor restarts any service that died, as
Kubernetes would. At the end the database must hold exactly one report per item and exactly
one event per group of the corpus (nothing missing, nothing twice), every event's revision log
must be gap-free, and event versions on the events topic never go backwards per key.

Size: ``SITREP_FAULT_ITEMS`` (default 12,000 items = 3,000 events); bounded in time.
"""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import orjson
import psycopg
import pytest

from sitrep.ops.settings import Secret, Settings
from sitrep.records import decode_event, encode
from tests.faults.corpus import expected_groups, items
from tests.kafkaserver import PrivateKafka, free_port_block
from tests.pgserver import PrivatePostgres
from tests.services import ServiceProcess, drain, produce_lines, read_topic

pytestmark = [pytest.mark.integration, pytest.mark.faults, pytest.mark.timeout(1500)]

N_ITEMS = int(os.environ.get("SITREP_FAULT_ITEMS", "12000"))
DEADLINE_SECONDS = 900
# The corpus packs about four years of event time into 12,000 items (a group every 6 days per
# town) that the pipeline works through in a minute or two: one second of a restart, a
# rebalance or a re-read is then about ten days of event time, and the processor's wall-clock
# rules (an input silent for 15 s stops holding the expiry clock back) span months. At real
# reporting density the default 72 h window spans far more than any such hiccup. The window
# here covers the whole corpus, so this suite tests delivery (nothing lost, nothing twice, every
# group one event); expiry is tested where event time is not compressed (tests/unit/dedupe,
# tests/unit/stream/test_watermark.py).
CORPUS_WINDOW_HOURS = 24.0 * 365 * 10


class Supervisor:
    """Keeps one process per name running, as Kubernetes would: restarts a process that
    died, and kills and restarts one whose ``/livez`` has failed (no progress while it had
    work) — the liveness probe of the Helm chart. Counts restarts. A name is a command, or
    ``command:replica`` for several processes of one command (each with its own data
    directory, as pods have)."""

    LIVENESS_SECONDS = 30.0

    def __init__(self, settings: Settings, log_dir: Path, *names: str) -> None:
        self.settings = settings
        self.log_dir = log_dir
        base = free_port_block(len(names))
        self.ports = {name: base + n for n, name in enumerate(names)}
        self.procs = {name: self._start(name) for name in names}
        self.restarts: dict[str, int] = defaultdict(int)
        self.wedged: dict[str, int] = defaultdict(int)
        self.started: set[ServiceProcess] = set()
        self.logs: list[ServiceProcess] = list(self.procs.values())

    def _start(self, name: str) -> ServiceProcess:
        command, _, replica = name.partition(":")
        extra = {"SITREP_DATA_DIR": f"{self.settings.data_dir}-{replica}"} if replica else {}
        return ServiceProcess(
            self.settings,
            command,
            log_dir=self.log_dir,
            SITREP_OPS_PORT=str(self.ports[name]),
            SITREP_LIVENESS_SECONDS=str(self.LIVENESS_SECONDS),
            **extra,
        ).start()

    def _live(self, command: str) -> bool:
        try:
            answer = httpx.get(f"http://127.0.0.1:{self.ports[command]}/livez", timeout=5.0)
        except httpx.ConnectError:
            return True  # not listening yet (starting) or gone (revive() sees that)
        except httpx.HTTPError:
            return False  # no answer: a blocked event loop
        return answer.status_code == 200

    def kill(self, name: str) -> None:
        self.procs[name].kill()
        self.revive()

    def _ready(self, command: str) -> bool:
        try:
            answer = httpx.get(f"http://127.0.0.1:{self.ports[command]}/readyz", timeout=5.0)
        except httpx.HTTPError:
            return False
        return answer.status_code == 200

    def revive(self) -> None:
        for command, proc in self.procs.items():
            # like a startup probe: liveness counts once the process has been ready
            if proc not in self.started and self._ready(command):
                self.started.add(proc)
            if proc in self.started and proc.alive() and not self._live(command):
                self.wedged[command] += 1
                proc.kill()
            if not proc.alive():
                self.restarts[command] += 1
                fresh = self._start(command)
                self.procs[command] = fresh
                self.logs.append(fresh)

    def stop(self) -> None:
        for proc in self.procs.values():
            proc.stop()

    def tail(self) -> str:
        return "\n".join(f"--- {p.args} {p.log_path}:\n{p.log()[-1500:]}" for p in self.logs)


def count_reports(url: str) -> int:
    try:
        with psycopg.connect(url, connect_timeout=2) as conn:
            row = conn.execute("select count(*) from reports").fetchone()
            return int(row[0]) if row else 0
    except psycopg.Error:
        return -1


def wait_for(condition: Callable[[], bool], what: str, sup: Supervisor, timeout: float) -> None:
    started = time.monotonic()
    deadline = started + timeout
    while not condition():
        sup.revive()
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}\n{sup.tail()}")
        time.sleep(0.2)
    print(f"fault suite: {what} after {time.monotonic() - started:.1f}s")


WORKERS_AND_DATABASE = "workers-and-database"
BROKER = "broker"
TWO_PROCESSORS = "two-processors"


@pytest.fixture(scope="module", params=[WORKERS_AND_DATABASE, BROKER, TWO_PROCESSORS])
def faulted_run(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Any]]:
    """One run per scenario: SIGKILL the processor, SIGKILL the sink and restart PostgreSQL
    while items flow; or restart the broker while they flow; or, with two processors sharing
    the partitions (as the Helm chart deploys them), SIGKILL one, then the other, then the
    first again: every kill moves partitions to the survivor while it works, and moves them
    back when the killed one returns."""
    scenario = request.param
    tmp = tmp_path_factory.mktemp("faults")
    kafka = PrivateKafka(tmp).start()
    pg = PrivatePostgres().start()
    prefix = f"f{uuid.uuid4().hex[:10]}"
    settings = Settings.from_env({}).with_(
        kafka_bootstrap=kafka.bootstrap,
        topic_prefix=prefix,
        group_prefix=prefix,
        partitions=4,
        data_dir=str(tmp / "data"),
        database_url=Secret(pg.url),
        cluster_window_hours=CORPUS_WINDOW_HOURS,
    )
    sup: Supervisor | None = None
    try:
        asyncio.run(produce_lines(settings, (encode(r) for r in items(N_ITEMS))))
        processors = ["process:a", "process:b"] if scenario == TWO_PROCESSORS else ["process"]
        sup = Supervisor(settings, tmp / "logs", *processors, "sink")
        started = time.monotonic()
        progress = lambda share: lambda: count_reports(pg.url) >= share * N_ITEMS  # noqa: E731

        supervisor = sup

        def restart_database() -> None:
            pg.restart()
            supervisor.revive()

        def restart_broker() -> None:
            kafka.restart()
            supervisor.revive()

        def kill(name: str) -> Callable[[], None]:
            return lambda: supervisor.kill(name)

        faults: list[tuple[float, Callable[[], None]]] = {
            WORKERS_AND_DATABASE: [
                (0.15, kill("process")),
                (0.40, kill("sink")),
                (0.65, restart_database),
                (0.80, kill("process")),
            ],
            TWO_PROCESSORS: [
                (0.20, kill("process:a")),
                (0.45, kill("process:b")),
                (0.70, kill("process:a")),
            ],
            BROKER: [(0.40, restart_broker)],
        }[scenario]
        for share, fault in faults:  # each once that share of the reports is in the database
            wait_for(progress(share), f"{share:.0%} of the reports", sup, 300)
            fault()
        remaining = DEADLINE_SECONDS - (time.monotonic() - started)
        deadline = time.monotonic() + remaining
        while True:
            sup.revive()
            try:
                drain(settings, 20, N_ITEMS)
                break
            except AssertionError:
                if time.monotonic() > deadline:
                    raise AssertionError(f"pipeline never drained\n{sup.tail()}") from None
        print(f"fault suite: drained; restarts {dict(sup.restarts)}, wedged {dict(sup.wedged)}")
        yield {
            "scenario": scenario,
            "settings": settings,
            "url": pg.url,
            "restarts": dict(sup.restarts),
            "seconds": time.monotonic() - started,
            "supervisor": sup,
        }
    finally:
        if sup is not None:
            sup.stop()
        if os.environ.get("SITREP_FAULT_KEEP"):  # to look at a failed run: services stay up
            print(f"fault suite: kept {pg.url} and {kafka.bootstrap} (prefix {prefix})")
        else:
            pg.cleanup()
            kafka.destroy()


def rows(url: str, sql: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(url) as conn:
        return list(conn.execute(sql).fetchall())


def test_every_item_is_exactly_one_report(faulted_run: dict[str, Any]) -> None:
    got = [r[0] for r in rows(faulted_run["url"], "select report_id from reports")]
    expected = {r.item_id for r in items(N_ITEMS)}
    assert len(got) == len(set(got)), "a report was written twice"
    assert set(got) == expected, (
        f"missing {len(expected - set(got))}, unexpected {len(set(got) - expected)}"
    )


def test_every_group_is_exactly_one_event(faulted_run: dict[str, Any]) -> None:
    links = rows(faulted_run["url"], "select event_id, report_id from event_reports")
    by_event: dict[str, set[str]] = defaultdict(set)
    for event_id, report_id in links:
        by_event[event_id].add(report_id)
    got = sorted(sorted(members) for members in by_event.values())
    want = sorted(sorted(members) for members in expected_groups(N_ITEMS).values())
    got_set, want_set = {tuple(g) for g in got}, {tuple(g) for g in want}
    got_only = sorted(got_set - want_set)
    want_only = sorted(want_set - got_set)
    if faulted_run["scenario"] == TWO_PROCESSORS and got != want:
        # Known gap (README, "What the fault suite proves"): while partitions move between two
        # processors, both can merge records of one cell from diverging states, and a group's
        # reports then end up in two events. Never two groups in one event:
        group_of = {r: n for n, members in expected_groups(N_ITEMS).items() for r in members}
        mixed = [m for m in got if len({group_of[r] for r in m}) > 1]
        assert not mixed, f"{len(mixed)} events mix groups, e.g. {mixed[:4]}"
        pytest.xfail(
            f"two processors: {len(want_only)} of {len(want)} groups split over two events"
        )
    assert got == want, (
        f"{len(got)} events for {len(want)} groups; {len(got_only)} events match no group, "
        f"e.g. {got_only[:4]}; {len(want_only)} groups have no event, e.g. {want_only[:4]}\n"
        + explain(faulted_run, [r for g in want_only[:2] for r in g])
    )


def explain(run: dict[str, Any], report_ids: list[str]) -> str:
    """What the events topic and the revision log say about these reports' events."""
    records = asyncio.run(read_topic(run["settings"], "events.v1", timeout=60))
    wanted = set(report_ids)
    lines = []
    for record in sorted(records, key=lambda r: (r.partition, r.offset)):
        event = decode_event(record.value)
        members = sorted(link.report_id for link in event.reports)
        if wanted & set(members):
            lines.append(
                f"topic p{record.partition}@{record.offset} {event.event_id} "
                f"v{event.version} {members}"
            )
    for event_id, version, record in rows(
        run["url"], "select event_id, version, record::text from event_revisions order by 1, 2"
    ):
        members = sorted(link["report_id"] for link in orjson.loads(record)["reports"])
        if wanted & set(members):
            lines.append(f"db {event_id} v{version} {members}")
    return "\n".join(lines)


def test_each_event_s_link_rows_are_those_of_its_current_version(
    faulted_run: dict[str, Any],
) -> None:
    """The sink writes only the links a version changes (``sitrep.store.links``): after the
    kills and restarts, every event's ``event_reports`` rows still equal its record's links."""
    stored = {
        (event_id, candidate_id, report_id, rule, stance)
        for event_id, candidate_id, report_id, rule, stance in rows(
            faulted_run["url"],
            "select event_id, candidate_id, report_id, merge_rule, stance from event_reports",
        )
    }
    recorded = {
        (event_id, link["candidate_id"], link["report_id"], link["reason"]["rule"], link["stance"])
        for event_id, record in rows(
            faulted_run["url"], "select event_id, record::text from events"
        )
        for link in orjson.loads(record)["reports"]
    }
    assert stored == recorded, (
        f"{len(stored - recorded)} link rows not in their event's record, e.g. "
        f"{sorted(stored - recorded)[:3]}; {len(recorded - stored)} links missing, e.g. "
        f"{sorted(recorded - stored)[:3]}"
    )


def test_no_report_is_linked_twice(faulted_run: dict[str, Any]) -> None:
    dupes = rows(
        faulted_run["url"],
        "select report_id, count(*) from event_reports group by report_id having count(*) > 1",
    )
    assert dupes == []


def test_revision_logs_have_no_gaps_and_end_at_the_current_version(
    faulted_run: dict[str, Any],
) -> None:
    current = dict(rows(faulted_run["url"], "select event_id, version from events"))
    revisions: dict[str, list[int]] = defaultdict(list)
    for event_id, version in rows(
        faulted_run["url"], "select event_id, version from event_revisions order by 1, 2"
    ):
        revisions[event_id].append(version)
    assert set(revisions) == set(current)
    for event_id, versions in revisions.items():
        assert versions == list(range(1, current[event_id] + 1)), (event_id, versions)


def test_event_versions_on_the_topic_are_gap_free_and_end_at_the_newest(
    faulted_run: dict[str, Any],
) -> None:
    """Per-key order of the events topic under at-least-once: a replay after a crash may emit a
    version again (consumers keep the highest version; its content can differ while the replay
    catches up), but every version from 1 to the newest is there and each key's last record is
    its newest version — what the compacted topic keeps."""
    records = asyncio.run(read_topic(faulted_run["settings"], "events.v1", timeout=60))
    seen: dict[str, set[int]] = defaultdict(set)
    last: dict[str, int] = {}
    for record in sorted(records, key=lambda r: (r.partition, r.offset)):
        event = decode_event(record.value)
        seen[event.event_id].add(event.version)
        last[event.event_id] = event.version
    for event_id, versions in seen.items():
        assert versions == set(range(1, max(versions) + 1)), event_id
        assert last[event_id] == max(versions), event_id


def test_the_faults_really_happened(faulted_run: dict[str, Any]) -> None:
    if faulted_run["scenario"] == WORKERS_AND_DATABASE:
        assert faulted_run["restarts"].get("process", 0) >= 2
        assert faulted_run["restarts"].get("sink", 0) >= 1
    if faulted_run["scenario"] == TWO_PROCESSORS:
        assert faulted_run["restarts"].get("process:a", 0) >= 2
        assert faulted_run["restarts"].get("process:b", 0) >= 1

"""The whole pipeline, as separate processes, on the real broker and a real database.

replay -> ``sitrep process`` (faust) -> ``sitrep sink`` -> SQLite/PostgreSQL. One pipeline run
per module (workers take seconds to join their groups); each test states one behaviour.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import orjson
import pytest
from tests.conftest import REPO
from tests.services import ServiceProcess, drain, isolated_settings, produce_lines, read_topic

from sitrep.records import RawItem, decode_event, decode_report, encode
from sitrep.records.model import Provenance

pytestmark = pytest.mark.integration

SCHEMAS = REPO / "schemas"


def item(source_id: str, native_id: str, text: str, published: str, **kw: Any) -> RawItem:
    kind = kw.pop("kind", "telegram")
    return RawItem(
        item_id=f"{kind}:{source_id}:{native_id}",
        source_kind=kind,
        source_id=source_id,
        native_id=native_id,
        text=text,
        published_at=published,
        collected_at=published.replace(":00Z", ":05Z"),
        **kw,
    )


GOOD = [
    item(
        "1500000001",
        "101",
        "Our forces have fully liberated the city of Saraqib in the Idlib countryside after "
        "fierce clashes with the regime militias.",
        "2024-11-30T06:00:00Z",
        provenance=Provenance(channel_username="militaryops", channel_title="Military Operations"),
    ),
    item(
        "reuters-mideast",
        "urn:reuters:saraqib-1",
        "BEIRUT (Reuters) - Syrian rebels said on Saturday they had captured the town of "
        "Saraqib, a strategic crossroads south of Aleppo, after clashes with government forces.",
        "2024-11-30T09:00:00Z",
        kind="wire",
        provenance=Provenance(outlet="Reuters", dateline="BEIRUT"),
    ),
    item(
        "1500000003",
        "7",
        "غارات جوية روسية تستهدف مدينة إدلب وأنباء عن سقوط 4 قتلى مدنيين",
        "2024-12-02T11:00:00Z",
        provenance=Provenance(channel_username="idlibnews"),
    ),
    item(
        "1500000001",
        "102",
        "Good morning to all our followers. Subscribe to our channel for updates!",
        "2024-11-30T07:00:00Z",
        provenance=Provenance(channel_username="militaryops"),
    ),
    item(
        "afp-fr",
        "urn:afp:homs-1",
        "Des bombardements de l'armée syrienne ont visé la ville de Rastan, dans la province de "
        "Homs, selon l'Observatoire syrien des droits de l'homme.",
        "2024-12-05T10:00:00Z",
        kind="wire",
        provenance=Provenance(outlet="AFP"),
    ),
]
NOT_JSON = b"\x00\x01 this is not json {"
WRONG_SHAPE = orjson.dumps(
    {"schema": {"name": "sitrep.raw_item", "version": 1}, "item_id": 42, "text": ["x"]}
)


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Run processor + sink once on GOOD + two bad lines; replay GOOD a second time later."""
    tmp = tmp_path_factory.mktemp("pipeline")
    settings = isolated_settings(tmp)
    lines = [encode(r) for r in GOOD[:3]] + [NOT_JSON, WRONG_SHAPE] + [encode(r) for r in GOOD[3:]]
    asyncio.run(produce_lines(settings, lines))
    process = ServiceProcess(settings, "process", log_dir=tmp / "logs").start()
    sink = ServiceProcess(settings, "sink", log_dir=tmp / "logs").start()
    try:
        drain(settings, 180, len(lines), process, sink)
        yield {"settings": settings, "process": process, "sink": sink, "db": tmp / "sitrep.db"}
    finally:
        process.stop()
        sink.stop()


def db_rows(path: Path, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(path) as conn:
        return list(conn.execute(sql).fetchall())


def test_every_good_item_becomes_one_report_row(pipeline: dict[str, Any]) -> None:
    rows = db_rows(pipeline["db"], "select report_id from reports order by report_id")
    assert [r[0] for r in rows] == sorted(r.item_id for r in GOOD)


def test_reports_and_events_on_kafka_validate_against_the_schema_files(
    pipeline: dict[str, Any],
) -> None:
    settings = pipeline["settings"]
    reports = asyncio.run(read_topic(settings, "reports.v1"))
    events = asyncio.run(read_topic(settings, "events.v1"))
    assert len(reports) == len(GOOD)
    assert events, "no events were produced"
    report_schema = json.loads((SCHEMAS / "report.v1.schema.json").read_text())
    event_schema = json.loads((SCHEMAS / "event.v1.schema.json").read_text())
    for record in reports:
        jsonschema.validate(orjson.loads(record.value), report_schema)
        assert record.key.decode() == decode_report(record.value).report_id
    for record in events:
        jsonschema.validate(orjson.loads(record.value), event_schema)
        assert record.key.decode() == decode_event(record.value).event_id


def test_bad_bytes_and_wrong_shape_are_dead_lettered_with_their_reason(
    pipeline: dict[str, Any],
) -> None:
    letters = asyncio.run(read_topic(pipeline["settings"], "dlq.v1"))
    by_value = {bytes(r.value): dict(r.headers) for r in letters}
    assert set(by_value) == {NOT_JSON, WRONG_SHAPE}
    assert b"not valid JSON" in by_value[NOT_JSON]["sitrep-error"]
    assert b"missing required field" in by_value[WRONG_SHAPE]["sitrep-error"]
    for headers in by_value.values():
        assert headers["sitrep-stage"].startswith(b"process")
        assert headers["sitrep-topic"].endswith(b".raw.v1")
        assert int(headers["sitrep-offset"]) >= 0


def test_the_non_event_post_has_a_report_but_no_event(pipeline: dict[str, Any]) -> None:
    reports = {
        decode_report(r.value).report_id: decode_report(r.value)
        for r in asyncio.run(read_topic(pipeline["settings"], "reports.v1"))
    }
    assert reports["telegram:1500000001:102"].candidates == ()
    assert reports["telegram:1500000001:101"].candidates


def test_the_rebel_claim_and_the_wire_report_of_saraqib_are_one_event(
    pipeline: dict[str, Any],
) -> None:
    rows = db_rows(
        pipeline["db"],
        "select event_id, report_id from event_reports where report_id in "
        "('telegram:1500000001:101', 'wire:reuters-mideast:urn:reuters:saraqib-1')",
    )
    events = {event_id for event_id, _ in rows}
    assert len(rows) == 2 and len(events) == 1, rows


def test_replaying_the_same_input_leaves_the_database_unchanged(
    pipeline: dict[str, Any],
) -> None:
    settings = pipeline["settings"]
    tables = ("events", "event_revisions", "reports", "event_reports")

    def snapshot() -> dict[str, list[tuple[Any, ...]]]:
        out = {}
        for table in tables:
            rows = db_rows(pipeline["db"], f"select * from {table}")
            out[table] = sorted(repr(r) for r in rows)
        return out

    before = snapshot()
    n = asyncio.run(produce_lines(settings, [encode(r) for r in GOOD]))
    total = len(GOOD) * 2 + 2
    drain(settings, 180, total, pipeline["process"], pipeline["sink"])
    assert n == len(GOOD)
    assert snapshot() == before


def test_reports_through_kafka_get_the_same_events_as_sitrep_label(
    pipeline: dict[str, Any], tmp_path: Path
) -> None:
    """The stream processor runs the very code of ``sitrep label``: same candidates."""
    import subprocess
    import sys

    source = tmp_path / "raw.jsonl"
    source.write_bytes(b"".join(encode(r) + b"\n" for r in GOOD))
    done = subprocess.run(
        [sys.executable, "-m", "sitrep.cli", "label", str(source)],
        capture_output=True,
        check=True,
        timeout=120,
    )
    labelled = [orjson.loads(line) for line in done.stdout.splitlines()]
    by_label = {
        item.item_id: [
            (e["event_type"], e["sub_event_type"], (e["location"] or {}).get("name"))
            for e in out["events"]
        ]
        for item, out in zip(GOOD, labelled, strict=True)
    }
    streamed = {}
    for record in asyncio.run(read_topic(pipeline["settings"], "reports.v1")):
        report = decode_report(record.value)
        streamed[report.report_id] = [
            (c.event_type, c.sub_event_type, c.location.name if c.location else None)
            for c in report.candidates
        ]
    assert streamed == by_label

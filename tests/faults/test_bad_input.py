"""Bad input: each item is dead-lettered with its reason or handled correctly; the pipeline
goes on; a worker fed mostly garbage stops itself (DLQ circuit breaker)."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from sitrep.ops.settings import Settings
from sitrep.records import RawItem, encode
from tests.services import ServiceProcess, drain, isolated_settings, produce_lines, read_topic

pytestmark = pytest.mark.integration


def raw(native_id: str, text: str, **kw: Any) -> RawItem:
    return RawItem(
        item_id=f"telegram:1600000001:{native_id}",
        source_kind="telegram",
        source_id="1600000001",
        native_id=native_id,
        text=text,
        published_at=kw.pop("published_at", "2024-12-01T10:00:00Z"),
        collected_at=kw.pop("collected_at", "2024-12-01T10:00:05Z"),
        **kw,
    )


def as_obj(item: RawItem) -> dict[str, Any]:
    obj: dict[str, Any] = orjson.loads(encode(item))
    return obj


def mutated(item: RawItem, **changes: Any) -> bytes:
    obj = as_obj(item)
    obj.update(changes)
    return orjson.dumps(obj)


# (name, bytes) -> expected: "dlq" with a substring of the reason, or "report"
GOOD_TEXT = "Regime shelling hit the town of Rastan in northern Homs countryside on Sunday."
CASES: list[tuple[str, bytes, str]] = [
    ("not_json", b"<html>502 Bad Gateway</html>", "dlq:not valid JSON"),
    ("invalid_utf8", b'{"text": "\xc3\x28"}', "dlq:not valid JSON"),
    ("json_array", b"[1, 2, 3]", "dlq:expected a JSON object"),
    ("wrong_shape", orjson.dumps({"hello": "world"}), "dlq:missing 'schema'"),
    (
        "unknown_version",
        mutated(raw("1", GOOD_TEXT), schema={"name": "sitrep.raw_item", "version": 9}),
        "dlq:unknown version 9",
    ),
    (
        "version_as_huge_string",
        mutated(raw("2", GOOD_TEXT), version="9" * 50),
        "dlq:expected an integer",
    ),
    (
        "huge_integer",
        encode(raw("3", GOOD_TEXT)).replace(b'"version":0', b'"version":' + b"9" * 30),
        "dlq:",
    ),
    (
        "future_date",
        encode(raw("4", GOOD_TEXT, published_at="2999-01-01T00:00:00Z")),
        "dlq:after collected_at",
    ),
    (
        "ancient_date",
        encode(raw("5", GOOD_TEXT, published_at="0001-01-01T00:00:00Z")),
        "dlq:before 1990",
    ),
    (
        "not_a_date",
        encode(raw("6", GOOD_TEXT, published_at="last tuesday")),
        "dlq:not an ISO-8601 time",
    ),
    ("multi_megabyte", encode(raw("7", "shelling " * 400_000)), "dlq:over the limit"),
    ("empty_text", encode(raw("10", "")), "report"),
    ("emoji_only", encode(raw("11", "🔥🔥🔥 💥 🇸🇾")), "report"),
    (
        "zero_width_and_bidi",
        encode(raw("12", "قصف\u200b مدفعي\u202e على\u2066 الرستن\u200f")),
        "report",
    ),
    (
        "sql_looking",
        encode(raw("13", "Robert'); DROP TABLE reports;-- shelling in Rastan")),
        "report",
    ),
    (
        "html_looking",
        encode(raw("14", "<script>alert(1)</script><b>Air strike</b> on Idlib")),
        "report",
    ),
    (
        "huge_number_in_text",
        encode(raw("15", "Clashes in Aleppo killed 99999999999999999999999 fighters")),
        "report",
    ),
    ("good", encode(raw("16", GOOD_TEXT)), "report"),
]


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    tmp = tmp_path_factory.mktemp("badinput")
    settings = isolated_settings(tmp)
    asyncio.run(produce_lines(settings, [case[1] for case in CASES]))
    process = ServiceProcess(settings, "process", log_dir=tmp / "logs").start()
    sink = ServiceProcess(settings, "sink", log_dir=tmp / "logs").start()
    try:
        drain(settings, 180, len(CASES), process, sink)
        letters = asyncio.run(read_topic(settings, "dlq.v1"))
        yield {
            "settings": settings,
            "letters": letters,
            "db": tmp / "sitrep.db",
            "process": process,
            "sink": sink,
        }
    finally:
        process.stop()
        sink.stop()


@pytest.mark.parametrize(("name", "value", "expected"), CASES, ids=[c[0] for c in CASES])
def test_bad_item_is_dead_lettered_with_reason_or_handled(
    run: dict[str, Any], name: str, value: bytes, expected: str
) -> None:
    letters = {bytes(r.value): dict(r.headers) for r in run["letters"]}
    if expected.startswith("dlq:"):
        assert value in letters, f"{name} was not dead-lettered"
        reason = letters[value]["sitrep-error"].decode()
        assert expected[4:] in reason, reason
        assert letters[value]["sitrep-stage"].startswith(b"process")
    else:
        assert value not in letters, letters.get(value)
        item_id = orjson.loads(value)["item_id"]
        with sqlite3.connect(Path(run["db"])) as conn:
            rows = conn.execute(
                "select report_id from reports where report_id = ?", (item_id,)
            ).fetchall()
        assert rows == [(item_id,)]


def test_workers_are_still_running_after_the_bad_input(run: dict[str, Any]) -> None:
    assert run["process"].alive(), run["process"].log()[-2000:]
    assert run["sink"].alive(), run["sink"].log()[-2000:]


def test_processor_stops_when_most_recent_input_is_dead_lettered(
    settings: Settings, tmp_path: Path
) -> None:
    """The breaker: 40 garbage records with a window of 20 and a 50% limit stop the worker."""
    settings = settings.with_(dlq_window=20, dlq_max_ratio=0.5, dlq_breaker_linger_seconds=0.5)
    asyncio.run(produce_lines(settings, [b"garbage %d" % i for i in range(40)]))
    process = ServiceProcess(settings, "process", log_dir=tmp_path).start()
    try:
        assert process.proc is not None
        code = process.proc.wait(timeout=120)
    finally:
        process.stop()
    assert code != 0
    assert "dlq circuit breaker open" in process.log()

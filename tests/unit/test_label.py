from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest

from sitrep.cli import main
from sitrep.label import Labeller
from sitrep.records.codec import encode
from sitrep.records.model import Forward, Provenance, RawItem
from sitrep.sources import SourceRegistry
from sitrep.understand import default_understander

SHELLING = (
    "Heavy regime shelling hit the town of Saraqib in Idlib countryside this morning, "
    "killing two civilians, residents said"
)


def _labeller() -> Labeller:
    return Labeller(SourceRegistry(), default_understander())


def _label(*lines: Any) -> list[dict[str, Any]]:
    texts = [line if isinstance(line, str) else orjson.dumps(line).decode() for line in lines]
    return [orjson.loads(out.line) for out in _labeller().label_lines(texts)]


def _raw(channel: str, message: int, text: str, forward: Forward | None = None) -> RawItem:
    return RawItem(
        item_id=f"telegram:{channel}:{message}",
        source_kind="telegram",
        source_id=channel,
        native_id=str(message),
        text=text,
        collected_at="2024-11-30T10:05:00Z",
        published_at="2024-11-30T10:00:00Z",
        provenance=Provenance(forward=forward),
    )


def test_one_output_line_per_input_line_in_order() -> None:
    out = _label(
        {"id": "b", "text": SHELLING},
        {"id": "a", "text": "Good morning"},
        {"id": 7, "text": SHELLING},
    )

    assert [line["id"] for line in out] == ["b", "a", "7"]


def test_a_non_event_has_no_events() -> None:
    (out,) = _label({"id": "x", "text": "Good morning, dear followers! Have a blessed Friday."})

    assert out["events"] == []
    assert set(out) == {"id", "language", "events"}


def test_an_event_line_has_the_documented_fields() -> None:
    (out,) = _label({"id": "x", "text": SHELLING, "published_at": "2024-11-30T10:00:00Z"})

    assert set(out["events"][0]) == {
        "event_type",
        "sub_event_type",
        "location",
        "actors",
        "fatalities",
        "occurred_on",
        "claim_status",
        "event_id",
    }
    assert out["events"][0]["event_id"].startswith("ev-")


def test_reports_the_processor_merges_share_an_event_id() -> None:
    out = _label(
        {"id": "1", "text": SHELLING, "source": "monitor", "published_at": "2024-11-30T10:00:00Z"},
        {
            "id": "2",
            "text": f"🔴 URGENT | {SHELLING} @mirror",
            "source": "mirror",
            "published_at": "2024-11-30T10:30:00Z",
        },
    )

    assert out[0]["events"][0]["event_id"] == out[1]["events"][0]["event_id"]


def test_a_forwarded_raw_item_joins_its_origins_event() -> None:
    origin = _raw("militaryops", 45, SHELLING)
    forward = _raw("relay", 9, SHELLING, Forward(channel_id="militaryops", message_id=45))

    out = _label(encode(origin).decode(), encode(forward).decode())

    assert out[1]["id"] == "telegram:relay:9"
    assert out[0]["events"][0]["event_id"] == out[1]["events"][0]["event_id"]


def test_a_bad_line_is_reported_with_its_number_and_the_rest_still_labelled() -> None:
    out = _label(
        "{oops",
        {"id": "x", "text": SHELLING, "source_role": "pundit"},
        {"id": "y", "text": SHELLING},
    )

    assert out[0] == {"id": None, "error": out[0]["error"]}
    assert out[0]["error"].startswith("line 1: ")
    assert "source_role" in out[1]["error"] and out[1]["id"] == "x"
    assert out[2]["events"]


def test_sitrep_label_exits_1_when_a_line_could_not_be_read(
    tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text('{"id": "a", "text": "Good morning"}\n[1, 2]\n', encoding="utf-8")

    code = main(["label", str(path)])

    lines = capsysbinary.readouterr().out.splitlines()
    assert code == 1
    assert [orjson.loads(line)["id"] for line in lines] == ["a", None]


def test_sitrep_label_names_a_missing_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["label", str(tmp_path / "missing.jsonl")])

    assert code == 2
    assert "missing.jsonl" in capsys.readouterr().err

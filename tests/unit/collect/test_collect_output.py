"""The JSON-lines raw item sink (the ``--jsonl`` flag of every ``sitrep import`` command)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitrep.collect.output import (
    JsonlRawItemSink,
    KafkaRawItemSink,
    open_raw_item_sink,
    open_raw_output,
)
from sitrep.ops.settings import Settings
from sitrep.records.codec import decode_raw_item, make_item_id
from sitrep.records.model import RawItem


def _item(native_id: str, text: str) -> RawItem:
    return RawItem(
        item_id=make_item_id("telegram", "1001", native_id),
        source_kind="telegram",
        source_id="1001",
        native_id=native_id,
        text=text,
        collected_at="2024-12-06T21:14:03Z",
    )


async def test_jsonl_sink_writes_one_decodable_record_per_line(tmp_path: Path) -> None:
    path = tmp_path / "items.jsonl"
    items = [_item("1", "first"), _item("2", "قصف مدفعي على ريف إدلب")]
    async with JsonlRawItemSink(str(path), stage="replay") as sink:
        await sink.send(items)
    lines = path.read_bytes().splitlines()
    assert [decode_raw_item(line) for line in lines] == items


async def test_jsonl_sink_to_stdout_writes_to_stdout(
    capsysbinary: pytest.CaptureFixture[bytes],
) -> None:
    async with JsonlRawItemSink("-", stage="replay") as sink:
        await sink.send([_item("7", "hello")])
    out = capsysbinary.readouterr().out
    assert decode_raw_item(out.splitlines()[0]).native_id == "7"


async def test_jsonl_sink_refuses_send_before_start(tmp_path: Path) -> None:
    sink = JsonlRawItemSink(str(tmp_path / "x.jsonl"), stage="replay")
    with pytest.raises(RuntimeError, match="before start"):
        await sink.send([_item("1", "x")])


def test_open_raw_item_sink_picks_jsonl_when_a_path_is_given() -> None:
    settings = Settings.from_env({})
    assert isinstance(open_raw_item_sink(settings, "-", stage="replay"), JsonlRawItemSink)
    assert isinstance(open_raw_item_sink(settings, None, stage="replay"), KafkaRawItemSink)


async def test_jsonl_output_has_no_producer_and_nowhere_to_dead_letter(tmp_path: Path) -> None:
    settings = Settings.from_env({})
    async with open_raw_output(settings, str(tmp_path / "out.jsonl"), stage="replay") as out:
        await out.sink.send([_item("1", "x")])
        assert (out.producer, out.dead_letters, out.checks) == (None, None, {})
    assert decode_raw_item((tmp_path / "out.jsonl").read_bytes()).native_id == "1"

"""The wire collector against the real broker: raw items valid against their schema, keyed by
feed, dead letters with the original bytes, state kept across runs, and the real process."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import jsonschema
import pytest
from tests.services import ServiceProcess, read_topic
from tests.unit.collect.wire.feedserver import WIRE, FeedServer, feed_server

from sitrep.collect.wire.service import run_collector
from sitrep.ops.settings import Settings
from sitrep.records.codec import decode_raw_item
from sitrep.records.topics import DLQ, RAW
from sitrep.sources import Source

pytestmark = pytest.mark.integration
__all__ = ["feed_server"]  # the local HTTP server fixture

SCHEMA = Path(__file__).resolve().parents[2] / "schemas" / "raw_item.v1.schema.json"


def _feeds(server: FeedServer) -> list[Source]:
    return [
        Source(id="levant-wire", kind="wire", url=server.serve_file("/levant", WIRE / "levant-wire.rss.xml"),
               outlet="Levant Wire", role="wire"),
        Source(id="sham-news", kind="wire", url=server.serve_file("/sham", WIRE / "sham-news.rss.xml"),
               role="state_media", side="government"),
        Source(id="wire-three", kind="wire", url=server.serve_file("/g2", WIRE / "newsml-message.xml")),
        Source(id="wire-five", kind="wire",
               url=server.serve_file("/ninjs", WIRE / "wire-collection.ninjs.json")),
        Source(id="broken", kind="wire", url=server.serve_file("/broken", WIRE / "malformed.rss.xml")),
    ]  # fmt: skip


async def test_collected_items_reach_the_raw_topic_valid_and_keyed_by_feed(
    settings: Settings, feed_server: FeedServer
) -> None:
    results = await run_collector(settings, _feeds(feed_server), asyncio.Event(), once=True)
    assert {r.feed_id: r.outcome for r in results} == {
        "levant-wire": "ok",
        "sham-news": "ok",
        "wire-three": "ok",
        "wire-five": "ok",
        "broken": "malformed",
    }
    records = await read_topic(settings, RAW.suffix)
    assert len(records) == sum(r.delivered for r in results) == 4 + 2 + 4 + 3
    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))
    for record in records:
        validator.validate(json.loads(record.value))
        item = decode_raw_item(record.value)
        assert record.key == item.source_id.encode()
        assert item.item_id == f"wire:{item.source_id}:{item.native_id}"
    levant = [decode_raw_item(r.value) for r in records if r.key == b"levant-wire"]
    assert [i.native_id for i in levant][:2] == ["levant-wire-1001", "levant-wire-1002"]


async def test_unreadable_feed_is_dead_lettered_with_its_original_bytes(
    settings: Settings, feed_server: FeedServer
) -> None:
    feeds = [f for f in _feeds(feed_server) if f.id == "broken"]
    await run_collector(settings, feeds, asyncio.Event(), once=True)
    (letter,) = await read_topic(settings, DLQ.suffix)
    assert letter.key == b"broken"
    assert letter.value == (WIRE / "malformed.rss.xml").read_bytes()
    headers = dict(letter.headers)
    assert headers["sitrep-stage"] == b"collect_wire"
    assert headers["sitrep-error-class"] == b"malformed"
    assert b"mismatched tag" in headers["sitrep-error"]


async def test_a_second_run_delivers_only_what_changed(
    settings: Settings, feed_server: FeedServer
) -> None:
    feeds = [f for f in _feeds(feed_server) if f.id == "levant-wire"]
    await run_collector(settings, feeds, asyncio.Event(), once=True)
    (unchanged,) = await run_collector(settings, feeds, asyncio.Event(), once=True)
    assert unchanged.outcome == "not_modified"
    feed_server.serve_file("/levant", WIRE / "levant-wire-updated.rss.xml")
    (changed,) = await run_collector(settings, feeds, asyncio.Event(), once=True)
    assert (changed.new, changed.edited) == (1, 1)
    items = [decode_raw_item(r.value) for r in await read_topic(settings, RAW.suffix)]
    assert [(i.native_id, i.version) for i in items[4:]] == [
        ("levant-wire-1004", 0),
        ("levant-wire-1001", 1),
    ]


async def test_collect_wire_process_polls_until_sigterm(
    settings: Settings, feed_server: FeedServer, tmp_path: Path
) -> None:
    sources = tmp_path / "sources.yaml"
    sources.write_text(
        "feeds:\n"
        f"  - id: levant-wire\n    url: {feed_server.serve_file('/l', WIRE / 'levant-wire.rss.xml')}\n"
        "    poll_seconds: 1\n"
        f"  - id: regional\n    url: {feed_server.serve_file('/r', WIRE / 'regional.rdf.xml')}\n"
        "    poll_seconds: 1\n",
        encoding="utf-8",
    )
    service = ServiceProcess(
        settings.with_(sources_file=str(sources)), "collect", "wire", log_dir=tmp_path / "logs"
    )
    service.start()
    try:
        deadline = time.monotonic() + 60
        records: list[object] = []
        while time.monotonic() < deadline and service.alive():
            records = await read_topic(settings, RAW.suffix)
            if len(records) >= 6 and len(feed_server.hits("/l")) >= 2:
                break
            await asyncio.sleep(0.2)
        assert len(records) == 6, service.log()[-3000:]
        assert len(feed_server.hits("/l")) >= 2  # polled again: 304, nothing new produced
    finally:
        code = await asyncio.to_thread(service.stop)
    assert code == 0, service.log()[-3000:]
    assert len(await read_topic(settings, RAW.suffix)) == 6

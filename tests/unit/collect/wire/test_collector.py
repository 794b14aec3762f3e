"""The collector's polls against a real local HTTP server: new, changed, unchanged, failing."""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import pytest

from sitrep.collect.output import JsonlRawItemSink
from sitrep.collect.wire.collector import WireCollector
from sitrep.collect.wire.fetch import FeedFetcher
from sitrep.collect.wire.seen import FeedStateStore
from sitrep.ops import metrics
from sitrep.records.codec import decode_raw_item
from sitrep.records.dlq import DeadLetter
from sitrep.records.model import RawItem
from sitrep.sources import Source

from .feedserver import WIRE, FeedServer, Reply

UA = "sitrep-test/0.1"


class Clock:
    def __init__(self) -> None:
        self.now = 1_733_520_000.0

    def __call__(self) -> float:
        return self.now


class Harness:
    """A collector writing JSON lines to a file, with its dead letters kept in a list."""

    def __init__(self, tmp_path: Path, fetcher: FeedFetcher, clock: Clock) -> None:
        self.out = tmp_path / "items.jsonl"
        self.state_dir = tmp_path / "state"
        self.fetcher = fetcher
        self.clock = clock
        self.letters: list[DeadLetter] = []
        self.sink = JsonlRawItemSink(str(self.out), stage="collect_wire")

    async def dead_letter(self, letter: DeadLetter) -> None:
        self.letters.append(letter)

    def collector(self, feeds: Sequence[Source], **kwargs: object) -> WireCollector:
        return WireCollector(
            feeds,
            fetcher=self.fetcher,
            sink=self.sink,
            store=FeedStateStore(self.state_dir),
            dead_letters=self.dead_letter,
            clock=self.clock,
            **kwargs,  # type: ignore[arg-type]
        )

    def items(self) -> list[RawItem]:
        return [decode_raw_item(line) for line in self.out.read_bytes().splitlines()]


async def _no_wait(_seconds: float) -> None:
    return None


@pytest.fixture
async def harness(tmp_path: Path) -> AsyncIterator[Harness]:
    async with FeedFetcher(user_agent=UA, sleep=_no_wait, attempts=2, read_timeout=5) as fetcher:
        h = Harness(tmp_path, fetcher, Clock())
        async with h.sink:
            yield h


def _feed(url: str, **kwargs: object) -> Source:
    # unique ids keep this test's metric series apart from other tests'
    return Source(id=f"feed-{uuid.uuid4().hex[:8]}", kind="wire", url=url, **kwargs)  # type: ignore[arg-type]


def _sample(name: str, **labels: str) -> float:
    return metrics.REGISTRY.get_sample_value(name, labels) or 0.0


async def test_first_poll_delivers_every_new_item_keyed_by_the_feed(
    feed_server: FeedServer, harness: Harness
) -> None:
    feed = _feed(feed_server.serve_file("/rss", WIRE / "levant-wire.rss.xml"), outlet="Levant Wire")
    result = await harness.collector([feed]).poll(feed)
    assert (result.outcome, result.new, result.duplicates) == ("ok", 4, 1)
    items = harness.items()
    assert [i.native_id for i in items][:2] == ["levant-wire-1001", "levant-wire-1002"]
    assert {i.source_id for i in items} == {feed.id}
    assert {i.version for i in items} == {0}
    assert items[0].provenance.feed_url == feed.url


async def test_unchanged_feed_answers_304_and_delivers_nothing(
    feed_server: FeedServer, harness: Harness
) -> None:
    feed = _feed(feed_server.serve_file("/rss", WIRE / "levant-wire.rss.xml"))
    collector = harness.collector([feed])
    await collector.poll(feed)
    again = await collector.poll(feed)
    assert again.outcome == "not_modified"
    assert len(harness.items()) == 4
    assert _sample("sitrep_wire_fetches_total", source=feed.id, outcome="not_modified") == 1


async def test_edited_story_is_delivered_again_as_a_new_version(
    feed_server: FeedServer, harness: Harness
) -> None:
    feed = _feed(feed_server.serve_file("/rss", WIRE / "levant-wire.rss.xml"))
    collector = harness.collector([feed])
    await collector.poll(feed)
    feed_server.serve_file("/rss", WIRE / "levant-wire-updated.rss.xml")
    result = await collector.poll(feed)
    assert (result.new, result.edited, result.unchanged) == (1, 1, 3)
    delivered = harness.items()[4:]
    assert [(i.native_id, i.version) for i in delivered] == [
        ("levant-wire-1004", 0),
        ("levant-wire-1001", 1),
    ]
    assert "Two civilians were wounded" in delivered[1].text
    assert _sample("sitrep_collected_items_total", kind="wire", source=feed.id, change="edit") == 1


async def test_what_was_delivered_survives_a_restart(
    feed_server: FeedServer, harness: Harness
) -> None:
    url = feed_server.serve_file("/rss", WIRE / "levant-wire.rss.xml", validators=False)
    feed = _feed(url)
    await harness.collector([feed]).poll(feed)
    restarted = harness.collector([feed])
    result = await restarted.poll(feed)
    assert (result.outcome, result.delivered, result.unchanged) == ("ok", 0, 4)
    assert len(harness.items()) == 4


async def test_validators_survive_a_restart(feed_server: FeedServer, harness: Harness) -> None:
    feed = _feed(feed_server.serve_file("/rss", WIRE / "levant-wire.rss.xml"))
    await harness.collector([feed]).poll(feed)
    result = await harness.collector([feed]).poll(feed)
    assert result.outcome == "not_modified"
    assert "If-None-Match" in feed_server.hits("/rss")[1].headers


async def test_malformed_feed_is_counted_logged_once_and_dead_lettered_once(
    feed_server: FeedServer, harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    body = (WIRE / "malformed.rss.xml").read_bytes()
    feed = _feed(feed_server.serve_file("/rss", WIRE / "malformed.rss.xml", validators=False))
    collector = harness.collector([feed])
    with caplog.at_level(logging.WARNING, logger="sitrep.collect.wire.collector"):
        first = await collector.poll(feed)
        second = await collector.poll(feed)
    assert first.outcome == second.outcome == "malformed"
    assert _sample("sitrep_wire_fetches_total", source=feed.id, outcome="malformed") == 2
    assert [r.getMessage() for r in caplog.records] == ["feed failed"]
    (letter,) = harness.letters
    assert letter.value == body
    assert letter.key == feed.id.encode()
    assert (letter.stage, letter.error_class) == ("collect_wire", "malformed")
    assert "mismatched tag" in letter.error


async def test_truncated_feed_delivers_nothing(feed_server: FeedServer, harness: Harness) -> None:
    body = (WIRE / "levant-wire.rss.xml").read_bytes()
    feed = _feed(feed_server.script("/rss", Reply(body=body[: len(body) * 2 // 3])))
    result = await harness.collector([feed]).poll(feed)
    assert result.outcome == "truncated"
    assert harness.items() == []


async def test_html_page_instead_of_a_feed_is_a_wrong_content_type(
    feed_server: FeedServer, harness: Harness
) -> None:
    feed = _feed(feed_server.serve_file("/rss", WIRE / "not-a-feed.html"))
    result = await harness.collector([feed]).poll(feed)
    assert result.outcome == "wrong_content_type"


async def test_external_entity_is_never_fetched_nor_delivered(
    feed_server: FeedServer, harness: Harness
) -> None:
    feed_server.script("/secret.txt", Reply(body=b"TOP-SECRET-MARKER"))
    payload = (
        '<?xml version="1.0"?>\n'
        f'<!DOCTYPE rss [<!ENTITY leak SYSTEM "{feed_server.url("/secret.txt")}">]>\n'
        '<rss version="2.0"><channel><title>x</title><item><guid>1</guid>'
        "<title>t</title><description>&leak;</description></item></channel></rss>"
    ).encode()
    feed = _feed(feed_server.script("/rss", Reply(body=payload)))
    result = await harness.collector([feed]).poll(feed)
    assert result.outcome == "unsafe_xml"
    assert feed_server.hits("/secret.txt") == []
    assert harness.items() == []
    assert b"TOP-SECRET-MARKER" not in harness.out.read_bytes()


async def test_oversized_feed_is_refused(feed_server: FeedServer, tmp_path: Path) -> None:
    url = feed_server.serve_file("/rss", WIRE / "levant-wire.rss.xml")
    async with FeedFetcher(user_agent=UA, sleep=_no_wait, max_bytes=1000) as small:
        h = Harness(tmp_path, small, Clock())
        async with h.sink:
            feed = _feed(url)
            result = await h.collector([feed]).poll(feed)
    assert result.outcome == "too_large"


async def test_rate_limited_feed_pushes_its_next_poll_back(
    feed_server: FeedServer, harness: Harness
) -> None:
    feed = _feed(
        feed_server.script("/rss", Reply(status=429, headers={"Retry-After": "900"})),
        poll_seconds=60,
    )
    collector = harness.collector([feed])
    result = await collector.poll(feed)
    assert (result.outcome, result.retry_after) == ("rate_limited", 900)
    assert collector.next_delay(feed, result) >= 900


def test_poll_intervals_are_jittered_around_the_feed_interval(harness: Harness) -> None:
    feed = _feed("http://127.0.0.1:9/rss", poll_seconds=300)
    collector = harness.collector([feed])
    delays = {collector.next_delay(feed, None) for _ in range(50)}
    assert all(270 <= d <= 330 for d in delays)
    assert len(delays) > 1


async def test_feed_failing_longer_than_the_threshold_is_reported_stale_once(
    feed_server: FeedServer, harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    feed = _feed(feed_server.url("/gone"))
    collector = harness.collector([feed], stale_after=600)
    with caplog.at_level(logging.ERROR, logger="sitrep.collect.wire.collector"):
        await collector.poll(feed)
        assert collector.stale_feeds() == []
        harness.clock.now += 601
        await collector.poll(feed)
        await collector.poll(feed)
    assert collector.stale_feeds() == [feed.id]
    assert [r.getMessage() for r in caplog.records].count(
        "feed stale: no good fetch for longer than the threshold"
    ) == 1
    feed_server.serve_file("/gone", WIRE / "regional.rdf.xml")
    await collector.poll(feed)
    assert collector.stale_feeds() == []


async def test_undelivered_items_are_delivered_on_the_next_poll(
    feed_server: FeedServer, harness: Harness
) -> None:
    class BrokerDown:
        async def send(self, items: Sequence[RawItem]) -> None:
            raise ConnectionError("broker unavailable")

    feed = _feed(feed_server.serve_file("/rss", WIRE / "regional.rdf.xml"))
    down = WireCollector(
        [feed],
        fetcher=harness.fetcher,
        sink=BrokerDown(),
        store=FeedStateStore(harness.state_dir),  # type: ignore[arg-type]
    )
    assert (await down.poll(feed)).outcome == "sink_error"
    result = await harness.collector([feed]).poll(feed)
    assert (result.outcome, result.new) == ("ok", 2)


async def test_summary_only_items_get_the_article_text_when_the_feed_opts_in(
    feed_server: FeedServer, harness: Harness
) -> None:
    feed_server.serve_file("/articles/bridge.html", WIRE / "article-bridge.html")
    url = feed_server.serve_file("/feeds/atom", WIRE / "front-monitor.atom.xml")
    feed = _feed(url, full_text=True)
    result = await harness.collector([feed]).poll(feed)
    assert result.full_texts == 1
    bridge = harness.items()[2]
    assert bridge.url == feed_server.url("/articles/bridge.html")
    assert bridge.text.startswith("A bridge over the Orontes tributary south of Khan Shaykhun")
    assert "Opposition groups denied the claim" in bridge.text
    assert "Cookie settings" not in bridge.text
    assert len(feed_server.hits("/articles/bridge.html")) == 1


async def test_feeds_without_full_text_keep_their_summaries(
    feed_server: FeedServer, harness: Harness
) -> None:
    feed_server.serve_file("/articles/bridge.html", WIRE / "article-bridge.html")
    feed = _feed(feed_server.serve_file("/feeds/atom", WIRE / "front-monitor.atom.xml"))
    await harness.collector([feed]).poll(feed)
    assert harness.items()[2].text == "A bridge near Khan Shaykhun was hit."
    assert feed_server.hits("/articles/bridge.html") == []


async def test_a_failing_feed_does_not_stop_the_others(
    feed_server: FeedServer, harness: Harness
) -> None:
    good = _feed(feed_server.serve_file("/good", WIRE / "regional.rdf.xml"), poll_seconds=0.02)
    bad = _feed(feed_server.url("/bad"), poll_seconds=0.02)
    collector = harness.collector([bad, good])
    stop = asyncio.Event()
    runner = asyncio.create_task(collector.run(stop, initial_spread=0))
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and (
        len(feed_server.hits("/good")) < 3 or len(feed_server.hits("/bad")) < 3
    ):
        await asyncio.sleep(0.01)
    stop.set()
    await asyncio.wait_for(runner, 20)
    assert len(feed_server.hits("/good")) >= 3
    assert len(feed_server.hits("/bad")) >= 3
    assert len(harness.items()) == 2
    assert _sample("sitrep_wire_fetches_total", source=bad.id, outcome="http_error") >= 3


async def test_metrics_record_fetches_bytes_duration_and_last_success(
    feed_server: FeedServer, harness: Harness
) -> None:
    feed = _feed(feed_server.serve_file("/rss", WIRE / "regional.rdf.xml"))
    await harness.collector([feed]).poll(feed)
    size = len((WIRE / "regional.rdf.xml").read_bytes())
    assert _sample("sitrep_wire_fetches_total", source=feed.id, outcome="ok") == 1
    assert _sample("sitrep_wire_fetch_bytes_total", source=feed.id) >= size
    assert _sample("sitrep_wire_fetch_duration_seconds_count", source=feed.id) == 1
    assert _sample("sitrep_source_last_success_timestamp_seconds", kind="wire", source=feed.id) == (
        harness.clock.now
    )
    assert _sample("sitrep_source_last_item_timestamp_seconds", kind="wire", source=feed.id) == (
        1733479200.0  # 2024-12-06T10:00:00Z, the newest item
    )
    assert _sample("sitrep_collected_items_total", kind="wire", source=feed.id, change="new") == 2


async def test_stop_cancels_a_poll_that_is_waiting_on_a_slow_server(
    feed_server: FeedServer, harness: Harness
) -> None:
    feed = _feed(feed_server.script("/slow", Reply(hold=True)), poll_seconds=60)
    stop = asyncio.Event()
    runner = asyncio.create_task(harness.collector([feed]).run(stop, initial_spread=0))
    deadline = time.monotonic() + 10
    while feed_server.in_flight == 0 and time.monotonic() < deadline:
        await asyncio.sleep(0.01)
    assert feed_server.in_flight == 1
    stop.set()
    await asyncio.wait_for(runner, 10)  # a deadline for a broken stop, not a measurement
    assert harness.items() == []


async def test_a_key_in_the_feed_address_never_reaches_the_logs(
    feed_server: FeedServer, harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    feed = _feed(feed_server.url("/gone") + "?apikey=s3cr3t-k3y")
    collector = harness.collector([feed], stale_after=0)
    with caplog.at_level(logging.DEBUG, logger="sitrep"):
        await collector.poll(feed)
    # httpx's own request log is held at WARNING by sitrep.ops.logging.configure_logging
    ours = [r for r in caplog.records if r.name.startswith("sitrep")]
    logged = " ".join(f"{r.getMessage()} {r.__dict__}" for r in ours)
    assert "feed failed" in logged
    assert "s3cr3t-k3y" not in logged


async def test_an_oversized_item_is_dead_lettered_and_does_not_block_its_feed(
    feed_server: FeedServer, harness: Harness
) -> None:
    huge = "x" * (1100 * 1024)
    body = (
        '<rss version="2.0"><channel><title>c</title>'
        '<item><guid isPermaLink="false">small</guid><title>Small</title><description>fine</description></item>'
        f'<item><guid isPermaLink="false">huge</guid><title>Huge</title><description>{huge}</description></item>'
        "</channel></rss>"
    ).encode()
    feed = _feed(feed_server.script("/rss", Reply(body=body)))
    collector = harness.collector([feed])
    first = await collector.poll(feed)
    second = await collector.poll(feed)
    assert (first.outcome, second.outcome, second.unchanged) == ("ok", "ok", 2)
    assert [i.native_id for i in harness.items()] == ["small"]
    (letter,) = harness.letters
    assert letter.error_class == "item_too_large"
    assert decode_raw_item(letter.value).native_id == "huge"

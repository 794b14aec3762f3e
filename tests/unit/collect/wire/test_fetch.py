"""The fetcher's HTTP manners, against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import gzip
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest

from sitrep.collect.wire.fetch import FeedFetcher, Validators, parse_retry_after

from .feedserver import WIRE, FeedServer, Reply

UA = "sitrep/0.1 (+https://github.com/sitrep; conflict-report ingestion)"


class Sleeps:
    """Records the waits the fetcher asks for instead of waiting (no timed assertions)."""

    def __init__(self) -> None:
        self.asked: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.asked.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
async def fetcher(sleeps: Sleeps) -> AsyncIterator[FeedFetcher]:
    async with FeedFetcher(user_agent=UA, sleep=sleeps, max_bytes=256 * 1024) as f:
        yield f


async def test_feed_is_fetched_with_a_user_agent_naming_sitrep(
    feed_server: FeedServer, fetcher: FeedFetcher
) -> None:
    url = feed_server.serve_file("/rss", WIRE / "levant-wire.rss.xml")
    result = await fetcher.fetch(url)
    assert result.outcome == "ok"
    assert result.body == (WIRE / "levant-wire.rss.xml").read_bytes()
    assert result.content_type == "application/xml; charset=utf-8"
    assert feed_server.requests[0].headers["User-Agent"] == UA


async def test_unchanged_feed_costs_one_304_with_the_etag(
    feed_server: FeedServer, fetcher: FeedFetcher
) -> None:
    url = feed_server.serve_file("/rss", WIRE / "levant-wire.rss.xml")
    first = await fetcher.fetch(url)
    assert first.validators.etag
    again = await fetcher.fetch(url, first.validators)
    assert again.outcome == "not_modified"
    assert again.body == b""
    assert feed_server.requests[1].headers["If-None-Match"] == first.validators.etag


async def test_last_modified_alone_also_gets_a_304(
    feed_server: FeedServer, fetcher: FeedFetcher
) -> None:
    url = feed_server.serve_file("/rss", WIRE / "levant-wire.rss.xml")
    first = await fetcher.fetch(url)
    again = await fetcher.fetch(url, Validators(last_modified=first.validators.last_modified))
    assert again.outcome == "not_modified"


async def test_gzip_body_is_decoded_and_fewer_bytes_cross_the_wire(
    feed_server: FeedServer, fetcher: FeedFetcher
) -> None:
    raw = (WIRE / "levant-wire.rss.xml").read_bytes()
    url = feed_server.serve_file("/rss", WIRE / "levant-wire.rss.xml", gzip=True)
    result = await fetcher.fetch(url)
    assert "gzip" in feed_server.requests[0].headers["Accept-Encoding"]
    assert result.body == raw
    assert result.bytes_received == len(gzip.compress(raw))
    assert result.bytes_received < len(raw)


async def test_429_with_retry_after_is_waited_for_then_retried(
    feed_server: FeedServer, fetcher: FeedFetcher, sleeps: Sleeps
) -> None:
    url = feed_server.script(
        "/rss",
        Reply(status=429, headers={"Retry-After": "7"}),
        Reply(body=(WIRE / "levant-wire.rss.xml").read_bytes()),
    )
    result = await fetcher.fetch(url)
    assert result.outcome == "ok"
    assert result.attempts == 2
    assert sleeps.asked and sleeps.asked[0] >= 7


async def test_503_with_an_http_date_retry_after_is_honoured(
    feed_server: FeedServer, fetcher: FeedFetcher, sleeps: Sleeps
) -> None:
    when = datetime.fromtimestamp(time.time() + 30, tz=UTC).strftime("%a, %d %b %Y %H:%M:%S GMT")
    url = feed_server.script(
        "/rss",
        Reply(status=503, headers={"Retry-After": when}),
        Reply(body=b"<rss version='2.0'><channel><title>t</title></channel></rss>"),
    )
    result = await fetcher.fetch(url)
    assert result.outcome == "ok"
    assert 20 <= sleeps.asked[0] <= 31


async def test_retry_after_longer_than_a_poll_should_wait_is_handed_to_the_scheduler(
    feed_server: FeedServer, fetcher: FeedFetcher, sleeps: Sleeps
) -> None:
    url = feed_server.script("/rss", Reply(status=429, headers={"Retry-After": "3600"}))
    result = await fetcher.fetch(url)
    assert result.outcome == "rate_limited"
    assert result.retry_after == 3600
    assert sleeps.asked == []
    assert len(feed_server.hits("/rss")) == 1


async def test_server_errors_are_retried_with_growing_jittered_backoff(
    feed_server: FeedServer, sleeps: Sleeps
) -> None:
    url = feed_server.script("/rss", Reply(status=500))
    async with FeedFetcher(user_agent=UA, sleep=sleeps, attempts=4, backoff_base=1.0) as fetcher:
        result = await fetcher.fetch(url)
    assert result.outcome == "http_error"
    assert result.status == 500
    assert result.attempts == 4
    assert len(feed_server.hits("/rss")) == 4
    assert len(sleeps.asked) == 3
    assert all(0 <= wait <= 2**n for n, wait in enumerate(sleeps.asked))


async def test_client_errors_are_not_retried(
    feed_server: FeedServer, fetcher: FeedFetcher, sleeps: Sleeps
) -> None:
    result = await fetcher.fetch(feed_server.url("/missing"))
    assert (result.outcome, result.status, result.attempts) == ("http_error", 404, 1)
    assert sleeps.asked == []


async def test_a_server_that_does_not_answer_times_out(
    feed_server: FeedServer, sleeps: Sleeps
) -> None:
    url = feed_server.script("/slow", Reply(hold=True))
    async with FeedFetcher(user_agent=UA, sleep=sleeps, read_timeout=0.3, attempts=2) as fetcher:
        result = await fetcher.fetch(url)
    assert result.outcome == "timeout"
    assert result.attempts == 2


async def test_a_body_dripping_past_the_total_deadline_times_out(
    feed_server: FeedServer, sleeps: Sleeps
) -> None:
    url = feed_server.script("/slow", Reply(hold=True))
    async with FeedFetcher(
        user_agent=UA, sleep=sleeps, read_timeout=30, total_timeout=0.3, attempts=1
    ) as fetcher:
        result = await fetcher.fetch(url)
    assert result.outcome == "timeout"
    assert "0.3s" in result.reason


async def test_body_over_the_cap_with_content_length_is_refused(
    feed_server: FeedServer, fetcher: FeedFetcher
) -> None:
    url = feed_server.script("/big", Reply(body=b"<rss>" + b" " * 300 * 1024 + b"</rss>"))
    result = await fetcher.fetch(url)
    assert result.outcome == "too_large"
    assert "Content-Length" in result.reason
    assert result.body == b""


async def test_chunked_body_over_the_cap_is_cut_off(
    feed_server: FeedServer, fetcher: FeedFetcher
) -> None:
    url = feed_server.script("/big", Reply(body=b"x" * 1024 * 1024, chunked=True))
    result = await fetcher.fetch(url)
    assert result.outcome == "too_large"
    assert result.bytes_received < 1024 * 1024


async def test_gzip_bomb_stops_at_the_decoded_cap(
    feed_server: FeedServer, fetcher: FeedFetcher
) -> None:
    url = feed_server.script("/bomb", Reply(body=b"\0" * 8 * 1024 * 1024, gzip=True))
    result = await fetcher.fetch(url)
    assert result.outcome == "too_large"
    assert result.bytes_received < 64 * 1024


async def test_connection_refused_is_a_network_error(sleeps: Sleeps) -> None:
    async with FeedFetcher(user_agent=UA, sleep=sleeps, attempts=2) as fetcher:
        result = await fetcher.fetch("http://127.0.0.1:9/rss")
    assert result.outcome == "network_error"
    assert result.attempts == 2


class HeldTransport:
    """The network edge for the per-host limit: answers only when released, counts in-flight
    requests per host. In-process, so a broken limit shows within a few loop turns."""

    def __init__(self) -> None:
        self.release = asyncio.Event()
        self.in_flight: dict[str, int] = {}
        self.most: dict[str, int] = {}

    async def handle(self, request: httpx.Request) -> httpx.Response:
        host = request.url.host
        self.in_flight[host] = self.in_flight.get(host, 0) + 1
        self.most[host] = max(self.most.get(host, 0), self.in_flight[host])
        await self.release.wait()
        self.in_flight[host] -= 1
        return httpx.Response(200, content=b"ok")


async def _turns(n: int = 50) -> None:
    for _ in range(n):
        await asyncio.sleep(0)


async def test_at_most_per_host_requests_are_in_flight_to_one_host(sleeps: Sleeps) -> None:
    edge = HeldTransport()
    transport = httpx.MockTransport(edge.handle)
    async with FeedFetcher(user_agent=UA, sleep=sleeps, per_host=2, transport=transport) as f:
        fetches = [asyncio.create_task(f.fetch("http://wire.example.org/rss")) for _ in range(5)]
        await _turns()
        assert edge.in_flight == {"wire.example.org": 2}
        edge.release.set()
        results = await asyncio.gather(*fetches)
    assert [r.outcome for r in results] == ["ok"] * 5
    assert edge.most == {"wire.example.org": 2}


async def test_different_hosts_do_not_wait_for_each_other(sleeps: Sleeps) -> None:
    edge = HeldTransport()
    transport = httpx.MockTransport(edge.handle)
    async with FeedFetcher(user_agent=UA, sleep=sleeps, per_host=1, transport=transport) as f:
        fetches = [
            asyncio.create_task(f.fetch(f"http://{host}.example.org/rss"))
            for host in ("a", "b", "a")
        ]
        await _turns()
        assert edge.in_flight == {"a.example.org": 1, "b.example.org": 1}
        edge.release.set()
        await asyncio.gather(*fetches)


def test_retry_after_accepts_seconds_and_http_dates() -> None:
    now = datetime(2024, 12, 6, 21, 0, tzinfo=UTC)
    assert parse_retry_after("120", now) == 120
    assert parse_retry_after("Fri, 06 Dec 2024 21:01:30 GMT", now) == 90
    assert parse_retry_after("Fri, 06 Dec 2024 20:00:00 GMT", now) == 0
    assert parse_retry_after("soon", now) is None

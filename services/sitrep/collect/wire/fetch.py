"""HTTP for feeds and article pages, with the manners a polite, robust poller needs.

:class:`FeedFetcher` wraps one ``httpx.AsyncClient``:

- a ``User-Agent`` naming sitrep (``Settings.user_agent``) and ``Accept`` for feed types;
- conditional GET: ``If-None-Match``/``If-Modified-Since`` from the last good fetch, so an
  unchanged feed costs one ``304 Not Modified``;
- compression (``Accept-Encoding: gzip, deflate``; httpx decodes);
- timeouts (connect, read, and a deadline for the whole download, so a server dripping bytes
  cannot hold a poll forever) and a cap on the *decoded* size (a gzip bomb stops at the cap);
- at most ``per_host`` requests in flight to one host (a semaphore per host name);
- retries of timeouts, connection errors, 429 and 5xx with exponential backoff and full jitter;
  ``Retry-After`` (seconds or an HTTP date) on 429 and 503 is honoured: waited for when it is
  short, otherwise handed back in :attr:`FetchResult.retry_after` so the next poll waits.

:meth:`FeedFetcher.fetch` never raises for network or HTTP trouble: the result's ``outcome``
says what happened (``ok``, ``not_modified``, ``http_error``, ``rate_limited``, ``timeout``,
``too_large``, ``network_error``) and ``reason`` says it in words. Only cancellation escapes.
Tests inject the transport (``transport=``) and the sleep function (``sleep=``).
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Final, Literal
from urllib.parse import urlsplit

import httpx

from sitrep.collect.wire.entries import parse_time

log = logging.getLogger(__name__)

FetchOutcome = Literal[
    "ok", "not_modified", "http_error", "rate_limited", "timeout", "too_large", "network_error"
]

FEED_ACCEPT: Final = (
    "application/rss+xml, application/atom+xml, application/rdf+xml, application/xml;q=0.9, "
    "text/xml;q=0.9, application/ninjs+json, application/json;q=0.9, */*;q=0.5"
)
PAGE_ACCEPT: Final = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
_RETRY_STATUSES: Final = frozenset({429, 500, 502, 503, 504})
_RETRY_AFTER_STATUSES: Final = frozenset({429, 503})
_HTTP_TOO_MANY_REQUESTS: Final = 429
_HTTP_NOT_MODIFIED: Final = 304
_HTTP_OK_RANGE: Final = range(200, 300)


@dataclass(frozen=True, slots=True)
class Validators:
    """What the server said identifies this version of the document."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True, slots=True)
class FetchResult:
    """One fetch, after any retries. ``body`` is decoded (no gzip) and empty unless ``ok``.

    ``bytes_received`` counts bytes on the wire over all attempts; ``duration`` is seconds from
    the first request to the end, sleeps included. ``retry_after`` is the server's request to
    wait (seconds) that was not waited for here.
    """

    outcome: FetchOutcome
    url: str
    reason: str = ""
    status: int | None = None
    body: bytes = b""
    content_type: str | None = None
    validators: Validators = Validators()
    bytes_received: int = 0
    duration: float = 0.0
    attempts: int = 1
    retry_after: float | None = None

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"


class _TooLarge(Exception):
    pass


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP date), >= 0."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    moment = parse_time(value)
    if moment is None:
        return None
    return max(0.0, (moment - (now or datetime.now(UTC))).total_seconds())


class FeedFetcher:
    """Fetches feed documents and article pages (see the module docstring for the manners).

    Use as ``async with FeedFetcher(...) as fetcher``. Safe to share between feed tasks.
    """

    def __init__(
        self,
        *,
        user_agent: str,
        max_bytes: int = 10 * 1024 * 1024,
        connect_timeout: float = 10.0,
        read_timeout: float = 30.0,
        total_timeout: float = 120.0,
        per_host: int = 2,
        attempts: int = 3,
        backoff_base: float = 1.0,
        backoff_cap: float = 60.0,
        max_retry_after: float = 60.0,
        max_redirects: int = 5,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        rng: random.Random | None = None,
    ) -> None:
        if attempts < 1 or per_host < 1 or max_bytes < 1:
            raise ValueError("attempts, per_host and max_bytes must be at least 1")
        self.max_bytes = max_bytes
        self.total_timeout = total_timeout
        self.per_host = per_host
        self.attempts = attempts
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.max_retry_after = max_retry_after
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._hosts: dict[str, asyncio.Semaphore] = {}
        self._client = httpx.AsyncClient(
            headers={"User-Agent": user_agent, "Accept-Encoding": "gzip, deflate"},
            timeout=httpx.Timeout(read_timeout, connect=connect_timeout),
            follow_redirects=True,
            max_redirects=max_redirects,
            transport=transport,
            trust_env=False,
        )

    async def __aenter__(self) -> FeedFetcher:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()

    def backoff(self, attempt: int) -> float:
        """Full-jitter exponential backoff before retry number ``attempt`` (1, 2, ...)."""
        ceiling = min(self.backoff_cap, self.backoff_base * 2 ** (attempt - 1))
        return self._rng.uniform(0, ceiling)

    async def fetch(
        self, url: str, validators: Validators | None = None, *, accept: str = FEED_ACCEPT
    ) -> FetchResult:
        """GET ``url`` with retries; never raises except on cancellation."""
        started = time.monotonic()
        attempt = 1
        result = await self._attempt(url, validators, accept)
        received = result.bytes_received
        while self._retryable(result) and attempt < self.attempts:
            wait = self.backoff(attempt)
            if result.retry_after is not None:
                if result.retry_after > self.max_retry_after:
                    break  # too long to wait inside a poll: the scheduler waits instead
                wait = max(wait, result.retry_after)
            log.debug(
                "retrying fetch",
                extra={
                    "url": url,
                    "attempt": attempt,
                    "wait": round(wait, 3),
                    "why": result.reason,
                },
            )
            await self._sleep(wait)
            attempt += 1
            result = await self._attempt(url, validators, accept)
            received += result.bytes_received
        return replace(
            result,
            bytes_received=received,
            duration=time.monotonic() - started,
            attempts=attempt,
        )

    @staticmethod
    def _retryable(result: FetchResult) -> bool:
        if result.outcome in ("timeout", "network_error"):
            return True
        return result.status in _RETRY_STATUSES

    def _host_limit(self, url: str) -> asyncio.Semaphore:
        host = (urlsplit(url).hostname or "").lower()
        limit = self._hosts.get(host)
        if limit is None:
            limit = self._hosts[host] = asyncio.Semaphore(self.per_host)
        return limit

    async def _attempt(self, url: str, validators: Validators | None, accept: str) -> FetchResult:
        headers = {"Accept": accept}
        if validators is not None:
            if validators.etag:
                headers["If-None-Match"] = validators.etag
            if validators.last_modified:
                headers["If-Modified-Since"] = validators.last_modified
        async with self._host_limit(url):
            try:
                async with asyncio.timeout(self.total_timeout):
                    return await self._download(url, headers)
            except TimeoutError:
                return FetchResult(
                    "timeout", url, f"no complete answer within {self.total_timeout:g}s"
                )
            except httpx.TimeoutException as exc:
                return FetchResult("timeout", url, f"timed out ({type(exc).__name__})")
            except httpx.TooManyRedirects:
                return FetchResult("http_error", url, "too many redirects")
            except (httpx.HTTPError, httpx.InvalidURL) as exc:
                return FetchResult("network_error", url, f"{type(exc).__name__}: {exc}"[:300])

    async def _download(self, url: str, headers: dict[str, str]) -> FetchResult:
        async with self._client.stream("GET", url, headers=headers) as response:
            final_url = str(response.url)
            status = response.status_code
            if status == _HTTP_NOT_MODIFIED:
                return FetchResult(
                    "not_modified",
                    final_url,
                    "304 Not Modified",
                    status=status,
                    bytes_received=response.num_bytes_downloaded,
                )
            if status not in _HTTP_OK_RANGE:
                retry_after = (
                    parse_retry_after(response.headers.get("Retry-After"))
                    if status in _RETRY_AFTER_STATUSES
                    else None
                )
                return FetchResult(
                    "rate_limited" if status == _HTTP_TOO_MANY_REQUESTS else "http_error",
                    final_url,
                    f"HTTP {status} {response.reason_phrase}".strip(),
                    status=status,
                    bytes_received=response.num_bytes_downloaded,
                    retry_after=retry_after,
                )
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > self.max_bytes:
                return self._too_large(final_url, status, response, f"Content-Length {declared}")
            try:
                body = await self._read_capped(response)
            except _TooLarge:
                return self._too_large(final_url, status, response, "the decoded body")
            return FetchResult(
                "ok",
                final_url,
                f"HTTP {status}",
                status=status,
                body=body,
                content_type=response.headers.get("Content-Type"),
                validators=Validators(
                    response.headers.get("ETag"), response.headers.get("Last-Modified")
                ),
                bytes_received=response.num_bytes_downloaded,
            )

    async def _read_capped(self, response: httpx.Response) -> bytes:
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > self.max_bytes:
                raise _TooLarge
            chunks.append(chunk)
        return b"".join(chunks)

    def _too_large(self, url: str, status: int, response: httpx.Response, what: str) -> FetchResult:
        return FetchResult(
            "too_large",
            url,
            f"{what} exceeds the {self.max_bytes}-byte cap",
            status=status,
            bytes_received=response.num_bytes_downloaded,
        )

"""A real HTTP server on 127.0.0.1 for the wire collector's tests: the network edge.

It serves real files (with ``ETag``/``Last-Modified`` and ``304`` answers to conditional GETs,
optionally gzip-encoded) and scripted replies (a 429 with ``Retry-After`` then a 200, a reply
that is held until the test releases it, a chunked body without ``Content-Length``). Every
request is recorded with its headers, and the number of requests in flight is tracked.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path

import pytest
from aiohttp import web

FIXTURES = Path(__file__).resolve().parents[4] / "tests" / "fixtures"
WIRE = FIXTURES / "wire"
IPTC = FIXTURES / "iptc"

CONTENT_TYPES = {
    ".xml": "application/xml; charset=utf-8",
    ".json": "application/json",
    ".html": "text/html; charset=utf-8",
}


@dataclass
class Reply:
    """One scripted answer."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    gzip: bool = False  # encode with gzip when the client accepts it
    chunked: bool = False  # stream without Content-Length
    hold: bool = False  # wait until FeedServer.release is set (or the client goes away)
    validators: bool = False  # ETag/Last-Modified, and 304 to a matching conditional GET


@dataclass
class Seen:
    path: str
    headers: dict[str, str]


class FeedServer:
    def __init__(self) -> None:
        self._routes: dict[str, list[Reply]] = {}
        self.requests: list[Seen] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self.release = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # --- configuration

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def serve_file(
        self,
        path: str,
        file: Path,
        *,
        content_type: str | None = None,
        gzip: bool = False,
        validators: bool = True,
    ) -> str:
        """Serve a real file at ``path`` (replacing what was there); returns its URL."""
        body = file.read_bytes()
        kind = content_type or CONTENT_TYPES.get(file.suffix, "application/octet-stream")
        self._routes[path] = [
            Reply(body=body, headers={"Content-Type": kind}, gzip=gzip, validators=validators)
        ]
        return self.url(path)

    def script(self, path: str, *replies: Reply) -> str:
        """Answer ``path`` with these replies in order; the last one repeats."""
        self._routes[path] = list(replies)
        return self.url(path)

    def hits(self, path: str) -> list[Seen]:
        return [r for r in self.requests if r.path == path]

    # --- lifecycle

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("GET", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        self.release.set()
        if self._runner is not None:
            await self._runner.cleanup()

    # --- the handler

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        self.requests.append(Seen(request.path, dict(request.headers)))
        replies = self._routes.get(request.path)
        if not replies:
            return web.Response(status=404, text="not found")
        reply = replies.pop(0) if len(replies) > 1 else replies[0]
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if reply.hold:
                await self.release.wait()
            return await self._answer(request, reply)
        finally:
            self.in_flight -= 1

    async def _answer(self, request: web.Request, reply: Reply) -> web.StreamResponse:
        headers = dict(reply.headers)
        body = reply.body
        if reply.validators:
            etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
            modified = datetime(2024, 12, 6, 21, 0, tzinfo=UTC)
            headers["ETag"] = etag
            headers["Last-Modified"] = format_datetime(modified, usegmt=True)
            if request.headers.get("If-None-Match") == etag:
                return web.Response(status=304, headers={"ETag": etag})
            since = request.headers.get("If-Modified-Since")
            unconditional_etag = "If-None-Match" not in request.headers
            if since and unconditional_etag and parsedate_to_datetime(since) >= modified:
                return web.Response(status=304)
        if reply.gzip and "gzip" in request.headers.get("Accept-Encoding", ""):
            body = gzip.compress(body)
            headers["Content-Encoding"] = "gzip"
        if not reply.chunked:
            return web.Response(status=reply.status, body=body, headers=headers)
        response = web.StreamResponse(status=reply.status, headers=headers)
        response.enable_chunked_encoding()
        await response.prepare(request)
        for start in range(0, len(body), 64 * 1024):
            await response.write(body[start : start + 64 * 1024])
        await response.write_eof()
        return response


@pytest.fixture
async def feed_server() -> AsyncIterator[FeedServer]:
    """A started :class:`FeedServer`, stopped after the test (import it to use it)."""
    server = FeedServer()
    await server.start()
    try:
        yield server
    finally:
        await server.stop()

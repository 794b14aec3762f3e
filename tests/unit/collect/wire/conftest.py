"""Fixtures for the wire collector's tests: the local feed server."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from tests.unit.collect.wire.feedserver import FeedServer


@pytest.fixture
async def feed_server() -> AsyncIterator[FeedServer]:
    server = FeedServer()
    await server.start()
    try:
        yield server
    finally:
        await server.stop()

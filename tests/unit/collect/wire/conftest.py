"""Fixtures for the wire collector's tests: the local feed server."""

from tests.unit.collect.wire.feedserver import feed_server

__all__ = ["feed_server"]

"""The wire collector and the one-feed import wired to Kafka, the ops endpoints and signals.

:func:`run_collector` is ``sitrep collect wire`` without the argument parsing: one idempotent
producer carries raw items and dead letters (or ``--jsonl`` writes JSON lines and unreadable
bodies are only logged); ``/metrics``, ``/livez`` and ``/readyz`` are served when
``SITREP_OPS_PORT`` is set. :func:`import_feed` is ``sitrep import feed``: one pass over one
feed given as a file or a URL.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Final

from sitrep.collect.output import open_raw_output
from sitrep.collect.wire.collector import STAGE, PollResult, WireCollector
from sitrep.collect.wire.fetch import FeedFetcher
from sitrep.collect.wire.items import SOURCE_KIND, feed_slug
from sitrep.collect.wire.seen import FeedStateStore
from sitrep.ops.health import OpsServer
from sitrep.ops.settings import Settings
from sitrep.sources import Source, SourceRegistry

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS: Final = 15.0
STATE_DIR: Final = "wire"


def state_store(settings: Settings) -> FeedStateStore:
    """Where feeds' seen-items records and validators live: ``{data_dir}/wire``."""
    return FeedStateStore(Path(settings.data_dir) / STATE_DIR)


def make_fetcher(settings: Settings) -> FeedFetcher:
    return FeedFetcher(user_agent=settings.user_agent)


async def run_collector(
    settings: Settings,
    feeds: Sequence[Source],
    stop: asyncio.Event,
    *,
    jsonl: str | None = None,
    once: bool = False,
    stale_after: float = 3600.0,
    initial_spread: float = 30.0,
) -> list[PollResult]:
    """Poll ``feeds`` until ``stop`` is set (or once each with ``once``); returns the results
    of the single pass when ``once``, else an empty list. Raises on Kafka setup failures."""
    async with (
        make_fetcher(settings) as fetcher,
        open_raw_output(settings, jsonl, stage=STAGE) as out,
    ):
        collector = WireCollector(
            feeds,
            fetcher=fetcher,
            sink=out.sink,
            store=state_store(settings),
            dead_letters=out.dead_letters,
            stale_after=stale_after,
        )
        if once:
            return await collector.run_once()
        # feeds poll every few minutes: liveness must prove the loop turns more often
        async with OpsServer(
            settings, STAGE, out.checks, keepalive_seconds=HEARTBEAT_SECONDS
        ) as ops:
            collector.heartbeat = ops.heartbeat
            await collector.run(stop, initial_spread=initial_spread)
        return []


def is_url(target: str) -> bool:
    return target.lower().startswith(("http://", "https://"))


def feed_for(
    target: str,
    registry: SourceRegistry,
    *,
    source_id: str | None = None,
    feed_format: str | None = None,
    full_text: bool = False,
) -> Source:
    """The feed an import reads: the sources entry named ``source_id`` or listing this URL,
    else an ad-hoc feed whose id is :func:`feed_slug` of the URL (or of the file's name)."""
    address = target if is_url(target) else Path(target).resolve().as_uri()
    wire = registry.of_kind(SOURCE_KIND)
    found: Source | None = None
    if source_id is not None:
        found = registry.lookup(SOURCE_KIND, source_id)
    else:
        found = next((s for s in wire if s.url == target), None)
    if found is None:
        slug = source_id or feed_slug(target if is_url(target) else Path(target).stem)
        found = Source(id=slug, kind=SOURCE_KIND, url=address)
    changes: dict[str, object] = {"url": address}
    if feed_format is not None:
        changes["format"] = feed_format
    if full_text:
        changes["full_text"] = True
    return replace(found, **changes)  # type: ignore[arg-type]


async def import_feed(
    settings: Settings,
    feed: Source,
    *,
    body: bytes | None = None,
    jsonl: str | None = None,
    remember: bool = False,
) -> PollResult:
    """One pass over one feed: fetch ``feed.url`` (or read ``body``, a file's bytes), deliver.

    Stateless unless ``remember``: every item of the document is delivered at version 0.
    With ``remember`` the pass reads and updates the feed's state like a collector poll.
    """
    async with (
        make_fetcher(settings) as fetcher,
        open_raw_output(settings, jsonl, stage=STAGE) as out,
    ):
        collector = WireCollector(
            [feed],
            fetcher=fetcher,
            sink=out.sink,
            store=state_store(settings) if remember else None,
            dead_letters=out.dead_letters,
        )
        if body is None:
            return await collector.poll(feed)
        return await collector.ingest(feed, body, url=feed.url)

"""The wire collector: polls feeds and delivers new and changed items as raw items.

One :class:`WireCollector` serves every feed of the sources file. Each feed has its own task
(:meth:`WireCollector.run`) that polls every ``poll_seconds`` with ±10 % jitter (and a random
first delay) so feeds are not hit in lockstep; a server's ``Retry-After`` pushes the next poll
back. One poll (:meth:`WireCollector.poll`) is:

1. fetch with the feed's validators (an unchanged feed answers 304 and the poll ends);
2. parse (:func:`~sitrep.collect.wire.formats.parse_feed`);
3. compare with what the feed delivered before (:class:`~sitrep.collect.wire.seen.SeenItems`);
4. for feeds with ``full_text: true``, fetch each new or changed item's page and extract its
   main text when the feed gave only a summary;
5. deliver the raw items through the sink (it returns once they are durable), and only then
   remember them and the new validators, and save the feed's state.

A crash between 5's delivery and its save re-delivers the same items (same id and version) on
the next poll: at-least-once, duplicates absorbed downstream.

**Failures never stop the collector.** A poll never raises (except on cancellation): fetch
failures, unreadable bodies and sink errors become a :class:`PollResult` with an outcome, are
counted in ``sitrep_wire_fetches_total{source,outcome}`` and logged once per run of the same
failure (again when the reason changes, and when the feed recovers). An unreadable body
(malformed, truncated, unsafe XML, wrong content type) is also dead-lettered once per distinct
body with its original bytes. A feed without a good fetch for ``stale_after`` seconds is
logged as stale once and listed by :meth:`WireCollector.stale_feeds`.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import random
import time
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Final

from sitrep.collect.output import DeadLetterSender, RawItemSink
from sitrep.collect.wire.entries import FeedDocument, FeedError, WireEntry
from sitrep.collect.wire.fetch import PAGE_ACCEPT, FeedFetcher, FetchResult, Validators
from sitrep.collect.wire.formats import AUTO, parse_feed
from sitrep.collect.wire.fulltext import better_text, extract_article_text
from sitrep.collect.wire.items import (
    SOURCE_KIND,
    content_hash,
    has_content,
    native_id_of,
    public_url,
    to_raw_item,
)
from sitrep.collect.wire.seen import Change, FeedState, FeedStateStore, Sighting
from sitrep.ops import metrics
from sitrep.records.codec import encode
from sitrep.records.dlq import DeadLetter
from sitrep.records.model import RawItem
from sitrep.records.times import parse_iso
from sitrep.sources import Source

log = logging.getLogger(__name__)

STAGE: Final = "collect_wire"
DEAD_LETTER_MAX_BYTES: Final = 4 * 1024 * 1024
MAX_ITEM_BYTES: Final = 1024 * 1024
"""A raw item larger than this (encoded) is dead-lettered instead of produced: no news story is
that long, and one oversized record must not block its feed's every later poll."""
POLL_JITTER: Final = 0.1

Heartbeat = Callable[[int], None]


@dataclass(frozen=True, slots=True)
class PollResult:
    """What one poll of one feed did. ``outcome`` is a fetch outcome (``ok``, ``not_modified``,
    ``http_error``, ``rate_limited``, ``timeout``, ``too_large``, ``network_error``), a body
    failure (``malformed``, ``truncated``, ``unsafe_xml``, ``wrong_content_type``) or
    ``sink_error`` (the items could not be delivered; the next poll tries again)."""

    feed_id: str
    outcome: str
    reason: str = ""
    new: int = 0
    edited: int = 0
    deleted: int = 0
    unchanged: int = 0
    duplicates: int = 0
    skipped: int = 0
    full_texts: int = 0
    retry_after: float | None = None
    format: str | None = None

    @property
    def delivered(self) -> int:
        return self.new + self.edited + self.deleted

    @property
    def ok(self) -> bool:
        return self.outcome in ("ok", "not_modified")


@dataclass(slots=True)
class FeedHealth:
    """A feed's run of failures, for logging once and for staleness (wall-clock seconds)."""

    last_success: float
    failures: int = 0
    failing_with: str | None = None
    stale: bool = False
    newest_item: float = 0.0
    last_dead_letter: str | None = None


@dataclass(slots=True)
class _Delivery:
    items: list[RawItem] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    full_texts: int = 0


class WireCollector:
    """Polls wire feeds and delivers raw items (see the module docstring for the contract).

    ``store`` keeps each feed's state across restarts; ``None`` makes every poll start from
    nothing (``sitrep import feed`` without ``--remember``). ``dead_letters`` receives
    unreadable bodies; ``heartbeat`` is called after every poll with the number of items
    delivered. ``clock`` is wall time in seconds; ``rng`` drives the poll jitter.
    """

    def __init__(
        self,
        feeds: Sequence[Source],
        *,
        fetcher: FeedFetcher,
        sink: RawItemSink,
        store: FeedStateStore | None,
        dead_letters: DeadLetterSender | None = None,
        heartbeat: Heartbeat | None = None,
        stale_after: float = 3600.0,
        article_limit: int = 50,
        clock: Callable[[], float] = time.time,
        rng: random.Random | None = None,
    ) -> None:
        ids = [f.id for f in feeds]
        if len(set(ids)) != len(ids):
            raise ValueError("feed ids must be unique")
        self.feeds = list(feeds)
        self.fetcher = fetcher
        self.sink = sink
        self.store = store
        self.dead_letters = dead_letters
        self.heartbeat = heartbeat
        self.stale_after = stale_after
        self.article_limit = article_limit
        self._clock = clock
        self._rng = rng or random.Random()
        self._states: dict[str, FeedState] = {}
        started = clock()
        self._health: dict[str, FeedHealth] = {f.id: FeedHealth(started) for f in feeds}

    # --- scheduling

    async def run(self, stop: asyncio.Event, *, initial_spread: float = 30.0) -> None:
        """Poll every feed on its own schedule until ``stop`` is set."""
        async with asyncio.TaskGroup() as group:
            for feed in self.feeds:
                first = self._rng.uniform(0, min(feed.poll_seconds, initial_spread))
                group.create_task(self._feed_loop(feed, stop, first), name=f"wire:{feed.id}")

    async def run_once(self) -> list[PollResult]:
        """Poll every feed once, concurrently (per-host limits still apply)."""
        return list(await asyncio.gather(*(self.poll(feed) for feed in self.feeds)))

    def next_delay(self, feed: Source, result: PollResult | None) -> float:
        """Seconds until the feed's next poll: its interval ±10 %, or longer if asked to wait."""
        delay = feed.poll_seconds * self._rng.uniform(1 - POLL_JITTER, 1 + POLL_JITTER)
        if result is not None and result.retry_after is not None:
            delay = max(delay, result.retry_after)
        return delay

    async def _feed_loop(self, feed: Source, stop: asyncio.Event, first_delay: float) -> None:
        delay = first_delay
        while not await _wait(stop, delay):
            try:
                result = await _unless_stopped(self.poll(feed), stop)
            except Exception:  # a bug in one feed's poll must not stop the others
                log.exception("feed poll failed unexpectedly", extra={"source": feed.id})
                result = None
            delay = self.next_delay(feed, result)

    # --- one poll

    async def poll(self, feed: Source) -> PollResult:
        """Fetch, parse, compare, deliver, remember (see the module docstring). Never raises."""
        if not feed.url:
            return self._failed(feed, "malformed", "the feed has no url in the sources file")
        state = await self._state(feed)
        validators = Validators(state.etag, state.last_modified)
        fetched = await self.fetcher.fetch(feed.url, validators)
        metrics.WIRE_FETCH_SECONDS.labels(source=feed.id).observe(fetched.duration)
        metrics.WIRE_FETCH_BYTES.labels(source=feed.id).inc(fetched.bytes_received)
        if fetched.outcome == "not_modified":
            return self._succeeded(feed, PollResult(feed.id, "not_modified", fetched.reason))
        if not fetched.ok:
            return self._failed(feed, fetched.outcome, fetched.reason, fetched.retry_after)
        return await self.ingest(
            feed,
            fetched.body,
            content_type=fetched.content_type,
            url=fetched.url,
            validators=fetched.validators,
        )

    async def ingest(
        self,
        feed: Source,
        body: bytes,
        *,
        content_type: str | None = None,
        url: str | None = None,
        validators: Validators | None = None,
    ) -> PollResult:
        """Steps 2-5 of a poll for a body already in hand (a fetch, or a file to import)."""
        state = await self._state(feed)
        try:
            document = await asyncio.to_thread(
                parse_feed,
                body,
                content_type=content_type,
                declared=feed.format or AUTO,
                url=url,
            )
        except FeedError as exc:
            await self._dead_letter(feed, body, exc, url)
            return self._failed(feed, exc.outcome, exc.reason)
        for warning in document.warnings:
            log.info("feed read leniently", extra={"source": feed.id, "warning": warning[:300]})
        collected_at = datetime.fromtimestamp(self._clock(), tz=UTC)
        entries = [e for e in document.entries if has_content(e)]
        sightings = [Sighting(native_id_of(e), content_hash(e), e.link, e.deleted) for e in entries]
        comparison = state.seen.changes(sightings)
        delivery = await self._prepare(
            feed,
            document=document,
            entries=entries,
            changes=comparison.changes,
            collected_at=collected_at,
            url=url,
        )
        try:
            await self.sink.send(delivery.items)
        except Exception as exc:  # Kafka down: keep polling, deliver on the next poll
            log.exception(
                "could not deliver feed items; they will be sent again on the next poll",
                extra={"source": feed.id, "items": len(delivery.items)},
            )
            return PollResult(feed.id, "sink_error", f"{type(exc).__name__}: {exc}"[:300])
        state.seen.remember(sightings, delivery.changes)
        changed_validators = validators is not None and (
            validators.etag != state.etag or validators.last_modified != state.last_modified
        )
        if validators is not None:
            state.etag, state.last_modified = validators.etag, validators.last_modified
        if self.store is not None and (delivery.items or changed_validators):
            await asyncio.to_thread(self.store.save, state)
        counts = {
            kind: sum(1 for c in delivery.changes if c.kind == kind)
            for kind in ("new", "edit", "delete")
        }
        result = PollResult(
            feed.id,
            "ok",
            f"{len(entries)} items in the document",
            new=counts["new"],
            edited=counts["edit"],
            deleted=counts["delete"],
            unchanged=comparison.unchanged,
            duplicates=comparison.duplicates,
            skipped=len(document.entries) - len(entries),
            full_texts=delivery.full_texts,
            format=document.format,
        )
        self._count_items(feed, result, delivery.items)
        return self._succeeded(feed, result)

    async def _prepare(
        self,
        feed: Source,
        *,
        document: FeedDocument,
        entries: list[WireEntry],
        changes: Sequence[Change],
        collected_at: datetime,
        url: str | None,
    ) -> _Delivery:
        delivery = _Delivery(changes=list(changes))
        budget = self.article_limit if feed.full_text else 0
        for change in changes:
            entry = entries[change.index]
            article: str | None = None
            if budget > 0 and entry.summary_only and entry.link and not entry.deleted:
                budget -= 1
                article = await self._article_text(feed, entry)
                delivery.full_texts += article is not None
            item = to_raw_item(
                entry,
                feed=feed,
                feed_format=document.format,
                feed_url=feed.url or url,
                native_id=change.sighting.native_id,
                version=change.version,
                collected_at=collected_at,
                full_text=article,
            )
            encoded = encode(item)
            if len(encoded) > MAX_ITEM_BYTES:
                # remembered as delivered (so it is not retried) but sent to the DLQ instead
                await self._dead_letter_item(feed, item, encoded)
                continue
            delivery.items.append(item)
        return delivery

    async def _dead_letter_item(self, feed: Source, item: RawItem, encoded: bytes) -> None:
        reason = (
            f"{feed.id}: raw item {item.item_id} v{item.version} is {len(encoded)} bytes, over "
            f"the {MAX_ITEM_BYTES}-byte limit for one item"
        )
        log.warning(
            "raw item too large; dead-lettered", extra={"source": feed.id, "reason": reason}
        )
        if self.dead_letters is None:
            return
        letter = DeadLetter(
            stage=STAGE,
            error_class="item_too_large",
            error=reason,
            value=encoded[:DEAD_LETTER_MAX_BYTES],
            key=feed.id.encode("utf-8"),
        )
        try:
            await self.dead_letters(letter)
        except Exception:  # the DLQ is best effort here too
            log.exception("could not dead-letter a raw item", extra={"source": feed.id})

    async def _article_text(self, feed: Source, entry: WireEntry) -> str | None:
        """The article page's main text when it is better than the feed's summary."""
        assert entry.link is not None  # checked by the caller
        fetched: FetchResult = await self.fetcher.fetch(entry.link, accept=PAGE_ACCEPT)
        metrics.WIRE_FETCHES.labels(source=feed.id, outcome=f"article_{fetched.outcome}").inc()
        metrics.WIRE_FETCH_BYTES.labels(source=feed.id).inc(fetched.bytes_received)
        if not fetched.ok:
            log.info(
                "article page not fetched; keeping the feed's summary",
                extra={"source": feed.id, "url": entry.link, "reason": fetched.reason},
            )
            return None
        article = await asyncio.to_thread(extract_article_text, fetched.body, fetched.url)
        return better_text(entry.text, article, entry.title)

    async def _state(self, feed: Source) -> FeedState:
        state = self._states.get(feed.id)
        if state is None:
            if self.store is None:
                state = FeedState(feed.id, feed.url)
            else:
                state = await asyncio.to_thread(self.store.load, feed.id, feed.url)
            self._states[feed.id] = state
        return state

    # --- accounting: metrics, logs once, staleness, dead letters

    def _health_of(self, feed: Source) -> FeedHealth:
        health = self._health.get(feed.id)
        if health is None:
            health = self._health[feed.id] = FeedHealth(self._clock())
        return health

    def _succeeded(self, feed: Source, result: PollResult) -> PollResult:
        health = self._health_of(feed)
        now = self._clock()
        metrics.WIRE_FETCHES.labels(source=feed.id, outcome=result.outcome).inc()
        metrics.SOURCE_LAST_SUCCESS.labels(kind=SOURCE_KIND, source=feed.id).set(now)
        if health.failures:
            log.info(
                "feed recovered",
                extra={"source": feed.id, "failures": health.failures, "was": health.failing_with},
            )
        health.last_success, health.failures, health.failing_with = now, 0, None
        health.stale = False
        level = logging.INFO if result.delivered else logging.DEBUG
        log.log(
            level,
            "feed polled",
            extra={
                "source": feed.id,
                "outcome": result.outcome,
                "new": result.new,
                "edited": result.edited,
                "deleted": result.deleted,
                "unchanged": result.unchanged,
                "duplicates": result.duplicates,
                "skipped": result.skipped,
            },
        )
        if self.heartbeat is not None:
            self.heartbeat(result.delivered)
        return result

    def _failed(
        self, feed: Source, outcome: str, reason: str, retry_after: float | None = None
    ) -> PollResult:
        health = self._health_of(feed)
        now = self._clock()
        metrics.WIRE_FETCHES.labels(source=feed.id, outcome=outcome).inc()
        health.failures += 1
        if health.failing_with != outcome:
            log.warning(
                "feed failed",
                extra={
                    "source": feed.id,
                    "url": public_url(feed.url),
                    "outcome": outcome,
                    "reason": reason,
                },
            )
            health.failing_with = outcome
        if not health.stale and now - health.last_success > self.stale_after:
            health.stale = True
            log.error(
                "feed stale: no good fetch for longer than the threshold",
                extra={
                    "source": feed.id,
                    "url": public_url(feed.url),
                    "seconds_since_success": round(now - health.last_success),
                    "stale_after": self.stale_after,
                    "reason": reason,
                },
            )
        if self.heartbeat is not None:
            self.heartbeat(0)
        return PollResult(feed.id, outcome, reason, retry_after=retry_after)

    def stale_feeds(self) -> list[str]:
        """Ids of feeds without a good fetch for longer than ``stale_after`` seconds."""
        now = self._clock()
        return [
            feed_id
            for feed_id, health in self._health.items()
            if now - health.last_success > self.stale_after
        ]

    def _count_items(self, feed: Source, result: PollResult, items: Sequence[RawItem]) -> None:
        for change, count in (
            ("new", result.new),
            ("edit", result.edited),
            ("delete", result.deleted),
        ):
            if count:
                metrics.COLLECTED.labels(kind=SOURCE_KIND, source=feed.id, change=change).inc(count)
        if items:
            metrics.ITEMS_IN.labels(stage=STAGE).inc(len(items))
        health = self._health_of(feed)
        for item in items:
            if item.published_at and not item.provenance.published_at_estimated:
                published = parse_iso(item.published_at).timestamp()
                if published > health.newest_item:
                    health.newest_item = published
                    metrics.SOURCE_LAST_ITEM.labels(kind=SOURCE_KIND, source=feed.id).set(published)

    async def _dead_letter(
        self, feed: Source, body: bytes, error: FeedError, url: str | None
    ) -> None:
        """Dead-letter an unreadable body once per distinct body (a broken feed stays broken)."""
        if self.dead_letters is None:
            return
        health = self._health_of(feed)
        digest = hashlib.sha256(body).hexdigest()
        if health.last_dead_letter == digest:
            return
        cut = len(body) > DEAD_LETTER_MAX_BYTES
        reason = f"{feed.id} ({public_url(url or feed.url)}): {error.reason}"
        if cut:
            reason += f" [first {DEAD_LETTER_MAX_BYTES} of {len(body)} bytes kept]"
        letter = DeadLetter(
            stage=STAGE,
            error_class=error.outcome,
            error=reason,
            value=body[:DEAD_LETTER_MAX_BYTES],
            key=feed.id.encode("utf-8"),
        )
        try:
            await self.dead_letters(letter)
        except Exception:  # the DLQ is best effort for feed bodies
            log.exception(
                "could not dead-letter an unreadable feed body", extra={"source": feed.id}
            )
            return
        health.last_dead_letter = digest


async def _unless_stopped(
    poll: Coroutine[Any, Any, PollResult], stop: asyncio.Event
) -> PollResult | None:
    """Run a poll; cancel it when ``stop`` is set first (None then). A cancelled poll saved
    nothing, so the next start repeats it: at worst its items are delivered twice."""
    task = asyncio.ensure_future(poll)
    stopped = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({task, stopped}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopped.cancel()
        if not task.done():
            task.cancel()
    if not task.done():
        with contextlib.suppress(asyncio.CancelledError):
            await task
        return None
    return task.result()


async def _wait(stop: asyncio.Event, seconds: float) -> bool:
    """Wait up to ``seconds``; True when ``stop`` was set (then the caller ends)."""
    if stop.is_set():
        return True
    try:
        await asyncio.wait_for(stop.wait(), timeout=max(0.0, seconds))
    except TimeoutError:
        return False
    return True

"""The Telegram collector: follows channels, produces raw items, keeps per-channel checkpoints.

The shell around :mod:`~sitrep.collect.telegram.mapping`. One :class:`TelegramCollector` per
Telegram session (Telegram refuses a session used by two processes at once).

Life cycle (:meth:`TelegramCollector.run`):

1. load checkpoints; register one raw-update handler on the client;
2. connect, check the session is logged in (else :class:`TelegramAuthorizationError`);
3. resolve every channel of the sources file once (kept for the life of the process; a channel
   already checkpointed is reached through its stored access hash, without a username lookup);
4. **catch up** every channel from its checkpoint, oldest first, in pages; a channel seen for
   the first time is backfilled to :class:`BackfillDepth`;
5. follow **live updates**: new messages, edits (a new version of the same item), deletions
   (tombstones); albums are held until all parts arrived (``album_wait_seconds`` of quiet, or
   the next message of the channel);
6. on a lost connection (or an RPC error that outlasted its retries): count a reconnect, back
   off exponentially, go to 2 (and so catch up again from the checkpoints: nothing posted
   while disconnected is missed).

Delivery guarantee: a channel's checkpoint (the highest message id handled) is stored only
after the sink returned, i.e. after Kafka acknowledged every item up to it. A crash re-sends at
most the items after the last checkpoint; downstream absorbs them by ``item_id``/``version``.
Per channel, items are sent in message-id order. A live message whose id does not follow the
last one seen (a missed update) triggers a catch-up read of that channel instead.

A message that cannot be mapped is dead-lettered (TL bytes and reason) and skipped; the
checkpoint moves past it. Errors of the sink or the checkpoint store (Kafka unreachable) end
:meth:`run`: the process exits and its restart resumes from the checkpoints.
"""

from __future__ import annotations

import asyncio
import logging
import re
import struct
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Any, Final

from telethon import errors, events
from telethon.tl import types

from sitrep.collect.output import RawItemSink
from sitrep.collect.telegram.checkpoints import ChannelCheckpoint, CheckpointStore
from sitrep.collect.telegram.client import TelegramApi
from sitrep.collect.telegram.mapping import (
    ChannelInfo,
    TelegramMappingError,
    album_to_item,
    channel_id_of,
    deletion_to_item,
    group_albums,
    is_album,
    is_post,
)
from sitrep.collect.telegram.pacing import ChannelUnavailable, Pacing, TelegramAuthorizationError
from sitrep.ops import metrics
from sitrep.records.dlq import DeadLetter, DlqBreaker
from sitrep.records.model import RawItem
from sitrep.records.times import parse_iso, to_iso
from sitrep.sources import Source

log = logging.getLogger(__name__)

STAGE: Final = "collect_telegram"
KIND: Final = "telegram"
MAX_ALBUM_PARTS: Final = 10  # Telegram's limit
MIN_PAGE_SIZE: Final = 2 * MAX_ALBUM_PARTS

DeadLetterHandler = Callable[[DeadLetter], Awaitable[None]]


class ConnectionLost(ConnectionError):
    """The Telegram connection closed under the collector."""


RECONNECT_ERRORS: Final = (ConnectionError, OSError, TimeoutError)
# RPC errors that reach the reconnect loop are transient ones that outlasted their retries
# (pacing turns authorization errors and refusals into their own exceptions first)
RECYCLE_ERRORS: Final = (*RECONNECT_ERRORS, errors.RPCError)


@dataclass(frozen=True, slots=True)
class BackfillDepth:
    """How far back a channel seen for the first time is read.

    ``since`` set: everything posted since that moment. Otherwise about the last ``messages``
    message ids (deleted and service messages count; 0 = only what comes next).
    """

    messages: int = 200
    since: datetime | None = None


_LINK = re.compile(r"^(?:https?://)?(?:www\.)?(?:t|telegram)\.me/", re.IGNORECASE)


def normalize_ref(channel: str) -> str:
    """A sources-file channel reference in one form: ``"@Name"``, ``"t.me/Name"`` and
    ``"name"`` give ``"name"``; a numeric id, bare or marked (``-100…``), gives the bare id."""
    ref = _LINK.sub("", channel.strip()).strip("/").lstrip("@")
    if re.fullmatch(r"-?\d+", ref):
        digits = ref.lstrip("-")
        if ref.startswith("-100") and len(digits) > 3:
            digits = digits[3:]
        return str(int(digits))
    return ref.lower()


@dataclass(slots=True)
class FollowedChannel:
    """What the collector knows about one followed channel while it runs."""

    source: Source
    ref: str
    info: ChannelInfo
    peer: Any
    access_hash: int | None
    checkpoint: int | None  # highest message id handled and acknowledged; None = never read
    saved: int | None = None  # the checkpoint as last stored
    last_seen: int = 0  # highest message id seen (handled or waiting in an album)
    pending: list[Any] = field(default_factory=list)  # album parts waiting for the rest
    pending_at: datetime | None = None

    def to_checkpoint(self, updated_at: str) -> ChannelCheckpoint:
        return ChannelCheckpoint(
            channel_id=self.info.channel_id,
            last_message_id=self.checkpoint or 0,
            source_ref=self.ref,
            access_hash=self.access_hash,
            username=self.info.username,
            title=self.info.title,
            updated_at=updated_at,
        )


def _public_username(entity: Any) -> str | None:
    """The channel's username, or its first active one when it has several (collectible)."""
    if entity.username:
        return str(entity.username)
    for name in getattr(entity, "usernames", None) or ():
        if getattr(name, "active", False):
            return str(name.username)
    return None


def _message_bytes(message: Any) -> bytes:
    """The TL serialization of a message for the dead-letter topic (repr if it has none)."""
    try:
        return bytes(message)
    except (TypeError, ValueError, AttributeError, struct.error, OverflowError):
        return repr(message).encode("utf-8", "replace")


class TelegramCollector:
    """Collects the Telegram channels of ``sources`` into ``sink``; see the module contract.

    ``page_size`` messages are read per history request (at least 20, at most 100: Telegram's
    page). ``recent_ids`` bounds the memory used to resolve deletions Telegram sends without a
    channel. ``breaker`` stops the collector if most messages are dead-lettered (a Telethon
    upgrade that changed its types should page someone, not fill the DLQ).
    """

    def __init__(
        self,
        client: TelegramApi,
        sources: Sequence[Source],
        sink: RawItemSink,
        checkpoints: CheckpointStore,
        dead_letters: DeadLetterHandler,
        *,
        pacing: Pacing | None = None,
        backfill: BackfillDepth | None = None,
        page_size: int = 100,
        album_wait_seconds: float = 2.0,
        recent_ids: int = 50_000,
        breaker: DlqBreaker | None = None,
    ) -> None:
        if not MIN_PAGE_SIZE <= page_size <= 100:
            raise ValueError(f"page_size must be between {MIN_PAGE_SIZE} and 100, got {page_size}")
        self._client = client
        self._sources = list(sources)
        self._sink = sink
        self._checkpoints = checkpoints
        self._dead_letters = dead_letters
        self._pacing = pacing or Pacing()
        self._clock = self._pacing.clock
        self._backfill = backfill or BackfillDepth()
        self._page_size = page_size
        self._album_wait = timedelta(seconds=album_wait_seconds)
        self._recent_limit = recent_ids
        self._breaker = breaker or DlqBreaker(STAGE)
        self._updates: asyncio.Queue[Any] = asyncio.Queue()
        self._stored: dict[str, ChannelCheckpoint] = {}
        self._by_source: dict[str, FollowedChannel] = {}
        self._channels: dict[int, FollowedChannel] = {}
        self._recent: OrderedDict[int, set[int]] = OrderedDict()
        self._newest_item: dict[str, float] = {}
        self._dialogs_loaded = False
        self._handler_added = False

    # ------------------------------------------------------------------ public
    @property
    def channels(self) -> dict[str, FollowedChannel]:
        """The followed channels by source id (resolved so far)."""
        return dict(self._by_source)

    async def run(self, stop: asyncio.Event) -> None:
        """Collect until ``stop`` is set.

        Raises :class:`TelegramAuthorizationError` when the session cannot be used, and lets
        errors of the sink and the checkpoint store through (see the module contract).
        Connection losses are handled here: counted, backed off, reconnected, caught up.
        """
        self._stored = {c.source_ref: c for c in await self._checkpoints.load()}
        if not self._handler_added:
            self._client.add_event_handler(self._on_update, events.Raw())
            self._handler_added = True
        failures = 0
        try:
            while not stop.is_set():
                try:
                    await self._connect()
                    await self._catch_up_all(stop)
                    failures = 0
                    await self._follow_live(stop)
                except RECYCLE_ERRORS as exc:
                    failures += 1
                    metrics.TELEGRAM_RECONNECTS.inc()
                    delay = self._pacing.backoff_seconds(failures)
                    log.warning(
                        "telegram connection lost; reconnecting",
                        extra={
                            "error": type(exc).__name__,
                            "attempt": failures,
                            "sleep_seconds": round(delay, 3),
                        },
                    )
                    await self._disconnect()
                    await self._sleep_unless_stopped(delay, stop)
        finally:
            await self._disconnect()

    # ------------------------------------------------------------------ connection
    async def _connect(self) -> None:
        if not self._client.is_connected():
            await self._client.connect()
        authorized = await self._pacing.call("is_user_authorized", self._client.is_user_authorized)
        if not authorized:
            raise TelegramAuthorizationError(
                "the Telegram session is not logged in: create one with `sitrep telegram login` "
                "and put it in SITREP_TELEGRAM_SESSION (a Kubernetes Secret)"
            )
        log.info("telegram connected", extra={"channels": len(self._sources)})

    async def _disconnect(self) -> None:
        if self._client.is_connected():
            try:
                await self._client.disconnect()
            except RECONNECT_ERRORS as exc:
                log.info("telegram disconnect failed", extra={"error": type(exc).__name__})

    async def _sleep_unless_stopped(self, seconds: float, stop: asyncio.Event) -> None:
        sleeper = asyncio.ensure_future(self._clock.sleep(seconds))
        stopper = asyncio.ensure_future(stop.wait())
        try:
            await asyncio.wait({sleeper, stopper}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            sleeper.cancel()
            stopper.cancel()

    # ------------------------------------------------------------------ channels
    async def _follow(self, source: Source) -> FollowedChannel:
        known = self._by_source.get(source.id)
        if known is not None:
            return known
        ref = normalize_ref(source.channel or source.id)
        stored = self._stored.get(ref)
        if stored is not None and stored.access_hash is not None:
            info = ChannelInfo(stored.channel_id, stored.username, stored.title)
            access_hash: int | None = stored.access_hash
            peer: Any = types.InputPeerChannel(stored.channel_id, stored.access_hash)
        else:
            entity = await self._resolve(ref)
            info = ChannelInfo(entity.id, _public_username(entity), entity.title)
            access_hash = entity.access_hash
            peer = entity if access_hash is None else types.InputPeerChannel(entity.id, access_hash)
            if stored is not None and stored.channel_id != entity.id:
                stored = None  # the username now names another channel: start afresh
        if info.channel_id in self._channels:
            raise ChannelUnavailable(
                f"{source.channel!r} is the same channel as source "
                f"{self._channels[info.channel_id].source.id!r}; list each channel once"
            )
        checkpoint = stored.last_message_id if stored is not None else None
        channel = FollowedChannel(source, ref, info, peer, access_hash, checkpoint, checkpoint)
        self._by_source[source.id] = channel
        self._channels[info.channel_id] = channel
        return channel

    async def _resolve(self, ref: str) -> Any:
        """Look a channel up once: by username (``contacts.resolveUsername``) or by numeric id
        (from the session's entity cache, filled from the dialogs if needed)."""
        if ref.isdigit():
            peer = types.PeerChannel(int(ref))
            try:
                entity = await self._pacing.call(
                    "get_entity", lambda: self._client.get_entity(peer)
                )
            except ValueError:
                if self._dialogs_loaded:
                    entity = None
                else:
                    self._dialogs_loaded = True
                    await self._pacing.call("get_dialogs", self._client.get_dialogs)
                    try:
                        entity = await self._pacing.call(
                            "get_entity", lambda: self._client.get_entity(peer)
                        )
                    except ValueError:
                        entity = None
            if entity is None:
                raise ChannelUnavailable(
                    f"channel id {ref} is unknown to this account: join the channel with the "
                    "collector's account, or name it by its username in the sources file"
                )
        else:
            try:
                entity = await self._pacing.call(
                    "resolve_username", lambda: self._client.get_entity(ref)
                )
            except ValueError:
                raise ChannelUnavailable(f"no channel has the username @{ref}") from None
        if not isinstance(entity, types.Channel):
            raise ChannelUnavailable(f"{ref} is a {type(entity).__name__}, not a channel")
        return entity

    # ------------------------------------------------------------------ catch-up
    async def _catch_up_all(self, stop: asyncio.Event) -> None:
        for source in self._sources:
            if stop.is_set():
                return
            try:
                channel = await self._follow(source)
                await self._catch_up(channel)
            except ChannelUnavailable as exc:
                log.error(  # noqa: TRY400 - an expected refusal, not a bug: no traceback
                    "telegram channel unavailable; skipped until the next reconnect",
                    extra={"source": source.id, "reason": str(exc)},
                )

    async def _newest_id(self, channel: FollowedChannel) -> int:
        newest = await self._pacing.call(
            "get_messages", lambda: self._client.get_messages(channel.peer, limit=1)
        )
        return max((m.id for m in newest or () if m is not None), default=0)

    async def _backfill_start(self, channel: FollowedChannel) -> tuple[int, int | None]:
        """Where a new channel's reading starts (an id to read after), and its newest id if
        that had to be asked."""
        since = self._backfill.since
        if since is None:
            newest = await self._newest_id(channel)
            return max(0, newest - max(0, self._backfill.messages)), newest
        before = await self._pacing.call(
            "get_messages",
            lambda: self._client.get_messages(channel.peer, limit=1, offset_date=since),
        )
        return max((m.id for m in before or () if m is not None), default=0), None

    async def _catch_up(self, channel: FollowedChannel) -> None:
        """Read ``channel`` from its checkpoint to its newest message, oldest first.

        An idle channel costs one request. The newest id (for the progress gauge and logs) is
        only asked for when there is a backlog: a new channel, or a first page that is full.
        """
        source = channel.source.id
        newest: int | None = None
        if channel.checkpoint is None:
            channel.checkpoint, newest = await self._backfill_start(channel)
            log.info(
                "telegram backfill of a new channel",
                extra={"source": source, "from_id": channel.checkpoint, "to_id": newest},
            )
        start = channel.checkpoint
        remaining = metrics.TELEGRAM_BACKFILL_REMAINING.labels(source=source)
        channel.pending.clear()
        read = 0
        while True:
            after = channel.checkpoint
            page = await self._pacing.call(
                "get_messages",
                partial(
                    self._client.get_messages,
                    channel.peer,
                    limit=self._page_size,
                    min_id=after,
                    reverse=True,
                ),
            )
            page = list(page or ())
            messages = sorted(
                (m for m in page if m is not None and m.id > after), key=lambda m: m.id
            )
            if not messages:
                break
            groups = group_albums(messages)
            full = len(page) >= self._page_size
            if full and newest is None:
                newest = await self._newest_id(channel)
            if full and len(groups) > 1 and is_album(groups[-1]):
                groups.pop()  # the album may go on in the next page: read it whole then
            await self._deliver(channel, groups, change="new")
            read += sum(len(g) for g in groups)
            if newest is not None:
                left = max(0, newest - (channel.checkpoint or 0))
                remaining.set(left)
                log.info(
                    "telegram backfill progress",
                    extra={
                        "source": source,
                        "read": read,
                        "checkpoint": channel.checkpoint,
                        "remaining": left,
                    },
                )
            if not full:
                break
        remaining.set(0)
        if channel.saved != channel.checkpoint:
            await self._save(channel)
        channel.last_seen = channel.checkpoint or 0
        metrics.SOURCE_LAST_SUCCESS.labels(kind=KIND, source=source).set(
            self._clock.now().timestamp()
        )
        if read:
            log.info(
                "telegram channel caught up",
                extra={
                    "source": source,
                    "read": read,
                    "from_id": start,
                    "checkpoint": channel.checkpoint,
                },
            )

    # ------------------------------------------------------------------ delivery
    def _collected_at(self) -> str:
        return to_iso(self._clock.now())

    async def _map(self, channel: FollowedChannel, group: Sequence[Any]) -> RawItem | None:
        """One item for a group of messages, or ``None`` (service messages; dead-lettered)."""
        posts = [m for m in group if is_post(m)]
        if not posts:
            return None
        try:
            item = album_to_item(posts, channel.info, self._collected_at())
        except (TelegramMappingError, TypeError, AttributeError, ValueError) as exc:
            for message in posts:
                await self._dead_letters(
                    DeadLetter(
                        stage=STAGE,
                        error_class=type(exc).__name__,
                        error=f"telegram message {getattr(message, 'id', '?')} of channel "
                        f"{channel.info.channel_id} ({channel.source.id}): {exc}",
                        value=_message_bytes(message),
                        key=channel.info.source_id.encode(),
                    )
                )
                self._breaker.record(ok=False)
            return None
        self._breaker.record(ok=True)
        return item

    async def _deliver(
        self, channel: FollowedChannel, groups: Sequence[Sequence[Any]], change: str
    ) -> None:
        """Send the items of ``groups`` (in id order), then advance and store the checkpoint."""
        items: list[RawItem] = []
        top = channel.checkpoint or 0
        for group in groups:
            top = max(top, *(m.id for m in group))
            item = await self._map(channel, group)
            if item is not None:
                items.append(item)
                self._remember(channel, group)
        await self._send(channel, items, change)
        if top > (channel.checkpoint or 0):
            channel.checkpoint = top
            await self._save(channel)

    async def _send(self, channel: FollowedChannel, items: Sequence[RawItem], change: str) -> None:
        if not items:
            return
        await self._sink.send(items)
        source = channel.source.id
        metrics.COLLECTED.labels(kind=KIND, source=source, change=change).inc(len(items))
        metrics.ITEMS_IN.labels(stage=STAGE).inc(len(items))
        now = self._clock.now().timestamp()
        metrics.LAST_PROGRESS.labels(stage=STAGE).set(now)
        metrics.SOURCE_LAST_SUCCESS.labels(kind=KIND, source=source).set(now)
        published = [parse_iso(i.published_at).timestamp() for i in items if i.published_at]
        if published and max(published) > self._newest_item.get(source, 0.0):
            self._newest_item[source] = max(published)
            metrics.SOURCE_LAST_ITEM.labels(kind=KIND, source=source).set(max(published))

    async def _save(self, channel: FollowedChannel) -> None:
        await self._checkpoints.save(channel.to_checkpoint(self._collected_at()))
        channel.saved = channel.checkpoint

    def _remember(self, channel: FollowedChannel, group: Sequence[Any]) -> None:
        for message in group:
            self._recent.setdefault(message.id, set()).add(channel.info.channel_id)
            self._recent.move_to_end(message.id)
        while len(self._recent) > self._recent_limit:
            self._recent.popitem(last=False)

    # ------------------------------------------------------------------ live updates
    async def _on_update(self, update: Any) -> None:
        """The raw-update handler: queue and return at once (never block Telethon)."""
        self._updates.put_nowait(update)

    async def _follow_live(self, stop: asyncio.Event) -> None:
        disconnected = self._client.disconnected
        while not stop.is_set():
            batch = await self._next_updates(stop, disconnected)
            for update in batch:
                try:
                    await self._apply(update)
                except ChannelUnavailable as exc:
                    log.warning(
                        "telegram request refused while applying an update",
                        extra={"update": type(update).__name__, "reason": str(exc)},
                    )
            await self._flush_due_albums()

    def _album_due_in(self) -> float | None:
        due = [
            c.pending_at + self._album_wait
            for c in self._channels.values()
            if c.pending and c.pending_at
        ]
        if not due:
            return None
        return max(0.0, (min(due) - self._clock.now()).total_seconds())

    async def _next_updates(
        self, stop: asyncio.Event, disconnected: asyncio.Future[Any]
    ) -> list[Any]:
        """The queued updates, waiting for one if there are none; ``[]`` when an album is due
        or ``stop`` was set; raises :class:`ConnectionLost` when the connection closed."""
        if disconnected.done():
            if not disconnected.cancelled():
                disconnected.exception()  # retrieve it: the reconnect loop reports the loss
            raise ConnectionLost("telegram connection closed")
        if self._updates.empty():
            getter = asyncio.ensure_future(self._updates.get())
            waits: set[asyncio.Future[Any]] = {getter, asyncio.ensure_future(stop.wait())}
            due = self._album_due_in()
            if due is not None:
                waits.add(asyncio.ensure_future(self._clock.sleep(due)))
            try:
                await asyncio.wait({*waits, disconnected}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                for waiter in waits:
                    if waiter is not getter:
                        waiter.cancel()
            if not getter.done():
                getter.cancel()
                if disconnected.done():
                    return await self._next_updates(stop, disconnected)
                return []
            batch = [getter.result()]
        else:
            batch = []
        while not self._updates.empty():
            batch.append(self._updates.get_nowait())
        return batch

    async def _apply(self, update: Any) -> None:
        if isinstance(update, types.UpdateNewChannelMessage | types.UpdateNewMessage):
            await self._on_new_message(update.message)
        elif isinstance(update, types.UpdateEditChannelMessage | types.UpdateEditMessage):
            await self._on_edited_message(update.message)
        elif isinstance(update, types.UpdateDeleteChannelMessages):
            await self._on_channel_deletion(update.channel_id, update.messages)
        elif isinstance(update, types.UpdateDeleteMessages):
            await self._on_deletion_without_channel(update.messages)

    async def _on_new_message(self, message: Any) -> None:
        channel = self._channels.get(channel_id_of(message) or 0)
        if channel is None or channel.checkpoint is None or message.id <= channel.last_seen:
            return
        if message.id != channel.last_seen + 1:
            log.info(
                "telegram live update gap; reading the channel from its checkpoint",
                extra={
                    "source": channel.source.id,
                    "expected": channel.last_seen + 1,
                    "got": message.id,
                },
            )
            await self._catch_up(channel)
            return
        if channel.pending and message.grouped_id != channel.pending[0].grouped_id:
            await self._flush_album(channel)
        channel.last_seen = message.id
        if is_post(message) and message.grouped_id is not None:
            channel.pending.append(message)
            channel.pending_at = self._clock.now()
            return
        await self._deliver(channel, [[message]], change="new")

    async def _flush_album(self, channel: FollowedChannel) -> None:
        parts, channel.pending = channel.pending, []
        channel.pending_at = None
        if parts:
            await self._deliver(channel, [parts], change="new")

    async def _flush_due_albums(self) -> None:
        now = self._clock.now()
        for channel in self._channels.values():
            if (
                channel.pending
                and channel.pending_at
                and now >= channel.pending_at + self._album_wait
            ):
                await self._flush_album(channel)

    async def _on_edited_message(self, message: Any) -> None:
        channel = self._channels.get(channel_id_of(message) or 0)
        if channel is None or channel.checkpoint is None or not is_post(message):
            return
        if message.id > channel.last_seen:
            await self._on_new_message(message)  # an edit of a post not seen yet
            return
        for n, part in enumerate(channel.pending):
            if part.id == message.id:
                channel.pending[n] = message
                return
        parts = [message]
        if message.grouped_id is not None:
            parts = await self._album_parts(channel, message)
        item = await self._map(channel, parts)
        if item is not None:
            await self._send(channel, [item], change="edit")

    async def _album_parts(self, channel: FollowedChannel, message: Any) -> list[Any]:
        """All parts of the album ``message`` belongs to, re-read around its id."""
        ids = [
            i
            for i in range(message.id - MAX_ALBUM_PARTS + 1, message.id + MAX_ALBUM_PARTS)
            if i > 0
        ]
        found = await self._pacing.call(
            "get_messages", lambda: self._client.get_messages(channel.peer, ids=ids)
        )
        parts = {m.id: m for m in found or () if is_post(m) and m.grouped_id == message.grouped_id}
        parts[message.id] = message
        return [parts[i] for i in sorted(parts)]

    async def _on_channel_deletion(self, channel_id: int, message_ids: Sequence[int]) -> None:
        channel = self._channels.get(channel_id)
        if channel is None:
            return
        await self._send_tombstones(channel, message_ids)

    async def _send_tombstones(self, channel: FollowedChannel, message_ids: Sequence[int]) -> None:
        deleted = set(message_ids)
        channel.pending = [m for m in channel.pending if m.id not in deleted]
        now = self._clock.now()
        collected_at = to_iso(now)
        items = [deletion_to_item(channel.info, i, now, collected_at) for i in sorted(deleted)]
        await self._send(channel, items, change="delete")

    async def _on_deletion_without_channel(self, message_ids: Sequence[int]) -> None:
        """Telegram named no channel: check the channels recently seen with those ids, and
        tombstone an id only where Telegram confirms the message is gone."""
        candidates: dict[int, list[int]] = {}
        for message_id in message_ids:
            for channel_id in self._recent.get(message_id, ()):
                candidates.setdefault(channel_id, []).append(message_id)
        confirmed: set[int] = set()
        for channel_id, ids in candidates.items():
            channel = self._channels.get(channel_id)
            if channel is None:
                continue
            found = await self._pacing.call(
                "get_messages", partial(self._client.get_messages, channel.peer, ids=ids)
            )
            gone = [
                i
                for i, m in zip(ids, list(found or ()), strict=False)
                if m is None or isinstance(m, types.MessageEmpty)
            ]
            if gone:
                confirmed.update(gone)
                await self._send_tombstones(channel, gone)
        unresolved = len(set(message_ids) - confirmed)
        if unresolved:
            metrics.TELEGRAM_UNRESOLVED_DELETIONS.inc(unresolved)
            log.info(
                "telegram deletions without a channel left unresolved",
                extra={"count": unresolved},
            )

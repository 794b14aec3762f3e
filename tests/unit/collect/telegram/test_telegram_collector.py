"""The collector against a fake Telegram edge (real Telethon objects), a virtual clock and
in-memory sink and checkpoint store."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import timedelta

import pytest
from telethon import errors
from tests.fixtures.telegram.fake_telegram import (
    BASE,
    FakeTelegram,
    MemoryCheckpointStore,
    MemorySink,
    VirtualClock,
    channel,
    flood_wait,
    message,
    photo,
    service_message,
    wait_until,
)

from sitrep.collect.telegram.checkpoints import ChannelCheckpoint
from sitrep.collect.telegram.collector import BackfillDepth, TelegramCollector, normalize_ref
from sitrep.collect.telegram.pacing import Pacing, TelegramAuthorizationError
from sitrep.ops import metrics
from sitrep.records.dlq import DeadLetter, DlqBreaker, DlqBreakerOpen
from sitrep.records.model import RawItem
from sitrep.sources import Source

CH = 1712345678
OTHER = 1158294765


def source(channel_ref: str = "@IdlibFieldUpdates", source_id: str = "idlib") -> Source:
    return Source(
        id=source_id, kind="telegram", role="monitor", side="opposition", channel=channel_ref
    )


def server(count: int = 30) -> FakeTelegram:
    fake = FakeTelegram(
        channel(CH, "IdlibFieldUpdates", "Idlib Field Updates"),
        channel(OTHER, "SyriaCivilDefence", "Syria Civil Defence"),
    )
    fake.post(*(message(CH, i, f"post {i}") for i in range(1, count + 1)))
    return fake


class Harness:
    def __init__(
        self,
        fake: FakeTelegram,
        *,
        sink: MemorySink | None = None,
        store: MemoryCheckpointStore | None = None,
        backfill: BackfillDepth | None = None,
        sources: Sequence[Source] | None = None,
        page_size: int = 20,
    ) -> None:
        self.fake = fake
        self.sink = sink or MemorySink()
        self.store = store or MemoryCheckpointStore()
        self.clock = VirtualClock()
        self.dead: list[DeadLetter] = []
        self.collector = TelegramCollector(
            fake,
            sources or [source()],
            self.sink,
            self.store,
            self._dead_letter,
            pacing=Pacing(clock=self.clock, rng=random.Random(7)),
            backfill=backfill or BackfillDepth(messages=10),
            page_size=page_size,
            album_wait_seconds=2.0,
        )

    async def _dead_letter(self, letter: DeadLetter) -> None:
        self.dead.append(letter)

    def ids(self, channel_id: int = CH) -> list[int]:
        return [int(i.native_id) for i in self.sink.items if i.source_id == str(channel_id)]

    def checkpoint(self, channel_id: int = CH) -> int | None:
        saved = self.store.saved.get(channel_id)
        return saved.last_message_id if saved else None

    @asynccontextmanager
    async def running(self) -> AsyncIterator[asyncio.Task[None]]:
        stop = asyncio.Event()
        task = asyncio.create_task(self.collector.run(stop))
        try:
            yield task
        finally:
            stop.set()
            await asyncio.wait_for(task, 10)


def sample(name: str, **labels: str) -> float:
    return metrics.REGISTRY.get_sample_value(name, labels or None) or 0.0


def by_id(items: Sequence[RawItem]) -> dict[str, list[RawItem]]:
    out: dict[str, list[RawItem]] = {}
    for item in items:
        out.setdefault(item.native_id, []).append(item)
    return out


# --------------------------------------------------------------------------- backfill, catch-up
async def test_new_channel_is_backfilled_to_its_depth_oldest_first() -> None:
    h = Harness(server(30), backfill=BackfillDepth(messages=10))
    async with h.running():
        await wait_until(lambda: h.checkpoint() == 30, what="backfill")
    assert h.ids() == list(range(21, 31))
    assert sample("sitrep_telegram_backfill_remaining_messages", source="idlib") == 0


async def test_backfill_since_reads_everything_posted_since() -> None:
    since = BASE + timedelta(minutes=25, seconds=30)  # message n is posted at BASE + n minutes
    h = Harness(server(30), backfill=BackfillDepth(messages=3, since=since))
    async with h.running():
        await wait_until(lambda: h.checkpoint() == 30, what="backfill")
    assert h.ids() == [26, 27, 28, 29, 30]


async def test_restart_resumes_from_the_checkpoint_without_resolving_again() -> None:
    fake = server(30)
    store = MemoryCheckpointStore()
    hash_ = fake.channels[CH].access_hash
    store.saved[CH] = ChannelCheckpoint(
        CH, 27, "idlibfieldupdates", hash_, "IdlibFieldUpdates", "Idlib"
    )
    h = Harness(fake, store=store)
    async with h.running():
        await wait_until(lambda: h.checkpoint() == 30, what="catch-up")
    assert h.ids() == [28, 29, 30]
    assert "get_entity" not in fake.calls


async def test_crash_before_the_ack_leaves_no_gap() -> None:
    fake = server(60)
    store = MemoryCheckpointStore()
    first = Harness(fake, sink=MemorySink(fail_on_send=2), store=store, backfill=BackfillDepth(100))
    with pytest.raises(RuntimeError, match="not acknowledged"):
        await first.collector.run(asyncio.Event())
    assert first.checkpoint() == 20

    second = Harness(fake, store=store, backfill=BackfillDepth(100))
    async with second.running():
        await wait_until(lambda: second.checkpoint() == 60, what="catch-up after restart")
    assert first.ids() + second.ids() == list(range(1, 61))


async def test_crash_after_the_ack_resends_identical_items() -> None:
    fake = server(60)
    store = MemoryCheckpointStore(fail_on_save=2)  # page 2 acknowledged, its checkpoint lost
    first = Harness(fake, store=store, backfill=BackfillDepth(100))
    with pytest.raises(RuntimeError, match="checkpoint not stored"):
        await first.collector.run(asyncio.Event())

    second = Harness(fake, store=store, backfill=BackfillDepth(100))
    async with second.running():
        await wait_until(lambda: second.checkpoint() == 60, what="catch-up after restart")
    assert sorted(set(first.ids() + second.ids())) == list(range(1, 61))
    resent = {i.native_id: i for i in second.sink.items if int(i.native_id) <= 40}
    assert sorted(map(int, resent)) == list(range(21, 41))
    for item in first.sink.items[20:]:
        again = resent[item.native_id]
        assert (again.item_id, again.version, again.text) == (item.item_id, item.version, item.text)


async def test_idle_channel_costs_one_history_request() -> None:
    fake = server(30)
    store = MemoryCheckpointStore()
    store.saved[CH] = ChannelCheckpoint(CH, 30, "idlibfieldupdates", fake.channels[CH].access_hash)
    h = Harness(fake, store=store)
    async with h.running():
        await wait_until(lambda: "get_messages" in fake.calls and h.fake.connected, what="catch-up")
        await h.fake.publish(message(CH, 31, "news"))
        await wait_until(lambda: h.checkpoint() == 31, what="live post")
    assert fake.calls.count("get_messages") == 1
    assert h.ids() == [31]


async def test_long_backfill_reports_its_progress(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("INFO", logger="sitrep.collect.telegram.collector")
    h = Harness(server(60), backfill=BackfillDepth(100))
    async with h.running():
        await wait_until(lambda: h.checkpoint() == 60, what="backfill")
    progress = [r for r in caplog.records if r.getMessage() == "telegram backfill progress"]
    assert [(r.__dict__["read"], r.__dict__["remaining"]) for r in progress] == [
        (20, 40),
        (40, 20),
        (60, 0),
    ]


async def test_album_cut_by_a_history_page_is_read_whole() -> None:
    fake = server(18)
    fake.post(
        *(
            message(CH, i, "" if i > 19 else "صور", grouped_id=500, media=photo(i))
            for i in range(19, 24)
        )
    )
    h = Harness(fake, backfill=BackfillDepth(100), page_size=20)
    async with h.running():
        await wait_until(lambda: h.checkpoint() == 23, what="catch-up")
    album = by_id(h.sink.items)["19"]
    assert len(album) == 1
    assert album[0].provenance.album_message_ids == (19, 20, 21, 22, 23)
    assert h.ids() == [*range(1, 19), 19]


async def test_service_messages_advance_the_checkpoint_without_an_item() -> None:
    fake = server(3)
    fake.post(service_message(CH, 4))
    h = Harness(fake)
    async with h.running():
        await wait_until(lambda: h.checkpoint() == 4, what="catch-up")
    assert h.ids() == [1, 2, 3]


# --------------------------------------------------------------------------- live updates
async def test_live_posts_are_collected_in_order() -> None:
    h = Harness(server(30))
    async with h.running():
        await wait_until(lambda: h.checkpoint() == 30, what="backfill")
        await h.fake.publish(message(CH, 31, "new"), message(CH, 32, "newer"))
        await wait_until(lambda: h.checkpoint() == 32, what="live posts")
    assert h.ids()[-2:] == [31, 32]


async def test_edit_becomes_a_new_version_of_the_same_item() -> None:
    h = Harness(server(30))
    before = sample("sitrep_collected_items_total", kind="telegram", source="idlib", change="edit")
    edited_at = BASE + timedelta(hours=2)
    async with h.running():
        await wait_until(lambda: h.checkpoint() == 30, what="backfill")
        await h.fake.edit(message(CH, 30, "post 30 (corrected)", edit_date=edited_at))
        await wait_until(lambda: len(by_id(h.sink.items)["30"]) == 2, what="edit")
    first, second = by_id(h.sink.items)["30"]
    assert second.item_id == first.item_id
    assert (first.version, second.version) == (0, int(edited_at.timestamp()))
    assert second.text == "post 30 (corrected)"
    after = sample("sitrep_collected_items_total", kind="telegram", source="idlib", change="edit")
    assert after == before + 1


async def test_edit_of_an_album_part_rebuilds_the_whole_album() -> None:
    fake = server(18)
    fake.post(
        *(
            message(CH, i, "صور" if i == 19 else "", grouped_id=500, media=photo(i))
            for i in range(19, 22)
        )
    )
    h = Harness(fake, backfill=BackfillDepth(100))
    edited_at = BASE + timedelta(hours=1)
    async with h.running():
        await wait_until(lambda: h.checkpoint() == 21, what="catch-up")
        await fake.edit(
            message(CH, 20, "caption added", grouped_id=500, media=photo(20), edit_date=edited_at)
        )
        await wait_until(lambda: len(by_id(h.sink.items)["19"]) == 2, what="album edit")
    rebuilt = by_id(h.sink.items)["19"][1]
    assert rebuilt.provenance.album_message_ids == (19, 20, 21)
    assert rebuilt.text == "صور\n\ncaption added"
    assert rebuilt.version == int(edited_at.timestamp())


async def test_deletion_becomes_a_tombstone() -> None:
    h = Harness(server(30))
    async with h.running():
        await wait_until(lambda: h.checkpoint() == 30, what="backfill")
        await h.fake.delete(CH, [29, 30])
        await wait_until(lambda: sum(i.deleted for i in h.sink.items) == 2, what="tombstones")
    tombstones = [i for i in h.sink.items if i.deleted]
    assert [t.native_id for t in tombstones] == ["29", "30"]
    assert all(t.text == "" and t.version == int(h.clock.now().timestamp()) for t in tombstones)


async def test_deletion_without_channel_is_resolved_only_where_telegram_confirms_it() -> None:
    h = Harness(server(30))
    before = sample("sitrep_telegram_unresolved_deletions_total")
    async with h.running():
        await wait_until(lambda: h.checkpoint() == 30, what="backfill")
        # 30 is gone from the channel; 29 still exists (a private chat's message 29 was
        # deleted); 99999 was never seen
        await h.fake.delete(CH, [30, 99999], name_channel=False)
        await h.fake.delete(OTHER, [29], name_channel=False)
        await wait_until(
            lambda: sample("sitrep_telegram_unresolved_deletions_total") == before + 2,
            what="unresolved deletions counted",
        )
    assert [i.native_id for i in h.sink.items if i.deleted] == ["30"]


async def test_album_in_live_updates_becomes_one_item() -> None:
    h = Harness(server(30))
    async with h.running():
        await wait_until(lambda: h.checkpoint() == 30, what="backfill")
        await h.fake.publish(
            message(CH, 31, "صور من موقع القصف", grouped_id=77, media=photo(1)),
            message(CH, 32, "", grouped_id=77, media=photo(2)),
            message(CH, 33, "", grouped_id=77, media=photo(3)),
        )
        await wait_until(lambda: h.checkpoint() == 33, what="album")
        await h.fake.publish(message(CH, 34, "after the album"))
        await wait_until(lambda: h.checkpoint() == 34, what="next post")
    assert h.ids()[-2:] == [31, 34]
    album = by_id(h.sink.items)["31"][0]
    assert album.provenance.album_message_ids == (31, 32, 33)
    assert len(album.provenance.media) == 3


async def test_gap_in_live_updates_is_filled_from_history() -> None:
    h = Harness(server(30))
    async with h.running():
        await wait_until(lambda: h.checkpoint() == 30, what="backfill")
        h.fake.post(message(CH, 31, "update Telegram never pushed"))
        await h.fake.publish(message(CH, 32, "pushed"))
        await wait_until(lambda: h.checkpoint() == 32, what="gap filled")
    assert h.ids()[-2:] == [31, 32]


# --------------------------------------------------------------------------- being a good citizen
async def test_flood_wait_is_honoured_on_the_virtual_clock() -> None:
    fake = server(30)
    fake.fail("get_messages", flood_wait(420))
    h = Harness(fake)
    waits = sample("sitrep_telegram_flood_waits_total")
    seconds = sample("sitrep_telegram_flood_wait_seconds_total")
    async with h.running():
        await wait_until(lambda: h.checkpoint() == 30, what="backfill after the flood wait")
    assert h.ids() == list(range(21, 31))
    slept = [s for s in h.clock.sleeps if s >= 420]
    assert len(slept) == 1 and slept[0] <= 420 + 30
    assert sample("sitrep_telegram_flood_waits_total") == waits + 1
    assert sample("sitrep_telegram_flood_wait_seconds_total") == pytest.approx(seconds + slept[0])


async def test_reconnect_catches_up_posts_missed_while_disconnected() -> None:
    h = Harness(server(30))
    reconnects = sample("sitrep_telegram_reconnects_total")
    async with h.running():
        await wait_until(lambda: h.checkpoint() == 30, what="backfill")
        h.fake.drop_connection()
        h.fake.post(message(CH, 31, "while away"), message(CH, 32, "still away"))
        await wait_until(lambda: h.checkpoint() == 32, what="catch-up after reconnect")
    assert h.ids()[-2:] == [31, 32]
    assert h.fake.connects == 2
    assert sample("sitrep_telegram_reconnects_total") == reconnects + 1
    assert h.fake.calls.count("get_entity") == 1  # the username was resolved once


async def test_server_errors_that_outlast_their_retries_recycle_the_connection() -> None:
    fake = server(30)
    fake.fail("get_messages", *(errors.ServerError(None, "RPC_CALL_FAIL") for _ in range(6)))
    h = Harness(fake)
    reconnects = sample("sitrep_telegram_reconnects_total")
    async with h.running():
        await wait_until(lambda: h.checkpoint() == 30, what="backfill after the reconnect")
    assert h.ids() == list(range(21, 31))
    assert sample("sitrep_telegram_reconnects_total") == reconnects + 1


async def test_numeric_channel_id_is_found_through_the_dialogs() -> None:
    h = Harness(server(5), sources=[source(f"-100{CH}")])
    async with h.running():
        await wait_until(lambda: h.checkpoint() == 5, what="backfill")
    assert h.fake.calls.count("get_dialogs") == 1
    assert h.ids() == [1, 2, 3, 4, 5]


async def test_unknown_channel_is_skipped_and_the_others_collected() -> None:
    fake = server(5)
    fake.post(message(OTHER, 1, "other channel"))
    h = Harness(
        fake, sources=[source("@NoSuchChannel", "ghost"), source("@SyriaCivilDefence", "scd")]
    )
    async with h.running():
        await wait_until(lambda: h.checkpoint(OTHER) == 1, what="the other channel")
    assert h.ids(OTHER) == [1]


async def test_session_that_is_not_logged_in_stops_the_collector() -> None:
    fake = server(5)
    fake.authorized = False
    h = Harness(fake)
    with pytest.raises(TelegramAuthorizationError, match="sitrep telegram login"):
        await h.collector.run(asyncio.Event())


async def test_revoked_session_stops_the_collector() -> None:
    fake = server(5)
    fake.fail("get_messages", errors.AuthKeyUnregisteredError(request=None))
    h = Harness(fake)
    with pytest.raises(TelegramAuthorizationError, match="AuthKeyUnregisteredError"):
        await h.collector.run(asyncio.Event())
    assert not fake.connected


async def test_unmappable_message_is_dead_lettered_and_skipped() -> None:
    fake = server(3)
    # a message of another peer filed in this channel's history: Telegram would never, but
    # a Telethon upgrade might
    fake.history[CH][4] = message(99, 4, "filed under the wrong channel")
    fake.post(message(CH, 5, "fine"))
    h = Harness(fake)
    async with h.running():
        await wait_until(lambda: h.checkpoint() == 5, what="catch-up")
    assert h.ids() == [1, 2, 3, 5]
    [letter] = h.dead
    assert letter.stage == "collect_telegram"
    assert "message 4" in letter.error and letter.key == str(CH).encode()
    assert letter.value


async def test_collector_stops_when_most_messages_are_dead_lettered() -> None:
    fake = server(0)
    for i in range(1, 9):
        fake.history[CH][i] = message(99, i, "wrong peer")
    h = Harness(fake, backfill=BackfillDepth(100))
    h.collector = TelegramCollector(
        fake,
        [source()],
        h.sink,
        h.store,
        h._dead_letter,
        pacing=Pacing(clock=h.clock),
        backfill=BackfillDepth(100),
        breaker=DlqBreaker("collect_telegram", window=4, max_ratio=0.5),
    )
    with pytest.raises(DlqBreakerOpen, match="collect_telegram"):
        await h.collector.run(asyncio.Event())


def test_channel_references_are_normalized() -> None:
    assert normalize_ref("@IdlibFieldUpdates") == "idlibfieldupdates"
    assert normalize_ref("https://t.me/IdlibFieldUpdates/") == "idlibfieldupdates"
    assert normalize_ref(f"-100{CH}") == str(CH)
    assert normalize_ref(str(CH)) == str(CH)

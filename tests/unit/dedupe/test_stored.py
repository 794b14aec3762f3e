"""A cell's state in the changelog: a snapshot and one change record per batch (format 2)."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from sitrep.dedupe import CellState, expire, merge_report, stream_time
from sitrep.dedupe.stored import (
    MIN_SNAPSHOT_BYTES,
    Stored,
    cell_of_key,
    change_key,
    restore,
    snapshot_key,
    written,
)
from sitrep.records.codec import RecordError, loads
from sitrep.records.times import parse_iso
from tests.unit.dedupe.builders import (
    AIR_STRIKE,
    NOW,
    deleted,
    edited,
    report,
)
from tests.unit.dedupe.flow import CELL, run, two_weeks
from tests.unit.dedupe.test_state import POSTS

WINDOW = timedelta(hours=72)


class Changelog:
    """A compacted changelog topic for one cell: the newest value per key."""

    def __init__(self) -> None:
        self.records: dict[bytes, bytes] = {}
        self.writes = 0

    def apply(self, writes: list[tuple[bytes, bytes | None]]) -> None:
        for key, value in writes:
            self.writes += 1
            if value is None:
                self.records.pop(key, None)
            else:
                self.records[key] = value

    def restored(self, seed: int = 0) -> Stored:
        """The cell read back, its records in a shuffled order (compaction reorders them)."""
        records = list(self.records.items())
        random.Random(seed).shuffle(records)
        return restore(CELL, records)


def test_a_state_written_in_parts_reads_back_equal_in_its_order() -> None:
    state, _ = run([*POSTS, deleted(POSTS[3])])
    log = Changelog()

    _, writes = written(None, state)
    log.apply(writes)

    assert log.restored().state == state  # equality compares the mappings in order
    assert list(log.records) == [snapshot_key(CELL)]
    assert cell_of_key(snapshot_key(CELL)) == cell_of_key(change_key(CELL, 9)) == CELL.encode()


def _changes(value: bytes) -> tuple[set[str], set[str], set[str], set[str]]:
    """Event ids, removed event ids, report ids and removed report ids of a record."""
    _, events, removed_events, reports, removed_reports = loads(value[1:])
    return (
        {entry[1][0] if len(entry) == 2 else entry[1] for entry in events},
        set(removed_events),
        {row[0] for row in reports},
        set(removed_reports),
    )


def test_each_batch_writes_one_record_of_what_it_changed_and_the_log_always_reads_back() -> None:
    """Batches of five reports over two weeks, expiring as the stream does: each batch writes
    one change record with only what it changed (or a snapshot, once the changes outweigh
    it), after every batch the changelog reads back to exactly the state, and the restored
    state merges the rest of the stream exactly like the live one."""
    posts = two_weeks(400, seed=5)
    log = Changelog()
    stored: Stored | None = None
    state: CellState | None = None
    clock = parse_iso("2024-11-20T00:00:00Z")
    expired_any = False
    snapshots = 0
    as_changes = 0  # events written as their new members only
    for at in range(0, len(posts), 5):
        batch = posts[at : at + 5]
        for post in batch:
            state, _ = merge_report(state, post, CELL, NOW)
        assert state is not None
        clock = stream_time(state) or clock
        merged = state
        state = expire(state, clock, WINDOW)
        expired_any = expired_any or state is not merged
        last = CellState.empty(CELL) if stored is None else stored.state
        stored, writes = written(stored, state)
        log.apply(writes)
        key, value = writes[0]
        assert value is not None
        if key == snapshot_key(CELL):
            snapshots += 1
            assert all(v is None for _, v in writes[1:])  # the change records it replaces
        else:
            assert writes == [(change_key(CELL, stored.seq), value)]
            _, _, reports, removed = _changes(value)
            # its own reports, and those that lost their fingerprint or mark
            lost = (last.prints.keys() - state.prints.keys()) | (
                last.reports.keys() - state.reports.keys()
            )
            assert reports <= {p.report_id for p in batch} | lost
            assert removed <= lost
            _, entries, *_ = loads(value[1:])
            as_changes += sum(len(entry) > 2 for entry in entries)
        assert log.restored(seed=at).state == state
        assert stored.state is state
        # the changelog holds about twice the state at most
        assert stored.change_bytes <= max(stored.snapshot_bytes, MIN_SNAPSHOT_BYTES)
    assert expired_any
    assert snapshots >= 2
    assert as_changes > 10
    assert state is not None

    rest = two_weeks(60, seed=6)
    _, straight = run(rest, state)
    _, again = run(rest, log.restored().state)
    assert again == straight


def test_a_crash_between_a_snapshot_and_the_deletions_it_brings_loses_nothing() -> None:
    """A snapshot reached the broker, the deletions of the change records it replaces did
    not: the state reads back all the same, and the next snapshot deletes them."""
    posts = two_weeks(300, seed=7)
    log = Changelog()
    stored: Stored | None = None
    state: CellState | None = None
    crashed = False
    for at in range(0, len(posts), 3):
        for post in posts[at : at + 3]:
            state, _ = merge_report(state, post, CELL, NOW)
        assert state is not None
        stored, writes = written(stored, state)
        if not crashed and stored.seq > 0 and writes[0][0] == snapshot_key(CELL):
            log.apply(writes[:1])  # the worker died here
            crashed = True
            stale = {key for key, value in writes[1:]}
            assert stale and stale <= log.records.keys()
            stored = log.restored()  # its successor reads the cell back
            assert stored.state == state
            assert set(stored.changes) == stale
            continue
        log.apply(writes)
        assert log.restored().state == state
    assert crashed
    assert not stale & log.records.keys()  # deleted by a later snapshot


def test_an_entry_taken_out_and_put_back_keeps_its_new_place() -> None:
    """A fingerprint expires while the report's mark stays; a new version of the report puts
    a fingerprint back, now after every other: the restored order must say so."""
    first = report("obs", "1", "Shelling hit Saraqib", published_at="2024-11-20T10:00:00Z")
    later = report("obs", "2", "More shelling in Saraqib", published_at="2024-11-24T10:00:00Z")
    state, _ = run([first, later])
    stored, writes = written(None, state)
    log = Changelog()
    log.apply(writes)

    state = expire(state, parse_iso("2024-11-24T12:00:00Z"), WINDOW)
    assert first.report_id in state.reports and first.report_id not in state.prints
    state, _ = run([edited(first, 2, published_at="2024-11-24T11:00:00Z")], state)
    assert list(state.prints) == [later.report_id, first.report_id]
    stored, writes = written(stored, state)
    log.apply(writes)

    assert log.restored().state == state


def test_expired_entries_are_removed_by_the_next_record() -> None:
    old = report("obs", "1", "Shelling hit Saraqib", published_at="2024-11-01T10:00:00Z")
    new = report("obs", "2", "Air strike on Saraqib", {"kind": AIR_STRIKE})
    state, _ = run([old, new])
    stored, writes = written(None, state)
    log = Changelog()
    log.apply(writes)

    later = expire(state, parse_iso("2024-11-30T10:00:00Z"), WINDOW * 3)
    _, writes = written(stored, later)
    log.apply(writes)

    [(key, value)] = writes
    assert key == change_key(CELL, 1) and value is not None
    _, removed_events, _, removed_reports = _changes(value)
    assert removed_reports == {old.report_id}
    assert len(removed_events) == 1
    assert log.restored().state == later


def test_a_whole_state_record_of_an_older_sitrep_is_read_and_then_replaced() -> None:
    state, _ = run(POSTS)
    legacy = restore(CELL, [(CELL.encode(), state.to_bytes())])
    assert legacy.state == state and legacy.legacy

    more, _ = run([deleted(POSTS[0])], legacy.state)
    _, writes = written(legacy, more)

    assert writes[0][0] == snapshot_key(CELL)
    assert (CELL.encode(), None) in writes  # the old record goes
    log = Changelog()
    log.records[CELL.encode()] = state.to_bytes()
    log.apply(writes)
    assert log.restored().state == more
    assert {cell_of_key(key) for key in log.records} == {CELL.encode()}


def test_a_record_in_an_unknown_format_is_a_record_error() -> None:
    with pytest.raises(RecordError, match="format"):
        restore(CELL, [(snapshot_key(CELL), b"\x07[]")])
    with pytest.raises(RecordError, match="corrupt"):
        restore(CELL, [(change_key(CELL, 3), b"\x02[3, 2]")])
    with pytest.raises(RecordError, match="kind"):
        restore(CELL, [(CELL.encode() + b"\x00x", b"\x02[]")])

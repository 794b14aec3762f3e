"""A cell's state in the changelog as one record per event and per report (format 2)."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from sitrep.dedupe import CellState, expire, merge_report, stream_time
from sitrep.dedupe.stored import (
    Stored,
    cell_of_key,
    event_key,
    report_key,
    restore,
    written,
)
from sitrep.records.codec import RecordError
from sitrep.records.model import Report
from sitrep.records.times import parse_iso, to_iso
from tests.unit.dedupe.builders import (
    AIR_STRIKE,
    CLASH,
    NOW,
    SHELLING,
    deleted,
    edited,
    report,
)
from tests.unit.dedupe.flow import CELL, run
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


def _stream(count: int, seed: int) -> list[Report]:
    """Reports over two weeks, late ones, edits and deletions among them."""
    rng = random.Random(seed)
    start = parse_iso("2024-11-20T00:00:00Z")
    posts: list[Report] = []
    for n in range(count):
        hours = n * 0.8 + (rng.uniform(-100, 0) if rng.random() < 0.1 else 0)
        published = start + timedelta(hours=max(hours, 0))
        kind = rng.choice([SHELLING, AIR_STRIKE, CLASH])
        posts.append(
            report(
                f"src{rng.randrange(6)}",
                str(n),
                f"Report {n}: {kind[1]} in Saraqib, wave {rng.randrange(40)}",
                {"kind": kind, "occurred_on": published.date().isoformat()},
                published_at=to_iso(published),
            )
        )
        if rng.random() < 0.08:
            earlier = rng.choice(posts)
            posts.append(
                edited(earlier, earlier.version + 1, text=earlier.text + " (updated)")
                if rng.random() < 0.6
                else deleted(earlier, earlier.version + 1)
            )
    return posts


def test_a_state_written_in_parts_reads_back_equal_in_its_order() -> None:
    state, _ = run([*POSTS, deleted(POSTS[3])])
    log = Changelog()

    _, writes = written(None, state)
    log.apply(writes)

    assert log.restored().state == state  # equality compares the mappings in order
    assert {cell_of_key(key) for key in log.records} == {CELL.encode()}


def test_each_batch_writes_only_what_it_changed_and_the_log_always_reads_back() -> None:
    """Batches of five reports over two weeks, expiring as the stream does: after every batch
    the changelog reads back to exactly the state, with parts only for what the batch changed,
    and the restored state merges the rest of the stream exactly like the live one."""
    posts = _stream(400, seed=5)
    log = Changelog()
    stored: Stored | None = None
    state: CellState | None = None
    clock = parse_iso("2024-11-20T00:00:00Z")
    expired_any = False
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
        # a batch writes its own reports and those that lost their fingerprint or mark, not
        # the whole cell
        lost = (last.prints.keys() - state.prints.keys()) | (
            last.reports.keys() - state.reports.keys()
        )
        assert {k for k, _ in writes if k.startswith(report_key(CELL, ""))} <= {
            report_key(CELL, r) for r in {p.report_id for p in batch} | lost
        }
        assert log.restored(seed=at).state == state
        assert stored.state is state
    assert expired_any
    assert state is not None
    assert len(log.records) == len(state.events) + len(state.reports.keys() | state.prints.keys())

    rest = _stream(60, seed=6)
    _, straight = run(rest, state)
    _, again = run(rest, log.restored().state)
    assert again == straight


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


def test_expired_entries_are_deleted_from_the_changelog() -> None:
    old = report("obs", "1", "Shelling hit Saraqib", published_at="2024-11-01T10:00:00Z")
    new = report("obs", "2", "Air strike on Saraqib", {"kind": AIR_STRIKE})
    state, _ = run([old, new])
    stored, writes = written(None, state)
    log = Changelog()
    log.apply(writes)

    later = expire(state, parse_iso("2024-11-30T10:00:00Z"), WINDOW * 3)
    _, writes = written(stored, later)
    log.apply(writes)

    deletions = [key for key, value in writes if value is None]
    assert report_key(CELL, old.report_id) in deletions
    assert any(key.startswith(event_key(CELL, "")) for key in deletions)
    assert log.restored().state == later


def test_a_whole_state_record_of_an_older_sitrep_is_read_and_then_replaced() -> None:
    state, _ = run(POSTS)
    legacy = restore(CELL, [(CELL.encode(), state.to_bytes())])
    assert legacy.state == state and legacy.legacy

    more, _ = run([deleted(POSTS[0])], legacy.state)
    _, writes = written(legacy, more)

    assert (CELL.encode(), None) in writes  # the old record goes
    log = Changelog()
    log.records[CELL.encode()] = state.to_bytes()
    log.apply(writes)
    assert log.restored().state == more


def test_a_part_in_an_unknown_format_is_a_record_error() -> None:
    with pytest.raises(RecordError, match="format"):
        restore(CELL, [(event_key(CELL, "ev-1"), b"\x07[]")])
    with pytest.raises(RecordError, match="corrupt"):
        restore(CELL, [(report_key(CELL, "telegram:a:1"), b"\x02[1, 2]")])

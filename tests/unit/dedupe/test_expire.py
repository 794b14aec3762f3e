from __future__ import annotations

from datetime import timedelta

from sitrep.dedupe import expire, merge_report, stream_time
from sitrep.records.times import parse_iso
from tests.unit.dedupe.builders import NOW, SHELLING, report
from tests.unit.dedupe.flow import CELL, run

WINDOW = timedelta(hours=72)
OLD = report(
    "obs",
    "1",
    "Regime artillery shelled Saraqib",
    {"kind": SHELLING, "occurred_on": "2024-11-25"},
    published_at="2024-11-25T09:00:00Z",
)
NEW = report(
    "obs",
    "2",
    "Russian jets struck Saraqib market",
    {"kind": ("Explosions/Remote violence", "Air/drone strike")},
    published_at="2024-11-30T09:00:00Z",
)


def test_expire_drops_events_reports_and_fingerprints_older_than_the_window() -> None:
    state, _ = run([OLD, NEW])

    kept = expire(state, parse_iso("2024-11-30T10:00:00Z"), WINDOW)

    assert [e.profile.last_activity for e in kept.events.values()] == [
        int(parse_iso(NEW.published_at or "").timestamp())
    ]
    assert list(kept.reports) == [OLD.report_id, NEW.report_id]  # marks outlive events
    assert list(kept.prints) == [NEW.report_id]


def test_report_marks_go_after_mark_windows_windows() -> None:
    from sitrep.dedupe.cluster import MARK_WINDOWS

    state, _ = run([OLD, NEW])
    old_published = parse_iso(OLD.published_at or "")
    just_kept = expire(state, old_published + WINDOW * MARK_WINDOWS, WINDOW)
    gone = expire(state, old_published + WINDOW * MARK_WINDOWS + timedelta(hours=1), WINDOW)

    assert OLD.report_id in just_kept.reports
    assert OLD.report_id not in gone.reports


def test_a_redelivery_older_than_the_window_opens_no_second_event() -> None:
    """A rewind during a backfill re-reads a report whose event has already expired."""
    state, _ = run([OLD, NEW])
    kept = expire(state, parse_iso("2024-11-30T10:00:00Z"), WINDOW)
    assert all(OLD.report_id not in e.profile.active_reports for e in kept.events.values())

    again, events = merge_report(kept, OLD, CELL, NOW)

    assert events == []
    assert again is kept


def test_expire_goes_by_event_time_not_the_wall_clock() -> None:
    state, _ = run([OLD, NEW])

    assert expire(state, parse_iso("2024-11-26T00:00:00Z"), WINDOW) is state


def test_a_report_redelivered_after_its_event_expired_opens_no_duplicate_while_marked() -> None:
    state, _ = run([OLD])
    state, _ = run([NEW], state)
    kept = expire(state, parse_iso("2024-11-30T10:00:00Z"), WINDOW)

    again, events = merge_report(kept, NEW, CELL, NOW)

    assert events == []
    assert again is kept


def test_stream_time_is_the_newest_publication_time_seen() -> None:
    state, _ = run([NEW, OLD])

    assert stream_time(state) == parse_iso("2024-11-30T09:00:00Z")


def test_expiry_without_a_scan_keeps_exactly_what_a_full_scan_keeps() -> None:
    """``expire`` skips its scan while the state's floors show nothing is old enough (as for the
    reports of one candidates record, which share a clock); a stream of reports over two weeks
    (late ones, edits, deletions among them) must come out the same as with a full scan every
    time."""
    from sitrep.dedupe import CellState
    from tests.unit.dedupe.flow import STREAM_START, two_weeks

    start = parse_iso(STREAM_START)
    posts = two_weeks(400, seed=5)

    def stream(full_scan: bool) -> tuple[CellState, list[object]]:
        state: CellState | None = None
        emitted: list[object] = []
        scans_skipped = 0
        clock = start
        for n, post in enumerate(posts):
            state, events = merge_report(state, post, CELL, NOW)
            emitted.extend(events)
            if n % 5 == 0:  # the clock moves once per record of five reports
                clock = stream_time(state) or clock
            if full_scan:
                state.floors = None
            before = state
            state = expire(state, clock, WINDOW)
            scans_skipped += state is before and before.floors is not None
        assert full_scan or scans_skipped > len(posts) // 2  # the fast path is taken
        return state, emitted

    fast_state, fast_events = stream(full_scan=False)
    slow_state, slow_events = stream(full_scan=True)
    assert fast_events == slow_events
    assert fast_state == slow_state
    assert len(fast_state.events) < len({p.report_id for p in posts})  # something expired

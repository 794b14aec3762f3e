"""The event-time clock of the processor holds back for the slowest active input."""

from __future__ import annotations

from sitrep.stream.watermark import Watermarks


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_nothing_observed_has_no_watermark() -> None:
    assert Watermarks().low() is None


def test_a_fast_partition_does_not_advance_the_watermark_past_a_slow_one() -> None:
    marks = Watermarks(clock=Clock())
    marks.observe(0, 1_000.0)
    marks.observe(1, 9_000.0)
    assert marks.low() == 1_000.0


def test_each_input_keeps_its_newest_time_even_when_late_items_arrive() -> None:
    marks = Watermarks(clock=Clock())
    marks.observe(0, 5_000.0)
    marks.observe(0, 4_000.0)
    assert marks.low() == 5_000.0


def test_an_idle_input_stops_holding_the_watermark_back() -> None:
    clock = Clock()
    marks = Watermarks(idle_after=60.0, clock=clock)
    marks.observe("quiet", 1_000.0)
    clock.now = 61.0
    marks.observe("busy", 9_000.0)
    assert marks.low() == 9_000.0


def test_when_every_input_is_idle_the_newest_time_counts() -> None:
    clock = Clock()
    marks = Watermarks(idle_after=60.0, clock=clock)
    marks.observe(0, 1_000.0)
    marks.observe(1, 2_000.0)
    clock.now = 500.0
    assert marks.low() == 2_000.0


def test_a_revoked_input_is_forgotten() -> None:
    marks = Watermarks(clock=Clock())
    marks.observe(0, 1_000.0)
    marks.observe(1, 2_000.0)
    marks.forget(0)
    assert marks.low() == 2_000.0


def test_an_assigned_partition_holds_the_watermark_back_until_its_first_item() -> None:
    clock = Clock()
    marks = Watermarks(idle_after=60.0, clock=clock)
    marks.hold(0)
    marks.hold(1)
    marks.observe(0, 9_000.0)
    assert marks.low() is None
    marks.observe(1, 1_000.0)
    assert marks.low() == 1_000.0


def test_an_assigned_partition_without_items_stops_holding_back_when_idle() -> None:
    clock = Clock()
    marks = Watermarks(idle_after=60.0, clock=clock)
    marks.hold(0)
    clock.now = 61.0
    marks.observe(1, 9_000.0)
    assert marks.low() == 9_000.0


def test_commits_that_keep_moving_are_not_stalled() -> None:
    from sitrep.stream.watermark import CommitWatch

    watch = CommitWatch(stuck_after=30.0)
    tp = ("raw", 0)
    assert watch.observe({tp: 10}, {tp: 50}, now=0.0) == {}
    assert watch.observe({tp: 40}, {tp: 90}, now=40.0) == {}


def test_a_commit_stuck_behind_the_position_is_reported_after_the_limit() -> None:
    from sitrep.stream.watermark import CommitWatch

    watch = CommitWatch(stuck_after=30.0)
    tp = ("candidates", 1)
    assert watch.observe({tp: 5117}, {tp: 12141}, now=0.0) == {}
    assert watch.observe({tp: 5117}, {tp: 12141}, now=20.0) == {}
    assert watch.observe({tp: 5117}, {tp: 12141}, now=31.0) == {tp: "rewind"}


def test_a_caught_up_partition_is_never_stalled() -> None:
    from sitrep.stream.watermark import CommitWatch

    watch = CommitWatch(stuck_after=30.0)
    tp = ("raw", 2)
    assert watch.observe({tp: 100}, {tp: 100}, now=0.0) == {}
    assert watch.observe({tp: 100}, {tp: 100}, now=100.0) == {}


def test_a_rewind_is_judged_after_its_re_read_shows_and_a_lasting_stall_restarts() -> None:
    from sitrep.stream.watermark import CommitWatch

    watch = CommitWatch(stuck_after=10.0, max_rewinds=2)
    tp = ("candidates", 0)
    watch.observe({tp: 1379}, {tp: 3000}, now=0.0)
    assert watch.observe({tp: 1379}, {tp: 3000}, now=10.0) == {tp: "rewind"}
    # the worker first finishes what it had fetched before the rewind: no verdict yet
    assert watch.observe({tp: 1379}, {tp: 3400}, now=30.0) == {}
    # the re-read reaches the agents (position back near the commit) but commits stay stuck
    assert watch.observe({tp: 1379}, {tp: 1500}, now=32.0) == {}
    assert watch.observe({tp: 1379}, {tp: 1900}, now=42.0) == {tp: "rewind"}
    watch.observe({tp: 1379}, {tp: 1400}, now=44.0)
    assert watch.observe({tp: 1379}, {tp: 2000}, now=54.0) == {tp: "restart"}


def test_a_rewind_whose_re_read_never_shows_counts_as_failed() -> None:
    from sitrep.stream.watermark import CommitWatch

    watch = CommitWatch(stuck_after=10.0, max_rewinds=1, reread_timeout=60.0)
    tp = ("raw", 1)
    watch.observe({tp: 5}, {tp: 50}, now=0.0)
    assert watch.observe({tp: 5}, {tp: 50}, now=10.0) == {tp: "rewind"}
    assert watch.observe({tp: 5}, {tp: 60}, now=50.0) == {}
    assert watch.observe({tp: 5}, {tp: 60}, now=71.0) == {tp: "restart"}


def test_a_rewind_that_worked_starts_the_count_over() -> None:
    from sitrep.stream.watermark import CommitWatch

    watch = CommitWatch(stuck_after=10.0, max_rewinds=1)
    tp = ("raw", 3)
    watch.observe({tp: 10}, {tp: 90}, now=0.0)
    assert watch.observe({tp: 10}, {tp: 90}, now=10.0) == {tp: "rewind"}
    watch.observe({tp: 95}, {tp: 95}, now=12.0)  # the re-read got through and committed
    watch.observe({tp: 95}, {tp: 200}, now=13.0)
    assert watch.observe({tp: 95}, {tp: 200}, now=23.0) == {tp: "rewind"}


def test_a_partition_with_a_backlog_holds_back_however_long_it_waits() -> None:
    clock = Clock()
    marks = Watermarks(idle_after=15.0, clock=clock, require_caught_up=True)
    marks.hold(0)
    clock.now = 100.0
    marks.observe(1, 9_000.0)
    assert marks.low() is None
    marks.caught_up(0, True)
    assert marks.low() == 9_000.0


def test_continuity_accepts_consecutive_offsets_and_reports_a_hole() -> None:
    from sitrep.stream.watermark import Continuity

    seen = Continuity()
    tp = ("candidates", 2)
    seen.expect(tp, 1465)
    assert [seen.see(tp, o) for o in (1465, 1466, 1467)] == [None, None, None]
    assert seen.see(tp, 1471) == 1468  # 1468-1470 were acked by faust but never delivered


def test_continuity_finds_a_hole_at_the_start_of_an_assignment() -> None:
    from sitrep.stream.watermark import Continuity

    seen = Continuity()
    tp = ("raw", 0)
    seen.expect(tp, 832)  # the committed offset, where the new assignment starts
    assert seen.see(tp, 840) == 832


def test_continuity_takes_a_re_delivery_after_a_rewind_without_a_hole() -> None:
    from sitrep.stream.watermark import Continuity

    seen = Continuity()
    tp = ("raw", 1)
    seen.expect(tp, 10)
    assert [seen.see(tp, o) for o in (10, 11, 12, 13)] == [None] * 4
    # a seek back to the commit re-delivers 11..13, then the stream goes on
    assert [seen.see(tp, o) for o in (11, 12, 13, 14, 15)] == [None] * 5
    assert seen.see(tp, 20) == 16


def test_continuity_without_an_expectation_takes_the_first_offset_as_given() -> None:
    from sitrep.stream.watermark import Continuity

    seen = Continuity()
    tp = ("raw", 3)
    assert seen.see(tp, 500) is None
    assert seen.see(tp, 501) is None


def test_continuity_after_a_rebalance_keeps_only_partitions_held_throughout() -> None:
    from sitrep.stream.watermark import Continuity

    seen = Continuity()
    kept, moved = ("candidates", 0), ("candidates", 1)
    for tp in (kept, moved):
        seen.expect(tp, 100)
        seen.see(tp, 100)
    seen.keep_only({kept})
    assert not seen.known(moved)
    # the kept partition resumes at its last commit (a re-delivery) ...
    assert seen.see(kept, 90) is None
    seen2 = Continuity()
    seen2.expect(kept, 101)
    seen2.keep_only({kept})
    # ... or, when faust skipped the re-delivery, past what this worker had processed
    assert seen2.see(kept, 130) == 101


def test_alignment_pauses_a_backlogged_partition_far_ahead_and_resumes_it_at_half_the_skew() -> (
    None
):
    from sitrep.stream.watermark import Alignment

    marks = Watermarks(idle_after=15.0, clock=Clock(), require_caught_up=True)
    align = Alignment(max_skew=100.0)
    marks.observe(0, 1_000.0)
    marks.observe(1, 1_090.0)
    assert align.decide(marks) == (set(), set())  # within the skew
    marks.observe(1, 1_101.0)
    assert align.decide(marks) == ({1}, set())
    assert align.decide(marks) == (set(), set())  # paused once, not again
    marks.observe(0, 1_030.0)  # 71 behind: still more than half the skew
    assert align.decide(marks) == (set(), set())
    marks.observe(0, 1_051.0)  # 50 behind
    assert align.decide(marks) == (set(), {1})
    assert align.paused == set()


def test_alignment_never_pauses_the_slowest_input_or_a_caught_up_one() -> None:
    from sitrep.stream.watermark import Alignment

    marks = Watermarks(idle_after=15.0, clock=Clock(), require_caught_up=True)
    align = Alignment(max_skew=100.0)
    marks.observe(0, 1_000.0)
    marks.observe(1, 5_000.0)
    marks.observe(2, 9_000.0)
    marks.caught_up(2, True)  # live items: they must not wait for a backfill elsewhere
    assert align.decide(marks) == ({1}, set())
    marks.caught_up(1, True)  # a paused partition found caught up is resumed
    assert align.decide(marks) == (set(), {1})


def test_alignment_resumes_everything_when_the_watermark_is_unknown() -> None:
    from sitrep.stream.watermark import Alignment

    marks = Watermarks(idle_after=15.0, clock=Clock(), require_caught_up=True)
    align = Alignment(max_skew=100.0)
    marks.observe(0, 1_000.0)
    marks.observe(1, 2_000.0)
    assert align.decide(marks) == ({1}, set())
    marks.hold(2)  # a partition newly assigned and not seen yet: no watermark
    assert align.decide(marks) == (set(), {1})
    align.forget()
    assert align.paused == set()


def test_a_commit_goes_no_further_than_the_agents_finished() -> None:
    """faust may acknowledge a candidates record it never delivered; the commit that reaches
    the broker stops where the agents stopped, so the partition's next owner reads it."""
    from aiokafka import TopicPartition

    from sitrep.stream.watermark import CommitBound

    finished = {("p.candidates.v1", 0): 120, ("p.candidates.v1", 1): 300}
    bound = CommitBound({"p.candidates.v1"}, finished)
    skipped, caught_up = TopicPartition("p.candidates.v1", 0), TopicPartition("p.candidates.v1", 1)
    fresh = TopicPartition("p.candidates.v1", 2)  # assigned, nothing finished yet
    other = TopicPartition("p.cells-changelog", 0)
    held: list[tuple[str, int, int, int]] = []

    allowed = bound({skipped: 150, caught_up: 280, fresh: 40, other: 9}, held)

    assert allowed == {skipped: 120, caught_up: 280, other: 9}
    assert held == [("p.candidates.v1", 0, 150, 120)]
    finished[("p.candidates.v1", 0)] = 151  # the hole was seen and produced again
    assert bound({skipped: 150}) == {skipped: 150}

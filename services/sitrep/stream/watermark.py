"""Event-time watermarks: how far a stream has progressed, robust to skewed inputs. Pure.

Open events expire by event time (see :func:`sitrep.dedupe.expire`). Taking "the newest
publication time seen" as the clock breaks on any backlog: the processor reads several raw
partitions at once, and a partition with fewer items races ahead in event time, so events of
the slower partitions would expire before their late reports arrive and those would open
duplicate events. The clock is therefore a *low watermark*: the minimum, over the inputs that
are active, of each input's newest event time. An input silent for ``idle_after`` seconds of
wall time stops holding the watermark back (a quiet Telegram channel must not freeze expiry).

The normalize step tracks its raw partitions and stamps its watermark on every candidate it
sends; the cluster step tracks the stamps of each upstream worker the same way.

The low watermark keeps expiry correct under skew, but what it holds back stays in memory: in a
backfill the consumer reads some partitions faster than others, and open events then pile up
for the whole skew, not one window (measured: open events 27 days old a minute into a
120k-item backlog, growing with it). :class:`Alignment` bounds the skew: a partition far ahead
of the watermark is paused until the others catch up (like Flink's watermark alignment, or Kafka Streams picking the
oldest buffered record).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Hashable, Mapping
from dataclasses import dataclass
from typing import Any

_UNSEEN = float("-inf")


class Watermarks:
    """Low watermark over named inputs (partitions, upstream workers)."""

    def __init__(
        self,
        idle_after: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
        *,
        require_caught_up: bool = False,
    ) -> None:
        self.idle_after = idle_after
        self.require_caught_up = require_caught_up
        self._clock = clock
        self._inputs: dict[Hashable, tuple[float, float]] = {}
        self._done: set[Hashable] = set()

    def caught_up(self, source: Hashable, done: bool) -> None:
        """Say whether ``source`` has nothing left to read. With ``require_caught_up``, only a
        caught-up input can count as idle: a partition with a backlog that the consumer has
        not fetched yet holds the watermark back however long that takes."""
        if done:
            self._done.add(source)
        else:
            self._done.discard(source)

    def is_caught_up(self, source: Hashable) -> bool:
        return source in self._done

    def hold(self, source: Hashable) -> None:
        """Track ``source`` before its first item: until it is observed (or idle), it holds
        the watermark back. Call it for each partition assigned to this worker."""
        if source not in self._inputs:
            self._inputs[source] = (_UNSEEN, self._clock())

    def observe(self, source: Hashable, event_time: float) -> None:
        """Record that ``source`` has reached ``event_time`` (seconds since the epoch)."""
        newest, _ = self._inputs.get(source, (event_time, 0.0))
        self._inputs[source] = (max(newest, event_time), self._clock())

    def newest(self) -> dict[Hashable, float]:
        """Each observed input's newest event time."""
        return {s: t for s, (t, _) in self._inputs.items() if t != _UNSEEN}

    def forget(self, source: Hashable) -> None:
        """Stop tracking ``source`` (a partition revoked from this worker)."""
        self._inputs.pop(source, None)
        self._done.discard(source)

    def clear(self) -> None:
        """Forget every input (after a rebalance: the clock is rebuilt from new stamps)."""
        self._inputs.clear()
        self._done.clear()

    def low(self) -> float | None:
        """The minimum newest event time over active inputs (over all inputs when none is
        active); ``None`` when nothing was observed yet or an active input is still unseen."""
        now = self._clock()
        active = [
            t
            for source, (t, seen) in self._inputs.items()
            if now - seen <= self.idle_after
            or (self.require_caught_up and source not in self._done)
        ]
        if active:
            low = min(active)
            return None if low == _UNSEEN else low
        seen = [t for t, _ in self._inputs.values() if t != _UNSEEN]
        return max(seen) if seen else None


class Alignment:
    """Which inputs to pause so that none runs more than ``max_skew`` seconds of event time
    ahead of the low watermark, and which paused ones to resume (at half that: no flapping). Pure.

    Only inputs with a backlog are paused: a caught-up input carries live items, which must not
    wait for a backfill of another source (state then holds that input's share of the skew, for
    as long as the backfill runs). The input at the watermark is never paused, so the slowest
    always moves; with no watermark (an input not seen yet) nothing stays paused. Live inputs
    are within a day of each other (publication times are capped at collection + 1 day), so
    with a skew of a window or more live streams are never held up."""

    def __init__(self, max_skew: float) -> None:
        self.max_skew = max_skew
        self.paused: set[Hashable] = set()

    def decide(self, marks: Watermarks) -> tuple[set[Hashable], set[Hashable]]:
        """``(pause, resume)``: the inputs to pause now and the paused ones to resume; the
        caller applies both (``paused`` already says they are done)."""
        low = marks.low()
        newest = marks.newest()
        if low is None:
            resume, self.paused = self.paused, set()
            return set(), resume
        pause = {
            s
            for s, t in newest.items()
            if s not in self.paused and t - low > self.max_skew and not marks.is_caught_up(s)
        }
        resume = {
            s
            for s in self.paused
            if newest.get(s, low) - low <= self.max_skew / 2 or marks.is_caught_up(s)
        }
        self.paused = (self.paused - resume) | pause
        return pause, resume

    def forget(self) -> None:
        """After a rebalance (faust resumes every partition once its tables are recovered)."""
        self.paused.clear()


class CommitWatch:
    """Finds input partitions whose committed offset has not moved for ``stuck_after`` seconds
    although the worker has finished items past it, and says what to do about each. Pure.

    faust commits a partition only up to the first offset it never saw acknowledged. A
    rebalance that lands while faust's fetch loop is handing over a batch can drop a few
    fetched messages without ever acknowledging them (faust's own race; seen after a worker
    restart and after a broker restart), and the partition's commits then stall for good while
    the worker keeps processing: every later restart would replay everything since. The first
    answer is ``"rewind"``: re-read the partition from its last commit (the dropped messages are
    processed, the rest are redeliveries the merge recognises). A partition that stays stalled
    through ``max_rewinds`` rewinds at the same committed offset gets ``"restart"``.
    """

    def __init__(
        self, stuck_after: float = 10.0, max_rewinds: int = 3, reread_timeout: float = 120.0
    ) -> None:
        self.stuck_after = stuck_after
        self.max_rewinds = max_rewinds
        # a rewind's re-read starts after what the worker had already fetched; if it has not
        # reached the agents this long after the rewind, the rewind counts as failed
        self.reread_timeout = reread_timeout
        self._since: dict[tuple[str, int], tuple[int, float]] = {}
        self._rewinds: dict[tuple[str, int], _Rewind] = {}

    def observe(
        self,
        committed: dict[tuple[str, int], int],
        positions: dict[tuple[str, int], int],
        now: float,
    ) -> dict[tuple[str, int], str]:
        """Record one look at the offsets (``positions``: the next offset after the last item
        the worker finished); return the stalled partitions with ``"rewind"`` or
        ``"restart"``. After a rewind a partition is judged again only once the re-read shows
        (its position went back) and ``stuck_after`` has passed since."""
        actions: dict[tuple[str, int], str] = {}
        for tp, position in positions.items():
            done = committed.get(tp, -1)
            if position <= done:
                self._since.pop(tp, None)
                self._rewinds.pop(tp, None)
                continue
            first = self._since.get(tp)
            if first is None or first[0] != done:
                self._since[tp] = (done, now)
                self._rewinds.pop(tp, None)
                continue
            rewind = self._rewinds.get(tp)
            if rewind is not None and not rewind.reread:
                if position < rewind.position:
                    rewind.reread = True
                    self._since[tp] = (done, now)
                    continue
                if now - rewind.at < self.reread_timeout:
                    continue
            elif now - first[1] < self.stuck_after:
                continue
            count = 0 if rewind is None else rewind.count
            if count >= self.max_rewinds:
                actions[tp] = "restart"
                continue
            actions[tp] = "rewind"
            self._rewinds[tp] = _Rewind(count + 1, position, now)
        return actions

    def forget(self) -> None:
        """Drop what was observed (after a rebalance offsets start over)."""
        self._since.clear()
        self._rewinds.clear()


@dataclass
class _Rewind:
    count: int  # rewinds at the same committed offset
    position: int  # the worker's position when it rewound
    at: float
    reread: bool = False  # the re-read has reached the agents (the position went back)


class Continuity:
    """The next offset each input partition should deliver to the agents; finds holes. Pure.

    Under at-least-once every offset of sitrep's input topics holds a record, so the agents
    must see each one. faust (0.15) can acknowledge a fetched message without delivering it (a
    message of an earlier consumer generation is skipped and acked during a rebalance) while
    the re-fetch that should bring it again is dropped by its fetch loop: the commit then moves
    past a message nobody processed. A hole in the offsets the agents see is that loss, caught
    in time: the worker produces the missing records again (see ``refetch`` in the app).
    """

    def __init__(self) -> None:
        self._next: dict[tuple[str, int], int] = {}

    def known(self, tp: tuple[str, int]) -> bool:
        return tp in self._next

    def expect(self, tp: tuple[str, int], offset: int) -> None:
        """The partition (newly assigned) delivers ``offset`` next."""
        self._next[tp] = offset

    def see(self, tp: tuple[str, int], offset: int) -> int | None:
        """Record a delivered offset; return the first missing offset when the partition
        skipped past it, else ``None`` (an offset below the expected one is a re-delivery)."""
        expected = self._next.get(tp)
        self._next[tp] = offset + 1 if expected is None else max(expected, offset + 1)
        if expected is not None and offset > expected:
            return expected
        return None

    def keep_only(self, tps: set[tuple[str, int]]) -> None:
        """After a rebalance: keep what is known of the partitions this worker had before and
        still has (they resume at the last commit, at or before the kept offset, so a first
        offset past it is a hole); forget the others."""
        self._next = {tp: offset for tp, offset in self._next.items() if tp in tps}


class CommitBound:
    """How far a commit of the agents' input may go: no further than the agents have finished
    (``finished``: the next offset per input partition, as the app records it). Pure.

    faust commits the offsets it has acknowledged, and (0.15) it can acknowledge a message it
    never delivered (see :class:`Continuity`). With one worker the next delivered offset shows
    the hole and the worker produces the skipped records again; but a partition that moves to
    another worker before its next message is delivered here would leave the hole behind the
    commit, where neither worker ever sees it. Bounded by what the agents finished — which
    passes a hole only once it was seen and produced again — a commit cannot pass a record
    nobody processed: the partition's next owner starts at or before it.

    Called with the offsets faust is about to commit (partition objects with ``topic`` and
    ``partition``); returns those to commit: ``min(offset, finished)`` for an input partition,
    nothing for one whose agents have finished nothing since it was assigned, other topics as
    given. ``held`` collects what was held back, as ``(topic, partition, wanted, allowed)``.
    """

    def __init__(self, topics: Collection[str], finished: Mapping[tuple[str, int], int]) -> None:
        self.topics = topics
        self.finished = finished

    def __call__(
        self, offsets: Mapping[Any, int], held: list[tuple[str, int, int, int]] | None = None
    ) -> dict[Any, int]:
        out: dict[Any, int] = {}
        for tp, offset in offsets.items():
            if tp.topic not in self.topics:
                out[tp] = offset
                continue
            done = self.finished.get((tp.topic, tp.partition))
            if done is None:
                continue
            if done < offset and held is not None:
                held.append((tp.topic, tp.partition, offset, done))
            out[tp] = min(offset, done)
        return out

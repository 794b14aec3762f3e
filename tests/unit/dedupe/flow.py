"""Running reports through one cell as the stream does, for the dedupe tests."""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import timedelta

from sitrep.dedupe import CellState, merge_report, place_cell
from sitrep.records.model import Event, Report
from sitrep.records.times import parse_iso, to_iso
from tests.unit.dedupe.builders import (
    AIR_STRIKE,
    CLASH,
    NOW,
    SARAQIB,
    SHELLING,
    deleted,
    edited,
    report,
)

CELL = place_cell(SARAQIB)


def run(
    reports: Iterable[Report], state: CellState | None = None, cell: str = CELL
) -> tuple[CellState, list[Event]]:
    """Merge ``reports`` in order; the state after the last and every emitted event version."""
    emitted: list[Event] = []
    for post in reports:
        state, events = merge_report(state, post, cell, NOW)
        emitted.extend(events)
    assert state is not None
    return state, emitted


def current(emitted: Iterable[Event]) -> dict[str, Event]:
    """The highest version of each event, as a compacted events topic holds them."""
    latest: dict[str, Event] = {}
    for event in emitted:
        if event.event_id not in latest or event.version > latest[event.event_id].version:
            latest[event.event_id] = event
    return latest


def only(emitted: Iterable[Event]) -> Event:
    events = current(emitted)
    assert len(events) == 1, f"expected one event, got {len(events)}"
    return next(iter(events.values()))


STREAM_START = "2024-11-20T00:00:00Z"


def two_weeks(count: int, seed: int) -> list[Report]:
    """``count`` reports in one cell over about two weeks from :data:`STREAM_START` (some
    published up to 100 hours late), with edits and deletions of earlier ones among them."""
    rng = random.Random(seed)
    start = parse_iso(STREAM_START)
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

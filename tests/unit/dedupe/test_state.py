from __future__ import annotations

import pytest

from sitrep.dedupe import CellState
from sitrep.records.codec import RecordError
from tests.unit.dedupe.builders import (
    ARMY_ACTOR1,
    CIVILIANS,
    IDLIB_GOVERNORATE,
    SHELLING,
    WITHDRAWAL,
    deleted,
    report,
)
from tests.unit.dedupe.flow import run

POSTS = [
    report(
        "hts",
        "1",
        "HTS fighters captured Saraqib",
        {"claim_status": "claimed"},
        role="party",
        side="opposition",
    ),
    report(
        "sana",
        "2",
        "Army units redeployed outside Saraqib",
        {"kind": WITHDRAWAL, "actors": (ARMY_ACTOR1,)},
        role="state_media",
        side="government",
        source_kind="wire",
        outlet="SANA",
        url="https://sana.example/2",
    ),
    report(
        "mirror",
        "3",
        "HTS fighters captured Saraqib",
        role="other",
        origin_id="telegram:hts:1",
        copy_reason="forward",
    ),
    report(
        "obs",
        "4",
        "Shells hit Idlib countryside",
        {"kind": SHELLING, "location": IDLIB_GOVERNORATE, "actors": (CIVILIANS,), "stance": "deny"},
    ),
]


def test_state_survives_a_bytes_round_trip() -> None:
    state, _ = run([*POSTS, deleted(POSTS[3])])

    assert CellState.from_bytes(state.to_bytes()) == state


def test_byte_form_is_deterministic() -> None:
    first, _ = run(POSTS)
    second, _ = run(POSTS)

    assert first.to_bytes() == second.to_bytes()


def test_a_restored_state_merges_exactly_like_the_original() -> None:
    later = [
        report(
            "reuters",
            "5",
            "Rebels entered Saraqib, residents said",
            source_kind="wire",
            role="wire",
            published_at="2024-11-30T15:00:00Z",
        ),
        deleted(POSTS[0]),
    ]
    state, _ = run(POSTS)

    _, straight = run(later, state)
    _, restored = run(later, CellState.from_bytes(state.to_bytes()))

    assert restored == straight


def test_unknown_format_is_a_record_error() -> None:
    with pytest.raises(RecordError, match="format"):
        CellState.from_bytes(b"\x07[]")


def test_corrupt_bytes_are_a_record_error() -> None:
    with pytest.raises(RecordError, match="cell state"):
        CellState.from_bytes(b'\x01["SY:Idlib", [[1, 2]], [], []]')


def test_the_family_index_kept_along_the_way_equals_one_built_afresh() -> None:
    state, _ = run([*POSTS, deleted(POSTS[0]), deleted(POSTS[3])])

    fresh = CellState(state.cell, state.events, state.reports, state.prints)

    assert state.by_family() == fresh.by_family()


def test_events_encoded_earlier_encode_the_same_as_fresh_ones() -> None:
    state, _ = run(POSTS[:2])
    state.to_bytes()  # caches the byte form of the events it holds
    state, _ = run(POSTS[2:], state)

    assert state.to_bytes() == CellState.from_bytes(state.to_bytes()).to_bytes()

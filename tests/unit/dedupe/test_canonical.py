"""An event's coding, counted again or followed member by member, is the same."""

from __future__ import annotations

import random
from dataclasses import replace

from sitrep.dedupe.canonical import joined, profile
from sitrep.dedupe.member import SEED, Member
from tests.unit.dedupe.builders import (
    AIR_STRIKE,
    ARMY,
    BINNISH,
    CAPTURE,
    CIVILIANS,
    HTS,
    IDLIB_GOVERNORATE,
    RUSSIA,
    SARAQIB,
    SARAQIB_COUNTRYSIDE,
    SHELLING,
    candidate,
)

KINDS = [CAPTURE, SHELLING, AIR_STRIKE]
PLACES = [SARAQIB, BINNISH, IDLIB_GOVERNORATE, SARAQIB_COUNTRYSIDE, None]
ACTORS = [(HTS, ARMY), (RUSSIA,), (CIVILIANS,), ()]
VOICES = [f"telegram:{n}" for n in range(5)] + ["wire:reuters", "wire:sana"]


def _member(rng: random.Random, n: int) -> Member:
    voice = rng.choice(VOICES)
    kind, source_id = voice.split(":")
    return Member(
        candidate=candidate(
            f"{voice}:{n}",
            kind=rng.choice(KINDS),
            location=rng.choice(PLACES),
            occurred_on=f"2024-11-{rng.randint(27, 30)}",
            actors=rng.choice(ACTORS),
            time_precision=rng.randint(1, 3),
            fatalities=rng.choice([0, 0, 2, 5, 12]),
            claimed_by=rng.choice([None, None, "Hayat Tahrir al-Sham"]),
            stance="affirm" if rng.random() < 0.85 else "deny",
        ),
        report_id=f"{voice}:{n}" if rng.random() < 0.9 else f"{voice}:0",
        report_version=1,
        source_kind=kind,  # type: ignore[arg-type]
        source_id=source_id,
        source_role=rng.choice(["party", "monitor", "wire", "state_media"]),  # type: ignore[arg-type]
        voice=voice,
        published_at="2024-11-30T10:00:00Z",
        activity=1_732_960_800 + rng.randint(-20_000, 20_000),
        reason=SEED,
        withdrawn=rng.random() < 0.1,
    )


def test_a_coding_followed_member_by_member_equals_one_counted_afresh() -> None:
    """Members join one at a time (some withdrawn, some denials, ties of every kind): the
    coding kept along the way equals ``profile`` of the members at every step."""
    rng = random.Random(11)
    tallied = 0
    for _ in range(300):
        members = [_member(rng, 0)]
        kept = profile(members)
        for n in range(1, rng.randint(2, 40)):
            members.append(_member(rng, n))
            kept = joined(kept, members)
            tallied += kept.tally is not None
            assert kept == profile(members), members
    assert tallied > 1000  # the tally is kept in the usual case


def test_a_member_that_is_not_an_affirming_voter_is_counted_afresh() -> None:
    rng = random.Random(3)
    members = [replace(_member(rng, 0), withdrawn=False)]
    members[0] = replace(members[0], candidate=replace(members[0].candidate, stance="deny"))
    denial_only = profile(members)
    assert denial_only.tally is None  # voters are the active ones: no tally
    members.append(replace(_member(rng, 1), withdrawn=False))
    members[1] = replace(members[1], candidate=replace(members[1].candidate, stance="affirm"))
    assert joined(denial_only, members) == profile(members)

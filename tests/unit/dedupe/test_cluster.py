from __future__ import annotations

from dataclasses import replace

import pytest

from sitrep.dedupe import event_id_for, merge_report
from sitrep.dedupe.state import CellState
from sitrep.records.codec import encode
from tests.unit.dedupe.builders import (
    AIR_STRIKE,
    ARMY_ACTOR1,
    BINNISH,
    CIVILIANS,
    DARAA,
    HTS,
    IDLIB_GOVERNORATE,
    NOW,
    RUSSIA,
    SARAQIB,
    SHELLING,
    WITHDRAWAL,
    deleted,
    edited,
    report,
)
from tests.unit.dedupe.flow import CELL, current, only, run

CLAIM = report(
    "hts_news",
    "101",
    "Our fighters liberated the town of Saraqib from the regime army",
    {"claim_status": "claimed"},
    role="party",
    side="opposition",
)
SHELLING_REPORT = report(
    "obs",
    "7",
    "Regime artillery shelled residential neighbourhoods of Saraqib this afternoon",
    {"kind": SHELLING, "actors": (ARMY_ACTOR1, CIVILIANS), "fatalities": 2},
)


def test_first_candidate_seeds_an_event_at_version_1() -> None:
    _, events = run([CLAIM])

    event = only(events)
    assert event.version == 1
    assert event.event_id == event_id_for(f"{CLAIM.report_id}#0", CLAIM.version)
    assert event.reports[0].reason.rule == "seed"


def test_event_ids_are_deterministic_across_runs() -> None:
    _, first = run([CLAIM, SHELLING_REPORT])
    _, second = run([CLAIM, SHELLING_REPORT])

    assert [e.event_id for e in first] == [e.event_id for e in second]


def test_capture_claimed_by_rebels_and_withdrawal_by_state_media_are_one_event() -> None:
    withdrawal = report(
        "sana",
        "s1",
        "Army units redeployed outside Saraqib to preserve civilian lives",
        {"kind": WITHDRAWAL, "actors": (ARMY_ACTOR1,), "claim_status": "claimed"},
        source_kind="wire",
        role="state_media",
        side="government",
        published_at="2024-11-30T14:00:00Z",
    )

    _, events = run([CLAIM, withdrawal])

    event = only(events)
    assert [link.report_id for link in event.reports] == [CLAIM.report_id, withdrawal.report_id]
    assert event.sub_event_type == "Non-state actor overtakes territory"


def test_shelling_and_an_air_strike_on_one_town_are_two_events() -> None:
    strike = report(
        "obs",
        "8",
        "Russian jets struck Saraqib with four missiles",
        {"kind": AIR_STRIKE, "actors": (RUSSIA, CIVILIANS)},
    )

    _, events = run([SHELLING_REPORT, strike])

    assert {e.sub_event_type for e in current(events).values()} == {
        "Shelling/artillery/missile attack",
        "Air/drone strike",
    }


def test_reports_in_two_languages_about_one_event_merge() -> None:
    arabic = replace(
        report(
            "orient",
            "55",
            "قصف مدفعي لقوات النظام على الأحياء السكنية في مدينة سراقب",
            {"kind": SHELLING, "actors": (ARMY_ACTOR1, CIVILIANS), "fatalities": 3},
            published_at="2024-11-30T11:00:00Z",
        ),
        language="ar",
    )

    _, events = run([SHELLING_REPORT, arabic])

    event = only(events)
    assert event.corroboration.independent_sources == 2
    assert event.reports[1].reason.rule == "same_event"


def test_a_merge_records_its_reasons() -> None:
    near = report(
        "smart",
        "3",
        "Two civilians killed as shells hit Saraqib",
        {"kind": SHELLING, "actors": (CIVILIANS,), "location": IDLIB_GOVERNORATE},
    )

    _, events = run([SHELLING_REPORT, near])

    reason = only(events).reports[1].reason
    assert reason.rule == "same_event"
    assert 0.55 <= reason.score < 1.0
    assert reason.distance_km is not None and reason.distance_km > 0
    assert reason.time_gap_hours == 0.0
    assert reason.shared_actors == (CIVILIANS.name,)


def test_forward_joins_its_origins_event_as_a_copy() -> None:
    forward = report(
        "monitor",
        "9",
        "Our fighters liberated the town of Saraqib from the regime army",
        {"claim_status": "claimed"},
        origin_id=CLAIM.report_id,
        copy_reason="forward",
    )

    _, events = run([CLAIM, forward])

    link = only(events).reports[1]
    assert link.reason.rule == "forward"
    assert link.copy_of == CLAIM.report_id


def test_repost_without_a_forward_header_is_found_by_its_text() -> None:
    repost = report(
        "mirror",
        "9",
        "🔴 URGENT | Our fighters liberated the town of Saraqib from the regime army "
        "\n\nSubscribe: @mirror https://t.me/mirror",
        {"claim_status": "claimed"},
        role="other",
    )

    _, events = run([CLAIM, repost])

    event = only(events)
    assert event.reports[1].reason.rule == "repost"
    assert event.reports[1].copy_of == CLAIM.report_id
    assert event.corroboration.independent_sources == 1


def test_forward_of_an_unseen_post_speaks_for_the_forwarded_channel() -> None:
    def forward(channel: str) -> object:
        return report(
            channel,
            "1",
            f"Forwarded via {channel}: HTS says it entered Saraqib at dawn",
            {"claim_status": "claimed"},
            origin_id="telegram:1500001:77",
            copy_reason="forward",
        )

    _, events = run([forward("a"), forward("b")])  # type: ignore[list-item]

    event = only(events)
    assert event.corroboration.independent_sources == 1
    assert {link.copy_of for link in event.reports} == {"telegram:1500001:77"}


def test_the_same_report_version_twice_changes_nothing() -> None:
    state, _ = run([CLAIM, SHELLING_REPORT])

    again, events = merge_report(state, CLAIM, CELL, NOW)

    assert events == []
    assert again is state


def test_an_older_version_after_a_newer_one_changes_nothing() -> None:
    state, _ = run([edited(CLAIM, 2)])

    again, events = merge_report(state, CLAIM, CELL, NOW)

    assert events == []
    assert again is state


def test_an_edit_replaces_the_reports_old_candidates() -> None:
    moved = edited(
        CLAIM,
        2,
        candidates=(replace(CLAIM.candidates[0], location=BINNISH),),
    )

    _, events = run([CLAIM, moved])

    latest = current(events)
    assert len(latest) == 2
    old, new = latest.values()
    assert old.claim_status == "retracted" and old.location == SARAQIB
    assert new.location == BINNISH and new.claim_status == "claimed"


def test_an_edit_that_changes_nothing_emits_nothing() -> None:
    state, _ = run([CLAIM])

    _, events = merge_report(state, edited(CLAIM, 2), CELL, NOW)

    assert events == []


def test_nothing_after_a_deletion_is_news() -> None:
    state, _ = run([CLAIM, deleted(CLAIM)])

    again, events = merge_report(state, edited(CLAIM, 5), CELL, NOW)

    assert events == []
    assert again is state


def test_each_change_raises_the_version_by_one() -> None:
    posts = [
        CLAIM,
        report(
            "reuters",
            "1",
            "Rebels entered Saraqib, residents said",
            source_kind="wire",
            role="wire",
        ),
        report(
            "afp",
            "1",
            "Opposition fighters took Saraqib on Saturday",
            source_kind="wire",
            role="wire",
        ),
    ]

    _, events = run(posts)

    assert [e.version for e in events] == [1, 2, 3]
    assert len({e.event_id for e in events}) == 1


def test_two_candidates_of_one_report_telling_one_event_are_one_event() -> None:
    story = report(
        "reuters",
        "2",
        "Rebels took Saraqib after the army withdrew from the town",
        {"claim_status": "reported"},
        {"kind": WITHDRAWAL, "actors": (ARMY_ACTOR1,)},
        source_kind="wire",
        role="wire",
    )

    _, events = run([story])

    event = only(events)
    assert [link.candidate_id for link in event.reports] == [
        f"{story.report_id}#0",
        f"{story.report_id}#1",
    ]
    assert event.corroboration.independent_sources == 1


def test_two_candidates_of_one_report_in_two_towns_are_two_events() -> None:
    double = report(
        "obs",
        "2",
        "Shelling on Saraqib and on Binnish",
        {"kind": SHELLING},
        {"kind": SHELLING, "location": BINNISH},
    )

    _, events = run([double])

    assert len(current(events)) == 2


def test_candidates_in_other_cells_are_left_to_their_cells() -> None:
    two_places = report(
        "obs",
        "3",
        "Shelling on Saraqib and Daraa",
        {"kind": SHELLING},
        {"kind": SHELLING, "location": DARAA},
    )

    _, events = run([two_places])

    assert [e.location for e in events] == [SARAQIB]


def test_a_state_of_another_cell_is_refused() -> None:
    with pytest.raises(ValueError, match="cell"):
        merge_report(CellState.empty("SY:Daraa"), CLAIM, CELL, NOW)


def test_fatalities_are_the_lowest_count_of_an_independent_report() -> None:
    party = report(
        "hts",
        "1",
        "We killed 40 regime soldiers while liberating Saraqib",
        {"fatalities": 40, "claim_status": "claimed", "actors": (HTS, ARMY_ACTOR1)},
        role="party",
    )
    monitor = report(
        "sohr",
        "1",
        "At least 12 fighters were killed in the battle for Saraqib",
        {"fatalities": 12},
        role="monitor",
        published_at="2024-11-30T12:00:00Z",
    )
    wire = report(
        "reuters",
        "1",
        "The fighting for Saraqib killed 15 fighters, a monitor said",
        {"fatalities": 15},
        source_kind="wire",
        role="wire",
        published_at="2024-11-30T13:00:00Z",
    )

    _, events = run([party, monitor, wire])

    assert only(events).fatalities == 12


def test_the_same_short_post_two_days_later_is_another_event() -> None:
    monday = report(
        "obs", "1", "Shelling on Saraqib now", {"kind": SHELLING, "occurred_on": "2024-11-30"}
    )
    wednesday = report(
        "obs",
        "2",
        "Shelling on Saraqib now",
        {"kind": SHELLING, "occurred_on": "2024-12-02"},
        published_at="2024-12-02T10:00:00Z",
    )

    _, events = run([monday, wednesday])

    assert len(current(events)) == 2


def test_reports_absorbed_together_publish_one_version_with_what_each_would_have_given() -> None:
    """The stream absorbs a record's reports and publishes once: an event three of them join
    gets one new version (not three), whose content is the last of the one-by-one versions."""
    from sitrep.dedupe import absorb, publish
    from tests.unit.dedupe.test_state import POSTS

    seed, *joiners = [POSTS[0], POSTS[1], POSTS[2]]
    start, _ = run([seed])
    _, one_by_one = run(joiners, start)

    state = start
    touched: dict[str, None] = {}
    for post in joiners:
        state, ids = absorb(state, post, CELL)
        touched.update(dict.fromkeys(ids))
    published, versions = publish(state, touched, NOW)
    together = [event for event, _ in versions]

    assert len(one_by_one) > len(together) == 1
    assert together[0] == replace(current(one_by_one)[together[0].event_id], version=2)
    assert versions[0][1] == encode(together[0])  # its record, made from the members' links
    # publishing again emits nothing: the state records the version it published
    assert publish(published, touched, NOW) == (published, [])
    # a redelivered report is absorbed as no news
    again, ids = absorb(published, joiners[0], CELL)
    assert again is published and ids == ()


def test_an_event_record_made_from_its_members_links_is_encode_byte_for_byte() -> None:
    """``event_json`` splices the members' own link JSON into the event's: the same bytes as
    ``encode``, with no links, with many, and with text that looks like the splice point."""
    from sitrep.dedupe.cluster import event_json
    from tests.unit.dedupe.test_state import POSTS as POSTS_FOR_JSON

    tricky = report(
        "obs",
        "9",
        'He said "reports":[] and left',
        outlet='Outlet "reports":[]',
        url='https://x.example/?q="reports":[]',
    )
    _, emitted = run([*POSTS_FOR_JSON, tricky, deleted(POSTS_FOR_JSON[0])])
    assert any(link.outlet == tricky.outlet for e in emitted for link in e.reports)
    for event in emitted:
        links = [encode(link) for link in event.reports]
        assert event_json(event, links) == encode(event)
    empty = replace(emitted[0], reports=())
    assert event_json(empty, []) == encode(empty)


def test_the_copy_origin_is_the_first_print_near_enough_in_the_cells_order() -> None:
    """The scan over a cell's fingerprints (every report, for every report) against the rule
    written plainly: the first other report whose print matches — by equality when either
    text was too short for SimHash, else within ``COPY_MAX_DISTANCE`` bits."""
    import random

    from sitrep.dedupe import copies
    from sitrep.dedupe.cluster import _find_copy_origin
    from sitrep.dedupe.state import TextPrint

    def plainly(
        prints: dict[str, TextPrint], own: str, fingerprint: int, exact: bool
    ) -> str | None:
        for report_id, seen in prints.items():
            if report_id == own:
                continue
            if exact or seen.exact:
                if fingerprint == seen.fingerprint:
                    return report_id
            elif copies.distance(fingerprint, seen.fingerprint) <= copies.COPY_MAX_DISTANCE:
                return report_id
        return None

    rng = random.Random(11)

    def near(fingerprint: int, bits: int) -> int:
        for bit in rng.sample(range(128), bits):
            fingerprint ^= 1 << bit
        return fingerprint

    found = 0
    for _ in range(400):
        base = rng.getrandbits(128)
        prints: dict[str, TextPrint] = {}
        for n in range(rng.randint(0, 12)):
            fingerprint = near(base, rng.choice((0, 0, 5, 31, 32, 33, 60))) or 1
            prints[f"r{n}"] = TextPrint(fingerprint, rng.random() < 0.3, f"v{n}", 0)
        own = rng.choice([*prints, "new"])
        exact = rng.random() < 0.3
        fingerprint = rng.choice([base, near(base, 20), *(p.fingerprint for p in prints.values())])
        subject = replace(report("chan", "1", "air strike"), report_id=own)
        origin = _find_copy_origin(prints, subject, fingerprint, exact)
        expected = plainly(prints, own, fingerprint, exact)
        assert (origin and origin.report_id) == expected
        found += expected is not None
    assert 100 < found < 350  # both outcomes, many times

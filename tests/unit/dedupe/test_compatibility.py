from __future__ import annotations

from dataclasses import replace

from sitrep.dedupe.canonical import profile
from sitrep.dedupe.compatibility import (
    MERGE_THRESHOLD,
    distance_km,
    families_to_search,
    match,
    place_factor,
    time_factor,
    type_factor,
)
from sitrep.dedupe.member import Member
from sitrep.records.model import EventCandidate, MergeReason
from sitrep.records.times import parse_iso
from tests.unit.dedupe.builders import (
    AIR_STRIKE,
    ARMY,
    BINNISH,
    CAPTURE,
    CIVILIANS,
    CLASH,
    HTS,
    IDLIB_GOVERNORATE,
    KAFR_NUBL,
    PROTESTERS,
    RUSSIA,
    SARAQIB,
    SARAQIB_COUNTRYSIDE,
    SHELLING,
    WITHDRAWAL,
    candidate,
    report,
)

T0 = int(parse_iso("2024-11-30T10:00:00Z").timestamp())
HOUR = 3600


def _event_of(c: EventCandidate, published: int = T0) -> Member:
    post = report("obs", "seed", "text")
    return Member(
        candidate=c,
        report_id=post.report_id,
        report_version=1,
        source_kind="telegram",
        source_id="obs",
        source_role="monitor",
        voice="telegram:obs",
        published_at="2024-11-30T10:00:00Z",
        activity=published,
        reason=MergeReason("seed"),
    )


def _score(seed: EventCandidate, other: EventCandidate, published: int = T0) -> float | None:
    fit = match(other, published, profile((_event_of(seed),)))
    return None if fit is None else fit.score


def test_capture_and_withdrawal_are_one_kind_of_event() -> None:
    assert type_factor(*CAPTURE, *WITHDRAWAL) == 0.9


def test_shelling_and_air_strike_are_different_kinds_of_event() -> None:
    assert type_factor(*SHELLING, *AIR_STRIKE) == 0.0


def test_capture_claim_and_state_media_withdrawal_in_one_town_on_one_day_merge() -> None:
    claim = candidate("telegram:hts:1", kind=CAPTURE, actors=(HTS, ARMY))
    withdrawal = candidate("wire:sana:1", kind=WITHDRAWAL, actors=(ARMY,))

    score = _score(claim, withdrawal)

    assert score is not None and score >= MERGE_THRESHOLD


def test_shelling_and_air_strike_on_one_town_do_not_merge() -> None:
    shelling = candidate("a", kind=SHELLING, actors=(CIVILIANS,))
    strike = candidate("b", kind=AIR_STRIKE, actors=(CIVILIANS,))

    assert _score(shelling, strike) is None


def test_governorate_level_report_merges_with_a_town_in_that_governorate() -> None:
    town = candidate("a", kind=SHELLING, location=SARAQIB, actors=())
    governorate = candidate("b", kind=SHELLING, location=IDLIB_GOVERNORATE, actors=())

    score = _score(town, governorate)

    assert score is not None and score >= MERGE_THRESHOLD


def test_neighbouring_towns_are_different_places() -> None:
    assert distance_km(SARAQIB, BINNISH) < 15
    assert place_factor(SARAQIB, BINNISH) is None


def test_countryside_of_a_town_is_near_the_town() -> None:
    fit = place_factor(SARAQIB, SARAQIB_COUNTRYSIDE)

    assert fit is not None and fit.factor >= 0.85


def test_towns_far_apart_in_one_governorate_do_not_merge_at_precision_two() -> None:
    countryside = candidate("a", kind=SHELLING, location=SARAQIB_COUNTRYSIDE)
    far_town = candidate("b", kind=SHELLING, location=KAFR_NUBL)

    assert _score(countryside, far_town) is None


def test_one_day_apart_is_one_event_when_published_overnight() -> None:
    assert 0.0 < time_factor(739220, 1, 739221, 1, publication_gap_hours=5) < 1.0


def test_one_day_apart_is_two_events_when_published_a_day_apart() -> None:
    assert time_factor(739220, 1, 739221, 1, publication_gap_hours=20) == 0.0


def test_week_precision_allows_a_gap_within_the_week() -> None:
    assert 0.0 < time_factor(739220, 2, 739225, 1, publication_gap_hours=100) < 1.0
    assert time_factor(739220, 2, 739228, 1, publication_gap_hours=100) == 0.0


def test_next_days_shelling_of_the_same_town_is_another_event() -> None:
    today = candidate("a", kind=SHELLING, occurred_on="2024-11-30")
    tomorrow = candidate("b", kind=SHELLING, occurred_on="2024-12-01")

    assert _score(today, tomorrow, published=T0 + 26 * HOUR) is None


def test_place_less_candidates_merge_only_with_a_shared_actor() -> None:
    a = candidate("a", kind=SHELLING, location=None, actors=(RUSSIA,))
    same_actor = candidate("b", kind=SHELLING, location=None, actors=(RUSSIA,))
    nobody = candidate("c", kind=SHELLING, location=None, actors=())

    assert _score(a, same_actor) is not None
    assert _score(a, nobody) is None


def test_each_side_naming_only_itself_still_merges_a_capture_and_a_withdrawal() -> None:
    capture = candidate("a", kind=CAPTURE, actors=(HTS,))
    withdrawal = candidate("b", kind=WITHDRAWAL, actors=(ARMY,))

    score = _score(capture, withdrawal)

    assert score is not None and score >= MERGE_THRESHOLD


def test_different_actors_lower_the_score() -> None:
    protest = candidate("a", kind=("Protests", "Peaceful protest"), actors=(PROTESTERS,))
    same = candidate("b", kind=("Protests", "Peaceful protest"), actors=(PROTESTERS,))
    other = candidate("c", kind=("Protests", "Peaceful protest"), actors=(RUSSIA,))

    assert (_score(protest, other) or 0) < (_score(protest, same) or 0)


def test_governorate_level_report_with_other_actors_a_day_later_stays_apart() -> None:
    town = candidate("a", kind=SHELLING, location=SARAQIB, actors=(ARMY,))
    governorate = candidate(
        "b", kind=SHELLING, location=IDLIB_GOVERNORATE, actors=(RUSSIA,), occurred_on="2024-12-01"
    )

    score = _score(town, governorate, published=T0 + 3 * HOUR)

    assert score is not None and score < MERGE_THRESHOLD


def test_two_governorate_level_reports_are_one_place() -> None:
    fit = place_factor(IDLIB_GOVERNORATE, IDLIB_GOVERNORATE)

    assert fit is not None and fit.factor >= 0.9


def test_a_city_district_is_in_its_city() -> None:
    district = replace(
        SARAQIB, name="Saraqib - East", geonames_id=None, latitude=35.87, longitude=36.85
    )

    fit = place_factor(SARAQIB, district)

    assert fit is not None and fit.factor >= 0.9


def test_an_interception_and_a_strike_are_different_events() -> None:
    assert type_factor("Strategic developments", "Disrupted weapons use", *AIR_STRIKE) == 0.0


def test_the_two_sides_claiming_a_town_are_weakly_compatible() -> None:
    assert 0 < type_factor(*CAPTURE, "Battles", "Government regains territory") < 0.9


def test_clash_reported_only_for_the_governorate_does_not_join_a_capture() -> None:
    capture = candidate("a", kind=CAPTURE, location=SARAQIB, actors=(HTS, ARMY))
    clash = candidate("b", kind=CLASH, location=IDLIB_GOVERNORATE, actors=())

    assert _score(capture, clash) is None


def test_different_sub_event_types_merge_in_one_town_not_at_the_governorate() -> None:
    capture = candidate("a", kind=CAPTURE, location=BINNISH, actors=(HTS, ARMY))
    clash_governorate = candidate("c", kind=CLASH, location=IDLIB_GOVERNORATE, actors=(ARMY,))
    clash_in_town = candidate("d", kind=CLASH, location=BINNISH, actors=(ARMY,))

    assert _score(capture, clash_governorate) is None
    assert (_score(capture, clash_in_town) or 0.0) >= MERGE_THRESHOLD


def test_near_another_town_only_the_same_sub_event_type_merges() -> None:
    near = replace(SARAQIB_COUNTRYSIDE, latitude=35.93, longitude=36.75)
    shelling = candidate("a", kind=SHELLING, location=BINNISH, actors=(ARMY,))
    nearby = candidate("b", kind=SHELLING, location=near, actors=(ARMY,))
    clash = candidate("c", kind=CLASH, location=near, actors=(ARMY,))

    assert distance_km(BINNISH, near) <= 10
    assert (_score(shelling, nearby) or 0.0) >= MERGE_THRESHOLD
    assert _score(candidate("d", kind=CAPTURE, location=BINNISH, actors=(ARMY,)), clash) is None


def test_match_reports_distance_time_gap_and_shared_actors() -> None:
    seed = candidate("a", kind=CAPTURE, location=SARAQIB, actors=(HTS, ARMY))
    later = candidate("b", kind=CAPTURE, location=SARAQIB_COUNTRYSIDE, actors=(HTS,))

    fit = match(later, T0 + HOUR, profile((_event_of(seed),)))

    assert fit is not None
    assert fit.distance_km is not None and 0 < fit.distance_km < 10
    assert fit.time_gap_hours == 0.0
    assert fit.shared_actors == (HTS.name,)


def test_a_candidate_without_a_valid_sub_event_type_is_searched_among_its_event_type() -> None:
    families = families_to_search("Explosions/Remote violence", "")

    assert families_to_search(*SHELLING)[0] in families
    assert families_to_search(*AIR_STRIKE)[0] in families


def test_a_candidate_without_a_valid_sub_event_type_merges_by_event_type() -> None:
    coded = candidate("a", kind=SHELLING)
    vague = candidate("b", kind=("Explosions/Remote violence", ""))

    score = _score(coded, vague)

    assert score is not None and score >= MERGE_THRESHOLD

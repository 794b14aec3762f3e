from __future__ import annotations

from typing import Any

from sitrep.records.model import EventCandidate, Location
from sitrep.understand.evaluate import Tally, missed_targets, pair_events, score_report

HAMA: dict[str, Any] = {
    "name": "Hama",
    "admin1": "Hama",
    "country": "Syria",
    "latitude": 35.13,
    "longitude": 36.75,
}


def _gold(
    sub: str = "Air/drone strike", event_type: str = "Explosions/Remote violence"
) -> dict[str, Any]:
    return {
        "event_type": event_type,
        "sub_event_type": sub,
        "location": HAMA,
        "actors": ["A"],
        "fatalities": 2,
    }


def _pred(
    sub: str = "Air/drone strike",
    event_type: str = "Explosions/Remote violence",
    lat: float = 35.13,
) -> EventCandidate:
    location = Location("Hama", "Syria", lat, 36.75, 1, admin1="Hama")
    return EventCandidate("r#0", event_type, sub, "2024-12-01", 1, location, (), 2, "reported")


def test_gold_and_predicted_events_pair_by_type_and_place() -> None:
    far = _pred(lat=36.5)  # about 150 km north
    assert pair_events([_gold()], [far, _pred()]) == [(0, 1)]


def test_a_perfect_report_scores_one_everywhere_but_actors() -> None:
    tally = Tally()
    score_report(tally, [_gold()], [_pred()])
    scores = tally.scores()
    assert (
        scores["type_f1"] == scores["sub_acc"] == scores["loc_25km"] == scores["fatal_exact"] == 1.0
    )
    assert scores["actor_f1"] == 0.0  # the gold actor was not predicted


def test_a_missed_event_and_a_false_event_both_count_against_the_type() -> None:
    tally = Tally()
    score_report(tally, [_gold()], [])
    score_report(tally, [], [_pred()])
    assert tally.scores()["type_f1"] == 0.0
    assert tally.scores()["detect_f1"] == 0.0


def test_targets_are_missed_when_arabic_lags_english_by_more_than_five_points() -> None:
    good, bad = Tally(), Tally()
    score_report(good, [_gold()], [_pred()])
    score_report(bad, [_gold()], [_pred(sub="Shelling/artillery/missile attack")])
    tallies = {"all": good, "en": good, "ar": bad}
    assert any("Arabic" in miss for miss in missed_targets(tallies))

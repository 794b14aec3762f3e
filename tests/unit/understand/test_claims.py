from __future__ import annotations

from tests.unit.understand.helpers import only

SOHR = "Airstrikes hit Saraqib on Saturday, according to the Syrian Observatory for Human Rights."


def test_a_wire_report_without_attribution_is_reported() -> None:
    event = only("Airstrikes hit Saraqib on Saturday.", role="wire", source="Reuters")
    assert (event.claim_status, event.claimed_by) == ("reported", None)


def test_a_partys_channel_claims_what_it_posts() -> None:
    event = only("تحرير مدينة سراقب بالكامل", role="party", source="Military Operations Command")
    assert (event.claim_status, event.claimed_by) == ("claimed", "Military Operations Command")


def test_an_attribution_to_a_party_in_the_text_makes_a_claim_by_that_party() -> None:
    event = only("Rebels captured Saraqib on Saturday, Hayat Tahrir al-Sham said.", role="wire")
    assert (event.claim_status, event.claimed_by) == ("claimed", "Hayat Tahrir al-Sham")


def test_state_media_claims_for_the_state_forces_it_speaks_for() -> None:
    event = only("Syrian and Russian warplanes struck Idlib, SANA reported.", role="wire")
    assert event.claim_status == "claimed"
    assert event.claimed_by == "Military Forces of Syria (2000-2024)"


def test_an_attribution_to_a_monitor_keeps_a_report_reported() -> None:
    assert only(SOHR, role="local_media").claim_status == "reported"


def test_a_denial_is_a_disputed_deny_candidate_of_the_same_event() -> None:
    text = "مصدر عسكري: لا صحة للأنباء عن دخول المجموعات الإرهابية إلى مدينة حلب"
    event = only(text, role="state_media", source="SANA")
    assert (event.sub_event_type, event.stance, event.claim_status) == (
        "Non-state actor overtakes territory",
        "deny",
        "disputed",
    )
    assert event.location is not None and event.location.name == "Aleppo"

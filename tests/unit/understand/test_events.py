"""What events a report holds: types, places, actors; one behaviour each, real dictionaries."""

from __future__ import annotations

import pytest

from sitrep.understand import taxonomy as t
from tests.unit.understand.helpers import events, only

WIRE = (
    "DAMASCUS/AMMAN (Reuters) - Syrian rebels advanced toward the outskirts of Homs on Saturday "
    "after capturing Rastan and Talbiseh, while government artillery shelled the northern "
    "suburbs of the city, residents said. In the south, the army agreed to withdraw from Deraa "
    "under a deal brokered by local elders, and U.S.-backed Kurdish-led forces took control of "
    "Deir Ezzor after government troops pulled out."
)


def test_a_wire_story_holds_each_of_its_events_as_a_candidate() -> None:
    found = {(c.sub_event_type, c.location.name if c.location else None) for c in events(WIRE)}
    assert (t.NON_STATE_OVERTAKES_TERRITORY, "Al-Rastan") in found
    assert (t.NON_STATE_OVERTAKES_TERRITORY, "Talbiseh") in found
    assert (t.AGREEMENT, "Dar'a") in found
    assert any(place == "Deir-ez-Zor" for _, place in found)


def test_candidates_are_ordered_by_salience_and_numbered_in_that_order() -> None:
    found = events(WIRE)
    assert [c.candidate_id for c in found] == [f"r1#{n}" for n in range(len(found))]
    assert [c.salience for c in found] == sorted((c.salience for c in found), reverse=True)


def test_the_dateline_is_not_the_event_place() -> None:
    event = only("BEIRUT (Reuters) - Russian warplanes struck the town of Ariha on Sunday.")
    assert event.location is not None and event.location.name == "Ariha"


@pytest.mark.parametrize(
    ("text", "sub_event_type"),
    [
        ("Russian warplanes struck the town of Ariha on Sunday.", t.AIR_DRONE_STRIKE),
        ("قصف مدفعي لقوات النظام على بلدة كفرنبل", t.SHELLING),
        ("Heavy clashes broke out between the SDF and the SNA near Deir Hafer.", t.ARMED_CLASH),
        ("A car bomb exploded near a market in Azaz, killing five people.", t.REMOTE_EXPLOSIVE),
        ("A suicide bomber blew himself up at a checkpoint near al-Bab.", t.SUICIDE_BOMB),
        ("Gunmen kidnapped a merchant in Daraa.", t.ABDUCTION),
        ("قسد تشن حملة اعتقالات في مدينة الرقة", t.ARRESTS),
        ("Hundreds protested peacefully in Sweida against the governor.", t.PEACEFUL_PROTEST),
        ("Protesters threw stones at police and burned tyres in Homs.", t.VIOLENT_DEMONSTRATION),
        ("Air defences shot down three drones over Hmeimim air base.", t.DISRUPTED_WEAPONS_USE),
        ("Turkish-backed fighters looted homes in Tal Rifaat.", t.LOOTING),
        ("Gunmen executed four men from the same family in Jasim.", t.ATTACK),
    ],
)
def test_the_cues_decide_the_acled_sub_event_type(text: str, sub_event_type: str) -> None:
    assert only(text).sub_event_type == sub_event_type


def test_a_capture_by_rebels_is_a_non_state_takeover_and_by_the_army_a_regain() -> None:
    assert only("Rebels captured Saraqib.").sub_event_type == t.NON_STATE_OVERTAKES_TERRITORY
    assert (
        only("The Syrian army recaptured Qamhana.").sub_event_type == t.GOVERNMENT_REGAINS_TERRITORY
    )


def test_a_withdrawal_without_fighting_is_a_non_violent_transfer() -> None:
    event = only(
        "Kurdish-led forces moved into Deir ez-Zor after government troops withdrew. There was no fighting."
    )
    assert event.sub_event_type == t.NON_VIOLENT_TRANSFER


def test_the_fighting_around_a_capture_is_part_of_the_capture() -> None:
    event = only("سيطرت فصائل المعارضة على مدينة حماة بعد معارك عنيفة مع قوات النظام")
    assert event.sub_event_type == t.NON_STATE_OVERTAKES_TERRITORY


@pytest.mark.parametrize(
    "text",
    [
        "Good morning from Idlib! Subscribe to our channel for live updates.",
        "Will the rebels take Homs next? Comment below.",
        "ANALYSIS-How a lightning offensive caught Assad's army off guard.",
        "The Syrian army said it was preparing a large counteroffensive to retake Aleppo.",
        "Russia warned it could strike Kyiv with its new missile.",
        "On this day in 2016, government forces retook eastern Aleppo after a long siege.",
        "The UN envoy called for an immediate ceasefire and urged all parties to protect civilians.",
        "The Syrian pound fell to a record low in Damascus on Tuesday.",
        "جمعة مباركة 🤍 تابعونا على قناتنا",
    ],
)
def test_commentary_ads_greetings_questions_threats_and_history_are_not_events(text: str) -> None:
    assert events(text) == ()


def test_the_countryside_of_a_governorate_is_the_governorate_at_precision_3() -> None:
    event = only("غارات جوية روسية على ريف إدلب الجنوبي")
    assert event.location is not None
    assert (event.location.admin1, event.location.geo_precision) == ("Idleb", 3)


def test_the_countryside_of_a_town_is_near_the_town_at_precision_2() -> None:
    event = only("مقتل عنصرين من الأمن العام برصاص مسلحين في ريف جبلة")
    assert event.location is not None
    assert (event.location.name, event.location.geo_precision) == ("Jableh", 2)


def test_a_town_located_north_of_a_city_is_the_town() -> None:
    event = only("Rebels captured the town of Souran north of Hama on Tuesday.")
    assert event.location is not None and event.location.name == "Suran"


def test_a_province_named_to_locate_a_town_is_not_the_event_place() -> None:
    event = only("هجوم لخلايا داعش على حاجز لقسد في بلدة البصيرة بريف دير الزور الشرقي")
    assert event.location is not None and event.location.name == "Al-Busayrah"


def test_a_common_arabic_word_is_not_read_as_a_village() -> None:
    event = only("وقفة احتجاجية في ساحة الكرامة بمدينة السويداء")
    assert event.location is not None and event.location.name == "As-Sweida"


def test_country_context_chooses_between_places_of_the_same_name() -> None:
    syrian = only("Israeli strikes hit Ras al-Ain in northeast Syria.")
    assert syrian.location is not None and syrian.location.country_code == "SY"


def test_actors_are_named_as_acled_names_them_with_their_inter_codes() -> None:
    event = only("Turkish drones struck an SDF position near Qamishli.")
    assert {(a.name, a.inter) for a in event.actors} >= {
        ("Military Forces of Turkey (2016-)", 8),  # state forces abroad: external
        ("QSD: Syrian Democratic Forces", 2),
    }


def test_civilian_victims_of_a_strike_are_an_actor() -> None:
    event = only("An Israeli strike on a house in Nuseirat killed 12 civilians.")
    assert "Civilians (Palestine)" in {a.name for a in event.actors}


def test_russian_ukrainian_and_french_places_actors_and_verbs_are_recognized() -> None:
    ru = only("Минобороны России: подразделения группировки войск освободили Курахове.")
    assert ru.sub_event_type == t.NON_STATE_OVERTAKES_TERRITORY
    assert ru.location is not None and ru.location.name == "Kurakhove"
    uk = only("Внаслідок обстрілу Херсона загинули двоє мирних жителів.")
    assert (uk.sub_event_type, uk.fatalities) == (t.SHELLING, 2)
    fr = only("L'armée malienne a mené des frappes de drones près de Tinzaouaten.")
    assert fr.sub_event_type == t.AIR_DRONE_STRIKE


def test_any_text_is_understood_without_raising() -> None:
    for text in ("", "   ", "🔴🔴🔴", "?" * 50, "ا" * 1000, "a-b-c '' ` -- , 1,2,3"):
        assert isinstance(events(text), tuple)


@pytest.mark.parametrize(
    "text",
    [
        "Local council officials appealed for ambulances.",
        "Local council officials appealed for ambulances as families gathered their belongings "
        "in Jisr al-Shughur.",
        "Officials called for a protest in Suwayda on Friday.",
        "The council urged residents to join a rally in Idlib.",
        "ناشد المجلس المحلي في مدينة أريحا المنظمات إرسال سيارات الإسعاف",
    ],
)
def test_appeals_and_calls_are_no_protest(text: str) -> None:
    assert not any(c.event_type == t.PROTESTS for c in events(text))


@pytest.mark.parametrize(
    "text",
    [
        "Families gathered their belongings and fled Hama on Thursday.",
        "Rescue workers gathered the bodies in Idlib.",
        "Regime forces gathered near Hama on Thursday.",
        "Government forces rallied near Hama.",
        "حشود عسكرية لقوات النظام على جبهات ريف إدلب الجنوبي",
        "الطيران الحربي يستهدف تجمعاً للسيارات المدنية قرب دوار الجامعة في حلب",
        "الطيران الحربي السوري الروسي المشترك يستهدف مقرات وتجمعات الإرهابيين في إدلب",
    ],
)
def test_gathering_without_a_crowd_of_people_is_no_protest(text: str) -> None:
    assert not any(c.event_type == t.PROTESTS for c in events(text))


@pytest.mark.parametrize(
    "text",
    [
        "Thousands of people gathered in Umayyad Square in Damascus on Sunday.",
        "Hundreds marched in Idlib on Friday.",
        "تجمع العشرات من الأهالي في ساحة مدينة إدلب",
        "Residents demanding the release of detainees staged a sit-in in Suwayda.",
        "طالب المتظاهرون في السويداء بإسقاط النظام",
    ],
)
def test_a_crowd_gathering_or_demanding_is_a_peaceful_protest(text: str) -> None:
    assert only(text).sub_event_type == t.PEACEFUL_PROTEST


def test_a_month_name_is_neither_a_march_nor_a_may() -> None:
    assert only("Rebels captured Saraqib on 3 March.").event_type == t.BATTLES
    assert only("On 5 May, shelling hit Idlib, killing two.").sub_event_type == t.SHELLING


def test_a_past_year_in_a_sentence_dated_today_drops_only_the_cues_beside_it() -> None:
    assert events("Rebels took control of Saraqib in 2020.") == ()
    entered = only("Rebel fighters entered Homs on Sunday for the first time since 2011.")
    assert entered.sub_event_type == t.NON_STATE_OVERTAKES_TERRITORY
    seized = only(
        "Residents said on Monday that rebels had seized Saraqib, a town the army recaptured in 2020."
    )
    assert seized.sub_event_type == t.NON_STATE_OVERTAKES_TERRITORY


def test_capturing_a_count_of_people_takes_prisoners_not_territory() -> None:
    prisoners = only(
        "Insurgents said they killed 7 soldiers and captured three in an ambush near Saraqib."
    )
    assert prisoners.sub_event_type == t.ARMED_CLASH
    villages = only("Insurgents captured three villages near Saraqib.")
    assert villages.sub_event_type == t.NON_STATE_OVERTAKES_TERRITORY


def test_the_side_driven_back_is_not_the_agent_of_a_recapture() -> None:
    event = only(
        "The army said on Monday it had beaten back the rebels near Morek and retaken two villages."
    )
    assert event.sub_event_type == t.GOVERNMENT_REGAINS_TERRITORY


def test_drones_destroyed_by_air_defences_are_an_interception_not_a_strike() -> None:
    event = only("Air defence systems destroyed 14 drones over the Belgorod region overnight.")
    assert event.sub_event_type == t.DISRUPTED_WEAPONS_USE
    strike = only("Ukrainian drones destroyed an oil depot in the Bryansk region.")
    assert strike.sub_event_type == t.AIR_DRONE_STRIKE


def test_a_town_located_by_a_direction_from_a_city_is_exact_and_its_front_is_near() -> None:
    town = only("Government forces retook the village of Morek north of Hama on Monday.")
    assert town.location is not None and town.location.name == "Morek"
    assert town.location.geo_precision == 1
    front = only("Heavy clashes raged on the Morek front on Monday.")
    assert front.location is not None and front.location.geo_precision == 2


def test_handing_over_weapons_under_a_deal_is_the_agreement_not_a_transfer() -> None:
    assert events("Fighters in Tafas handed over their weapons to the army.") == ()
    town = only("Rebels handed over Tafas to the army without a fight.")
    assert town.sub_event_type == t.NON_VIOLENT_TRANSFER
    deal = only("فصائل طفس توقع اتفاقاً مع النظام يقضي بتسليم السلاح الثقيل")
    assert deal.sub_event_type == t.AGREEMENT


def test_a_move_made_under_a_deal_is_the_move_not_the_deal() -> None:
    event = only(
        "Israeli forces withdrew from the town of Bint Jbeil on Friday under the ceasefire deal."
    )
    assert event.sub_event_type == t.NON_VIOLENT_TRANSFER
    assert only("The army and local elders reached a deal in Tafas on Monday.").sub_event_type == (
        t.AGREEMENT
    )
    pressed = only("Under pressure, the army agreed a deal with local elders in Tafas on Monday.")
    assert pressed.sub_event_type == t.AGREEMENT


def test_a_place_word_inside_a_group_name_is_not_a_place() -> None:
    event = only(
        "Fighters of Hayat Tahrir al-Sham clashed with government forces in Saraqib on Sunday."
    )
    assert event.location is not None and event.location.name == "Saraqib"
    assert (
        events("Fighters of Hayat Tahrir al-Sham clashed with government forces on Sunday.") == ()
    )


def test_a_weapons_store_a_strike_hits_is_its_target_not_a_seizure() -> None:
    strike = only("غارة تستهدف مستودعات أسلحة في بلدة سرمين")
    assert strike.sub_event_type == t.AIR_DRONE_STRIKE
    seizure = only("ضبط مستودع أسلحة في بلدة سرمين")
    assert seizure.sub_event_type == t.DISRUPTED_WEAPONS_USE


def test_strikes_that_hit_a_target_are_air_strikes() -> None:
    event = only("Turkish strikes hit a power station in Qamishli on Sunday.")
    assert event.sub_event_type == t.AIR_DRONE_STRIKE


def test_a_capital_speaking_for_its_government_does_not_place_a_town_in_its_province() -> None:
    event = only(
        "Russian forces captured the village of Kurakhivka, the defence ministry in Moscow said."
    )
    assert event.location is not None and event.location.name == "Kurakhivka"


def test_the_side_that_fled_is_not_the_agent_of_a_capture() -> None:
    event = only("بلدة مورك محررة بعد انسحاب قوات النظام منها")
    assert event.sub_event_type == t.NON_STATE_OVERTAKES_TERRITORY
    regain = only("قوات النظام تسيطر على بلدة مورك بعد انسحاب الفصائل")
    assert regain.sub_event_type == t.GOVERNMENT_REGAINS_TERRITORY


@pytest.mark.parametrize(
    "text",
    [
        "قوات الأمن تعتقل ثلاثة شبان في بلدة طفس",
        "قوات النظام تداهم منازل في بلدة طفس وتعتقل ثلاثة شبان بعد اشتباك قصير",
    ],
)
def test_arabic_present_tense_arrest_headlines_are_arrests(text: str) -> None:
    assert only(text).sub_event_type == t.ARRESTS


def test_a_place_a_town_is_said_to_lie_in_is_not_the_event_place() -> None:
    event = only(
        "Israeli troops entered homes in Beit Hanoun in northern Gaza on Monday, detaining ten men."
    )
    assert event.location is not None and event.location.name == "Beit Hanoun"

from __future__ import annotations

from sitrep.records.model import Report
from tests.unit.dedupe.builders import ARMY_ACTOR1, WITHDRAWAL, deleted, report
from tests.unit.dedupe.flow import only, run

REBEL_CLAIM = report(
    "hts_news",
    "101",
    "Our fighters liberated the town of Saraqib from the regime army",
    {"claim_status": "claimed", "claimed_by": "Hayat Tahrir al-Sham"},
    role="party",
    side="opposition",
)
REUTERS = report(
    "reuters",
    "r1",
    "Rebels entered Saraqib on Saturday, residents and a war monitor told Reuters.",
    source_kind="wire",
    role="wire",
    published_at="2024-11-30T11:00:00Z",
    outlet="Reuters",
)
AL_JAZEERA = report(
    "aljazeera-ar",
    "a1",
    "فصائل المعارضة تدخل مدينة سراقب بعد اشتباكات مع قوات النظام",
    source_kind="wire",
    role="wire",
    published_at="2024-11-30T12:00:00Z",
    outlet="Al Jazeera",
)
STATE_WITHDRAWAL = report(
    "sana",
    "s1",
    "Army units redeployed outside Saraqib to preserve the lives of civilians.",
    {"kind": WITHDRAWAL, "actors": (ARMY_ACTOR1,), "claim_status": "claimed"},
    source_kind="wire",
    role="state_media",
    side="government",
    published_at="2024-11-30T13:00:00Z",
)
STATE_DENIAL = report(
    "sana",
    "s2",
    "A military source denied that terrorist groups entered Saraqib.",
    {"stance": "deny", "claim_status": "disputed"},
    source_kind="wire",
    role="state_media",
    side="government",
    published_at="2024-11-30T13:30:00Z",
)


def _forward(n: int) -> Report:
    return report(
        f"channel{n}",
        str(n),
        "Our fighters liberated the town of Saraqib from the regime army",
        {"claim_status": "claimed", "claimed_by": "Hayat Tahrir al-Sham"},
        role="other",
        origin_id=REBEL_CLAIM.report_id,
        copy_reason="forward",
        published_at=f"2024-11-30T10:{n:02d}:00Z",
    )


def test_one_partys_post_is_claimed() -> None:
    _, events = run([REBEL_CLAIM])

    assert only(events).claim_status == "claimed"


def test_an_independent_source_makes_a_claim_reported() -> None:
    _, events = run([REBEL_CLAIM, REUTERS])

    assert only(events).claim_status == "reported"


def test_two_independent_sources_make_it_corroborated() -> None:
    _, events = run([REBEL_CLAIM, REUTERS, AL_JAZEERA])

    event = only(events)
    assert event.claim_status == "corroborated"
    assert event.corroboration.outlets == ("Al Jazeera", "Reuters")


def test_adversaries_affirming_one_event_corroborate_it() -> None:
    _, events = run([REBEL_CLAIM, STATE_WITHDRAWAL])

    event = only(events)
    assert event.claim_status == "corroborated"
    assert event.corroboration.sides == ("government", "opposition")


def test_a_denial_makes_it_disputed() -> None:
    _, events = run([REBEL_CLAIM, REUTERS, AL_JAZEERA, STATE_DENIAL])

    event = only(events)
    assert event.claim_status == "disputed"
    assert event.corroboration.denials == 1


def test_twenty_forwards_count_once_with_their_origin() -> None:
    _, events = run([REBEL_CLAIM, *[_forward(n) for n in range(1, 21)]])

    event = only(events)
    assert event.claim_status == "claimed"
    assert event.corroboration.independent_sources == 1
    assert event.corroboration.copies == 20
    assert {link.copy_of for link in event.reports[1:]} == {REBEL_CLAIM.report_id}


def test_a_wire_relaying_a_partys_claim_leaves_it_claimed() -> None:
    relay = report(
        "afp",
        "x1",
        "Syrian rebels said they had captured Saraqib; the army did not comment.",
        {"claim_status": "claimed", "claimed_by": "Hayat Tahrir al-Sham"},
        source_kind="wire",
        role="wire",
    )

    _, events = run([REBEL_CLAIM, relay])

    event = only(events)
    assert event.claim_status == "claimed"
    assert event.corroboration.independent_sources == 2


def test_deleting_the_only_supporting_post_retracts_the_event() -> None:
    _, events = run([REBEL_CLAIM, deleted(REBEL_CLAIM)])

    event = only(events)
    assert event.claim_status == "retracted"
    assert event.reports == ()
    assert event.sub_event_type == "Non-state actor overtakes territory"


def test_deleting_one_of_two_sources_keeps_the_event_supported() -> None:
    _, events = run([REBEL_CLAIM, REUTERS, deleted(REBEL_CLAIM)])

    event = only(events)
    assert event.claim_status == "reported"
    assert [link.report_id for link in event.reports] == [REUTERS.report_id]


def test_a_denial_alone_opens_a_disputed_event_that_the_claim_joins() -> None:
    _, events = run([STATE_DENIAL, REBEL_CLAIM])

    event = only(events)
    assert event.claim_status == "disputed"
    assert [link.stance for link in event.reports] == ["deny", "affirm"]

"""Who acts: names of forces and groups resolved for the event's country; real dictionaries."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sitrep.normalize import build_report
from sitrep.records.codec import decode_raw_item
from sitrep.sources import SourceRegistry
from sitrep.understand import default_understander
from sitrep.understand.actors import ActorName
from sitrep.understand.text import tokens
from tests.unit.understand.helpers import events, only

SAMPLE = Path(__file__).resolve().parents[3] / "samples" / "syria-2024"
SYRIA = "Military Forces of Syria (2000-2024)"
SUDAN = "Military Forces of Sudan (2019-)"


def _names(text: str, **kwargs: object) -> list[str]:
    return [actor.name for actor in only(text, **kwargs).actors]


@pytest.mark.parametrize(
    "text",
    [
        "عـاجـل | غارة جوية من الطيران الحربي على سوق مدينة الاتارب غرب حلب، وأنباء عن ضحايا مدنيين.",
        "مجزرة في حلب.. الطيران الحربي يستهدف تجمعاً للسيارات المدنية قرب دوار الجامعة",
        "Warplanes struck the town of Ariha on Sunday.",
    ],
)
def test_generic_warplanes_over_a_syrian_town_are_syria_s_forces(text: str) -> None:
    names = [actor.name for candidate in events(text) for actor in candidate.actors]
    assert SYRIA in names
    assert SUDAN not in names


@pytest.mark.parametrize(
    ("text", "army"),
    [
        ("الطيران الحربي يقصف مواقع الدعم السريع في مدينة الفاشر", SUDAN),
        ("The army shelled RSF positions in Omdurman on Sunday.", SUDAN),
        ("The army said it shelled Hezbollah positions near Marjayoun.", "Military Forces of Lebanon (2021-)"),
        ("انسحاب قوات الجيش من مطار دمشق الدولي", SYRIA),
    ],
)  # fmt: skip
def test_the_army_is_the_state_forces_of_the_event_s_country(text: str, army: str) -> None:
    assert army in _names(text)


def test_the_army_of_a_country_without_a_dictionary_entry_is_named_after_the_country() -> None:
    assert "Military Forces of Yemen" in _names("The army shelled Houthi positions in Taiz.")


@pytest.mark.parametrize(
    "text",
    [
        "قوات الجيش الوطني السوري تشتبك مع عناصر قسد على أطراف مدينة تل رفعت",
        "بعون الله وتوفيقه، قوات الجيش الوطني السوري تُحرّر مدينة تل رفعت بالكامل من عصابات "
        "PKK/YPG الإرهابية بعد معارك عنيفة.",
    ],
)
def test_the_syrian_national_army_is_not_the_state_army(text: str) -> None:
    names = _names(text)
    assert "Syrian National Army" in names
    assert SYRIA not in names and SUDAN not in names


def test_of_two_overlapping_names_of_actors_the_longer_is_the_name() -> None:
    index = default_understander().index
    folded = index.fold_tokens(tokens("قوات الجيش الوطني السوري تتقدم"))
    names = [m for m in index.mentions(folded) if m.kind == "actor"]
    assert [(m.start, m.end) for m in names] == [(1, 4)]


def test_generic_rebels_name_the_rebels_of_their_own_country_only() -> None:
    assert _names("Rebels entered Aleppo on Friday.") == ["Opposition Rebels (Syria)"]
    names = _names("The rebels shelled Israeli positions near Khan Younis.")
    assert not {"Opposition Rebels (Syria)", "Rapid Support Forces"} & set(names)


def test_a_country_adjective_names_that_country_s_forces_beside_the_event_country_s() -> None:
    names = _names("Russian and Syrian warplanes struck Idlib on Sunday.")
    assert sorted(names) == ["Military Forces of Russia (2000-)", SYRIA]


def test_a_backer_named_by_its_adjective_is_no_party_to_the_event() -> None:
    assert _names("Turkish-backed factions shelled Manbij on Sunday.") == ["Syrian National Army"]


def test_without_a_place_the_source_region_tells_whose_army_it_is() -> None:
    text = "الجيش يسقط ثلاث مسيرات فوق المنطقة"
    assert _names(text, region="SD") == [SUDAN]
    assert _names(text) == [SYRIA]  # Arabic reporting, nothing else to go by: Syria


def test_without_a_place_a_group_named_by_name_tells_whose_army_it_is() -> None:
    assert SUDAN in _names("الجيش يسقط ثلاث مسيرات أطلقتها ميليشيا الدعم السريع")


def test_a_generic_name_of_forces_names_nobody_when_no_country_can_be_told() -> None:
    assert only("The army shot down three drones overnight.").actors == ()


def test_a_name_of_forces_is_kept_as_generic_by_the_dictionary() -> None:
    name = default_understander().actors.names["الجيش"]
    assert name == ActorName(entries=(), local=(), state_forces=True)


def test_no_actor_in_the_bundled_sample_is_a_foreign_force_the_report_never_names() -> None:
    understander = default_understander()
    registry = SourceRegistry.load(SAMPLE / "sources.yaml")
    homes = {
        name: entry.country
        for entry in understander.actors.entries
        for name in {entry.name, *entry.name_by_country.values()}
    }
    implausible = []
    for line in (SAMPLE / "raw.jsonl").read_bytes().splitlines():
        raw = decode_raw_item(json.loads(line))
        source = registry.lookup(raw.source_kind, raw.source_id)
        report = build_report(raw, source, understander, datetime(2025, 1, 1, tzinfo=UTC))
        named = _named_countries(f"{report.text}\n{report.outlet or ''}")  # a party's channel
        for candidate in report.candidates:
            country = candidate.location.country_code if candidate.location else None
            for actor in candidate.actors:
                home = homes.get(actor.name)
                if home and country and home != country and home not in named:
                    implausible.append((raw.item_id, actor.name, candidate.location))
    assert implausible == []


def _named_countries(text: str) -> set[str]:
    """Countries a text names: by a country's name or adjective, or by the name of an actor of
    its own (not a generic word)."""
    understander = default_understander()
    places = understander.gazetteer.places
    out: set[str] = set()
    for part in text.splitlines():
        for m in understander.index.mentions(understander.index.fold_tokens(tokens(part))):
            if m.kind == "place":
                out.update(places[i].country_code for i in m.value.indices)  # type: ignore[attr-defined]
            elif m.kind == "actor":
                out.update(entry.country for entry in m.value.entries)  # type: ignore[attr-defined]
    return out

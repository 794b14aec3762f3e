"""ACLED coding of events for the CSV export (pure)."""

from __future__ import annotations

import pytest

from sitrep.records.model import Actor, Corroboration
from sitrep.store.acled import (
    ACLED_COLUMNS,
    acled_row,
    country_code_of,
    disorder_type,
    interaction,
    iso_numeric,
    sides,
    source_scale,
)
from tests.unit.store.samples import event, link, located


def test_interaction_puts_the_lower_category_first() -> None:
    assert interaction(8, 1) == 18
    assert interaction(2, 2) == 22


def test_interaction_of_a_sole_actor_is_its_category_times_ten() -> None:
    assert interaction(6, 0) == 60


@pytest.mark.parametrize(
    ("event_type", "sub_event_type", "expected"),
    [
        ("Battles", "Armed clash", "Political violence"),
        ("Explosions/Remote violence", "Air/drone strike", "Political violence"),
        ("Violence against civilians", "Attack", "Political violence"),
        ("Riots", "Mob violence", "Political violence"),
        ("Riots", "Violent demonstration", "Demonstrations"),
        ("Protests", "Peaceful protest", "Demonstrations"),
        ("Protests", "Excessive force against protesters", "Political violence; Demonstrations"),
        ("Strategic developments", "Arrests", "Strategic developments"),
        ("Not an event", "", ""),
    ],
)
def test_disorder_type_follows_acled(event_type: str, sub_event_type: str, expected: str) -> None:
    assert disorder_type(event_type, sub_event_type) == expected


def test_associated_actors_join_the_primary_actor_before_them() -> None:
    arranged = sides(
        (
            Actor("Hayat Tahrir al-Sham", 2, "actor1"),
            Actor("Syrian National Army", 2, "assoc"),
            Actor("Military Forces of Syria (2000-2024)", 1, "actor2"),
            Actor("Military Forces of Russia (2000-)", 8, "assoc"),
        )
    )
    assert (arranged.actor1, arranged.assoc_actor_1) == (
        "Hayat Tahrir al-Sham",
        ("Syrian National Army",),
    )
    assert arranged.assoc_actor_2 == ("Military Forces of Russia (2000-)",)
    assert (arranged.inter1, arranged.inter2) == (2, 1)


def test_an_event_without_actor1_takes_its_first_actor() -> None:
    arranged = sides((Actor("Rioters (Syria)", 5, "assoc"),))
    assert (arranged.actor1, arranged.inter1, arranged.actor2, arranged.inter2) == (
        "Rioters (Syria)",
        5,
        "",
        0,
    )


def test_iso_is_the_numeric_country_code() -> None:
    assert iso_numeric("SY") == 760


def test_country_code_is_found_by_name_when_missing() -> None:
    assert country_code_of("Syria", None) == "SY"


def test_row_fills_every_acled_column() -> None:
    row = acled_row(event())
    assert tuple(row) == ACLED_COLUMNS
    assert row["iso"] == 760
    assert row["region"] == "Middle East"
    assert row["interaction"] == 78
    assert row["event_date"] == "2024-12-01"
    assert row["year"] == 2024
    assert row["timestamp"] == 1733040065


def test_violence_against_civilians_is_civilian_targeting() -> None:
    row = acled_row(
        event(
            event_type="Violence against civilians",
            sub_event_type="Attack",
            actors=(Actor("Unidentified Armed Group (Syria)", 3, "actor1"),),
        )
    )
    assert row["civilian_targeting"] == "Civilian targeting"


def test_clash_between_armed_groups_is_not_civilian_targeting() -> None:
    row = acled_row(
        event(
            event_type="Battles",
            sub_event_type="Armed clash",
            actors=(Actor("A", 1, "actor1"), Actor("B", 2, "actor2")),
        )
    )
    assert row["civilian_targeting"] == ""


def test_source_scale_names_each_kind_of_source_once_in_acled_order() -> None:
    ev = event(
        reports=(
            link("wire:reuters:1", source_kind="wire", source_role="wire", source_id="reuters"),
            link("telegram:a:1", source_id="a"),
            link("telegram:b:1", source_id="b"),
            link("wire:sana:1", source_kind="wire", source_role="state_media", source_id="sana"),
        )
    )
    assert source_scale(ev) == "National-International-New media"


def test_copies_do_not_add_to_the_source_scale() -> None:
    ev = event(
        reports=(
            link("telegram:a:1"),
            link("wire:x:1", source_kind="wire", source_role="wire", copy_of="telegram:a:1"),
        )
    )
    assert source_scale(ev) == "New media"


def test_event_without_location_leaves_place_columns_empty() -> None:
    row = acled_row(event(location=None))
    assert [row[c] for c in ("iso", "region", "country", "location", "latitude")] == [
        "",
        "",
        "",
        "",
        "",
    ]


def test_notes_summarise_the_event() -> None:
    row = acled_row(
        event(location=located(), corroboration=Corroboration(independent_sources=2), fatalities=3)
    )
    assert row["notes"] == (
        "On 1 December 2024, air/drone strike involving Military Forces of Russia (2000-) and "
        "Civilians (Syria) in Saraqib, Idlib, Syria. 3 reported fatalities. Status: reported, "
        "2 independent sources."
    )

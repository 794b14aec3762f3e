"""IPTC ninjs 1.x, 2.x and 3.x items and collections to entries."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from sitrep.collect.wire.entries import FeedError
from sitrep.collect.wire.ninjs import parse_ninjs

from .feedserver import IPTC, WIRE

NINJS = IPTC / "ninjs"


def test_ninjs3_text_item_maps_headline_body_times_and_byline() -> None:
    (entry,) = parse_ninjs((NINJS / "examples_3.0_ninjsExSimpleText_3.json").read_bytes()).entries
    assert entry.guid == "http://ninjs.example.com/newsitems/20130709simp123"
    assert entry.title == "Captain of wrecked cruise ship on trial in Italy"
    assert entry.text.startswith("GROSSETO, Italy (AP) -- The trial of the captain")
    assert entry.published_at == datetime(2013, 7, 9, 10, 37, tzinfo=UTC)
    assert entry.byline == "Paulo Santalucia and Frances d'Emilio"
    assert not entry.summary_only


def test_plain_text_body_is_preferred_to_html_and_xml_bodies() -> None:
    (entry,) = parse_ninjs((NINJS / "examples_3.0_tt_text_image_3.json").read_bytes()).entries
    assert entry.text.startswith("Militärövning i jätteformat hålls 2023\nFörsvar TT\nPandemin")
    assert "<" not in entry.text


def test_html_body_becomes_clean_text() -> None:
    (entry,) = parse_ninjs((NINJS / "examples_3.0_dpa_text.json").read_bytes()).entries
    assert entry.text.startswith(
        "Für Lucien Favre war es «der größte Skandal im Fußball seit Jahren»."
    )
    assert "<p>" not in entry.text
    assert (entry.lang, entry.byline, entry.outlet) == ("de", "Von Christian Hollmann, dpa", "dpa")


def test_first_created_is_the_publication_time_and_version_created_the_update() -> None:
    (entry,) = parse_ninjs((NINJS / "examples_3.0_ntb_text.json").read_bytes()).entries
    assert entry.published_at == datetime(2019, 8, 9, 9, 30, 4, tzinfo=UTC)
    assert entry.updated_at == datetime(2019, 8, 9, 9, 46, 53, tzinfo=UTC)


def test_description_is_the_text_of_a_picture_and_marked_as_a_summary() -> None:
    (entry,) = parse_ninjs((NINJS / "examples_3.0_ap_image.json").read_bytes()).entries
    assert entry.text.startswith("FILE - In this Monday, Nov. 11, 2019 file photo")
    assert entry.summary_only
    assert entry.attribution == "DHA"


def test_subjects_places_people_and_organisations_become_subjects() -> None:
    (entry,) = parse_ninjs(
        (NINJS / "documentation_includes_examples_3.1_005_complex_text_article.json").read_bytes()
    ).entries
    assert entry.subjects == (
        "Grossetto",
        "Tuscany",
        "Italy",
        "Francesco Schettino",
        "Costa Crociere SpA",
    )
    assert entry.located == "Grossetto, Italy"


def test_collection_array_gives_one_entry_per_item() -> None:
    doc = parse_ninjs(
        (NINJS / "examples_3.0_collection_20231016-event-timeline-sample.json").read_bytes()
    )
    assert len(doc.entries) == 14
    assert doc.entries[0].title == "Athlete uses medicine containing prohibited substance"


def test_ninjs1_singular_lower_case_properties_are_read() -> None:
    (entry,) = parse_ninjs((WIRE / "wire-1x.ninjs.json").read_bytes()).entries
    assert entry.title == "Explosion hits fuel depot in Deir ez-Zor"
    assert entry.text.startswith("DEIR EZ-ZOR, Syria (Wire Four) -- An explosion hit a fuel depot")
    assert (entry.byline, entry.located, entry.outlet) == (
        "Omar Khalil",
        "Deir ez-Zor, Syria",
        "Wire Four",
    )
    assert entry.subjects == ("conflict, war and peace", "Deir ez-Zor")
    assert entry.published_at == datetime(2024, 12, 6, 18, 30, tzinfo=UTC)


def test_canceled_item_is_a_withdrawal() -> None:
    doc = parse_ninjs((WIRE / "wire-collection.ninjs.json").read_bytes())
    assert [e.deleted for e in doc.entries] == [False, True, False]


def test_arabic_html_body_keeps_its_dateline_line() -> None:
    first = parse_ninjs((WIRE / "wire-collection.ninjs.json").read_bytes()).entries[0]
    assert first.lang == "ar"
    assert first.text.startswith("درعا-سانا\n\nانفجرت عبوة ناسفة")
    assert first.attribution == "SANA"


def test_json_cut_short_is_truncated() -> None:
    body = (WIRE / "wire-collection.ninjs.json").read_bytes()
    with pytest.raises(FeedError) as caught:
        parse_ninjs(body[:200])
    assert caught.value.outcome == "truncated"


def test_array_of_non_objects_is_malformed() -> None:
    with pytest.raises(FeedError) as caught:
        parse_ninjs(b'["not", "items"]')
    assert caught.value.outcome == "malformed"

"""IPTC NewsML-G2 items, messages, packages and fragments to entries."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from sitrep.collect.wire.entries import FeedError
from sitrep.collect.wire.newsml import parse_newsml

from .feedserver import IPTC, WIRE

G2 = IPTC / "newsml-g2"


def test_news_item_with_nitf_body_maps_headline_text_byline_and_times() -> None:
    (entry,) = parse_newsml((G2 / "LISTING_2_NewsML-G2_Text_Document.xml").read_bytes()).entries
    assert entry.guid == "urn:newsml:acmenews.com:20161121:US-FINANCE-FED"
    assert entry.title == 'Fed to halt QE to avert "bubble"'
    assert entry.text.startswith("(New York, NY - October 21) Et, sent luptat luptat, commy Nim")
    assert "\n\nUgiating ea feugait" in entry.text
    assert entry.byline == "Meredith Jameson"
    assert entry.published_at == datetime(2016, 11, 21, 20, 21, 6, tzinfo=UTC)
    assert entry.updated_at == datetime(2018, 11, 21, 21, 25, 32, tzinfo=UTC)
    assert entry.lang == "en-US"


def test_info_source_subjects_and_located_are_kept() -> None:
    (entry,) = parse_newsml((G2 / "LISTING_2_NewsML-G2_Text_Document.xml").read_bytes()).entries
    assert entry.attribution == "Associated Press"
    assert entry.located == "New York, NY"
    assert entry.subjects == (
        "economy, business and finance",
        "central bank",
        "money and monetary policy",
    )


def test_located_concept_with_broader_places_gives_a_place_name() -> None:
    (entry,) = parse_newsml((G2 / "LISTING_1_A_NewsML-G2_News_Item.xml").read_bytes()).entries
    assert entry.located == "Berlin, Germany"
    assert entry.outlet == "REUTERS"
    assert entry.text == ""  # headline only: the raw item falls back to the headline


def test_dateline_element_of_a_content_meta_fragment_is_read() -> None:
    (entry,) = parse_newsml(
        (G2 / "LISTING_28_Illustrating_Located_Subject_and_Dateline.xml").read_bytes()
    ).entries
    assert entry.dateline == "MOSCOW, Monday (Reuters)"
    assert entry.published_at == datetime(2016, 2, 9, 6, 17, tzinfo=UTC)
    assert entry.subjects == ("city:Tskhinvali", "city:Tblisi")


def test_content_set_fragment_with_inline_nitf_is_read() -> None:
    (entry,) = parse_newsml(
        (G2 / "LISTING_25_An_NITF_marked-up_article_conveyed_in_inlineXML.xml").read_bytes()
    ).entries
    assert entry.title == "Arizona Diamondbacks (29-23) at Philadelphia Phillies (26-24), 7:05p.m."
    assert entry.text.startswith("(Sports Network) - With the Philadelphia Phillies picking up")
    assert entry.byline == "Sports Network"


def test_asserted_names_replace_subject_codes() -> None:
    (entry,) = parse_newsml((G2 / "ap_metadata_example.xml").read_bytes()).entries
    assert entry.subjects == ("Kentucky", "Keegan Murray", "Volkswagen AG")


def test_news_message_gives_one_entry_per_item_and_package() -> None:
    doc = parse_newsml(
        (G2 / "LISTING_24_News_Message_conveying_a_complete_News_Package.xml").read_bytes()
    )
    assert [e.guid for e in doc.entries] == [None, "N1", "N2", "N3", "N4"]
    assert {e.outlet for e in doc.entries} == {"thomsonreuters.com"}


def test_inline_events_become_text_lines() -> None:
    (entry,) = parse_newsml(
        (G2 / "LISTING_16_A_Set_of_Events_carried_in_a_News_Item.xml").read_bytes()
    ).entries
    assert entry.text.startswith("IPTC Autumn Meeting 2018\n")
    assert "Accidental Heroes" in entry.text


def test_message_items_with_nitf_xhtml_and_inline_data_bodies() -> None:
    nitf, xhtml, data, withdrawn = parse_newsml((WIRE / "newsml-message.xml").read_bytes()).entries
    assert nitf.dateline == "HAMA, Syria, Dec 6 (Wire Three)"
    assert nitf.text.startswith(
        "Rockets struck a crowded market in the town of Suqaylabiyah on Friday afternoon"
    )
    assert nitf.published_at == datetime(2024, 12, 6, 16, 40, tzinfo=UTC)
    assert (nitf.byline, nitf.outlet, nitf.attribution) == (
        "Nadia Saleh",
        "Wire Three",
        "Syrian Civil Defence",
    )
    assert nitf.subjects == ("conflict, war and peace", "Suqaylabiyah", "rockets")
    assert xhtml.lang == "ar"
    assert xhtml.text.startswith("حماة (وير ثري) - سقطت صواريخ")
    assert "قصف صاروخي" not in xhtml.text  # the XHTML head's title is not body text
    assert (
        data.text
        == "Drone strikes were reported on the outskirts of Idlib city, according to local activists."
    )
    assert withdrawn.deleted


def test_unknown_root_is_malformed() -> None:
    with pytest.raises(FeedError) as caught:
        parse_newsml(b"<conceptItem/>")
    assert caught.value.outcome == "malformed"

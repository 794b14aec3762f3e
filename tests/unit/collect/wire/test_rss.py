"""RSS 2.0, RSS 1.0 and Atom documents to entries (feedparser, given bytes only)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from sitrep.collect.wire.entries import FeedDocument, FeedError
from sitrep.collect.wire.rss import parse_syndication

from .feedserver import WIRE


def _levant() -> FeedDocument:
    return parse_syndication((WIRE / "levant-wire.rss.xml").read_bytes())


def test_rss2_document_keeps_every_item_in_order() -> None:
    doc = _levant()
    assert doc.format == "rss"
    assert [e.guid for e in doc.entries] == [
        "levant-wire-1001",
        "levant-wire-1002",
        "levant-wire-1001",
        None,
        None,
    ]


def test_html_in_a_cdata_description_becomes_clean_text() -> None:
    first = _levant().entries[0]
    assert first.text == (
        "BEIRUT (Reuters) – Government artillery shelled villages east of Saraqib on Friday, "
        "state news agency SANA said, citing a military source.\n\nNo casualties were reported."
    )
    assert "trackVisit" not in first.text
    assert first.summary_only


def test_escaped_html_in_a_description_becomes_clean_text() -> None:
    second = _levant().entries[1]
    assert "<b>" not in second.text
    assert second.text.endswith("according to the Syrian Observatory for Human Rights.")


def test_publication_time_is_converted_to_utc() -> None:
    assert _levant().entries[0].published_at == datetime(2024, 12, 6, 18, 14, 3, tzinfo=UTC)


def test_item_without_a_date_has_no_time() -> None:
    assert _levant().entries[1].published_at is None


def test_content_encoded_is_preferred_to_the_description() -> None:
    bridge = _levant().entries[3]
    assert bridge.text.startswith("Damascus, SANA- Army units destroyed a bridge")
    assert not bridge.summary_only


def test_channel_language_author_categories_and_title_are_kept() -> None:
    first = _levant().entries[0]
    assert (first.lang, first.byline, first.subjects, first.outlet) == (
        "en",
        "Staff reporter",
        ("Syria", "Conflict"),
        "Levant Wire",
    )


def test_arabic_channel_items_carry_arabic_text_and_language() -> None:
    doc = parse_syndication((WIRE / "sham-news.rss.xml").read_bytes())
    first = doc.entries[0]
    assert first.lang == "ar"
    assert first.title == "قصف مدفعي على ريف إدلب الجنوبي"
    assert first.text.startswith("دمشق-سانا\n\nاستهدفت وحدات من الجيش")
    assert first.byline == "مراسل الشام"


def test_rss1_rdf_items_are_read_with_dublin_core_dates() -> None:
    doc = parse_syndication((WIRE / "regional.rdf.xml").read_bytes())
    assert doc.format == "rss"
    first = doc.entries[0]
    assert first.guid == first.link == "https://regional.example.org/news/101"
    assert first.published_at == datetime(2024, 12, 6, 10, 0, tzinfo=UTC)
    assert first.byline == "Regional Desk"


def test_atom_entries_keep_their_own_language_and_xhtml_content() -> None:
    doc = parse_syndication((WIRE / "front-monitor.atom.xml").read_bytes())
    assert doc.format == "atom"
    english, arabic, summary_only = doc.entries
    assert english.lang == "en"
    assert english.text.startswith("Opposition fighters clashed")
    assert english.published_at == datetime(2024, 12, 6, 18, 30, tzinfo=UTC)
    assert arabic.lang == "ar"
    assert arabic.text == (
        "اندلعت اشتباكات بين فصائل المعارضة وقوات الحكومة في جبل الأكراد، بحسب مصادر محلية."
        "\n\nولم ترد أنباء عن إصابات."
    )
    assert summary_only.summary_only


def test_relative_links_resolve_against_the_feed_address() -> None:
    doc = parse_syndication(
        (WIRE / "front-monitor.atom.xml").read_bytes(), url="http://127.0.0.1:8080/feeds/atom"
    )
    assert doc.entries[2].link == "http://127.0.0.1:8080/articles/bridge.html"


def test_a_body_that_names_a_file_is_read_as_content_never_opened(tmp_path: Path) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_bytes((WIRE / "levant-wire.rss.xml").read_bytes())
    with pytest.raises(FeedError) as caught:
        parse_syndication(str(feed).encode())
    assert caught.value.outcome == "malformed"

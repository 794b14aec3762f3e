"""Format detection and the one parse entry point, with its failure outcomes."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitrep.collect.wire.entries import FeedError
from sitrep.collect.wire.formats import media_type, parse_feed

from .feedserver import IPTC, WIRE


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (WIRE / "levant-wire.rss.xml", "rss"),
        (WIRE / "regional.rdf.xml", "rss"),
        (WIRE / "front-monitor.atom.xml", "atom"),
        (WIRE / "wire-collection.ninjs.json", "ninjs"),
        (IPTC / "ninjs" / "examples_3.0_dpa_text.json", "ninjs"),
        (WIRE / "newsml-message.xml", "newsml"),
        (IPTC / "newsml-g2" / "LISTING_28_Illustrating_Located_Subject_and_Dateline.xml", "newsml"),
    ],
)
def test_format_is_detected_from_the_body(path: Path, expected: str) -> None:
    assert parse_feed(path.read_bytes()).format == expected


def test_iso_8859_1_newsml_is_decoded_by_its_declaration() -> None:
    doc = parse_feed((IPTC / "newsml-g2" / "ap_metadata_example.xml").read_bytes())
    assert doc.format == "newsml"


def _outcome(body: bytes, **kwargs: str) -> str:
    with pytest.raises(FeedError) as caught:
        parse_feed(body, **kwargs)
    return caught.value.outcome


def test_html_page_is_a_wrong_content_type() -> None:
    body = (WIRE / "not-a-feed.html").read_bytes()
    assert _outcome(body, content_type="text/html; charset=utf-8") == "wrong_content_type"


def test_binary_body_with_an_image_type_is_a_wrong_content_type() -> None:
    assert _outcome(b"\x89PNG\r\n\x1a\n\x00\x00", content_type="image/png") == "wrong_content_type"


def test_feed_served_as_text_html_is_still_read() -> None:
    body = (WIRE / "levant-wire.rss.xml").read_bytes()
    assert parse_feed(body, content_type="text/html").format == "rss"


def test_truncated_feed_is_refused_as_truncated() -> None:
    body = (WIRE / "levant-wire.rss.xml").read_bytes()
    assert _outcome(body[: len(body) // 2]) == "truncated"


def test_malformed_feed_is_refused_as_malformed() -> None:
    assert _outcome((WIRE / "malformed.rss.xml").read_bytes()) == "malformed"


def test_feed_with_an_undefined_html_entity_is_read_leniently() -> None:
    body = (
        (WIRE / "levant-wire.rss.xml")
        .read_bytes()
        .replace(b"<description>Short summary", b"<description>Short&nbsp;summary")
    )
    doc = parse_feed(body)
    assert len(doc.entries) == 5
    assert doc.warnings


def test_external_entity_is_refused_as_unsafe() -> None:
    assert _outcome((WIRE / "xxe-file.rss.xml").read_bytes()) == "unsafe_xml"


def test_declared_format_that_contradicts_the_body_is_malformed() -> None:
    body = (WIRE / "levant-wire.rss.xml").read_bytes()
    assert _outcome(body, declared="ninjs") == "malformed"


def test_rss_declared_for_an_atom_body_is_still_read() -> None:
    body = (WIRE / "front-monitor.atom.xml").read_bytes()
    assert parse_feed(body, declared="rss").format == "atom"


def test_empty_body_is_malformed() -> None:
    assert _outcome(b"  \n") == "malformed"


def test_media_type_splits_off_the_charset() -> None:
    assert media_type('application/rss+xml; charset="ISO-8859-1"') == (
        "application/rss+xml",
        "ISO-8859-1",
    )

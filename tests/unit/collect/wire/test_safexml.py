"""Safe XML: entity declarations refused, nothing resolved, truncation told apart."""

from __future__ import annotations

import pytest

from sitrep.collect.wire.entries import FeedError
from sitrep.collect.wire.safexml import inspect_xml, parse_tree

from .feedserver import WIRE


def test_external_entity_is_refused_before_any_parser_resolves_it() -> None:
    with pytest.raises(FeedError) as caught:
        inspect_xml((WIRE / "xxe-file.rss.xml").read_bytes())
    assert caught.value.outcome == "unsafe_xml"
    assert "ENTITY" in str(caught.value)


def test_entity_expansion_bomb_is_refused() -> None:
    with pytest.raises(FeedError) as caught:
        parse_tree((WIRE / "billion-laughs.rss.xml").read_bytes())
    assert caught.value.outcome == "unsafe_xml"


def test_external_dtd_reference_is_allowed_and_never_loaded() -> None:
    body = (
        b'<?xml version="1.0"?>\n<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN"'
        b' "http://127.0.0.1:9/rss-0.91.dtd">\n<rss version="0.91"><channel><title>t</title>'
        b"</channel></rss>"
    )
    scan = inspect_xml(body)
    assert scan.well_formed
    assert scan.root == "rss"


def test_document_cut_short_is_reported_as_truncated() -> None:
    body = (WIRE / "levant-wire.rss.xml").read_bytes()
    scan = inspect_xml(body[: len(body) // 2])
    assert not scan.well_formed
    assert scan.truncated


def test_crossed_tags_are_malformed_not_truncated() -> None:
    scan = inspect_xml((WIRE / "malformed.rss.xml").read_bytes())
    assert not scan.well_formed
    assert not scan.truncated
    assert "mismatched tag" in (scan.error or "")


def test_root_name_and_namespace_are_reported() -> None:
    scan = inspect_xml(b'<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="g"/>')
    assert (scan.root, scan.namespace) == ("newsItem", "http://iptc.org/std/nar/2006-10-01/")

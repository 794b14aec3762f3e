"""Main text of an article page (trafilatura on bytes already downloaded)."""

from __future__ import annotations

from sitrep.collect.wire.fulltext import better_text, extract_article_text

from .feedserver import WIRE


def test_article_body_is_extracted_without_navigation_or_footer() -> None:
    text = extract_article_text((WIRE / "article-bridge.html").read_bytes())
    assert text is not None
    assert "A bridge over the Orontes tributary south of Khan Shaykhun" in text
    assert "Opposition groups denied the claim" in text
    assert "Subscribe" not in text
    assert "Cookie settings" not in text
    assert "analytics" not in text


def test_page_without_an_article_gives_nothing() -> None:
    assert extract_article_text(b"") is None
    assert extract_article_text(b"<html><body></body></html>") is None


def test_article_replaces_a_summary_only_when_it_adds_text_and_loses_a_repeated_title() -> None:
    article = "Bridge attack\nA bridge over the river was destroyed early on Thursday morning."
    assert better_text("A bridge was hit.", article, "Bridge attack") == (
        "A bridge over the river was destroyed early on Thursday morning."
    )
    assert better_text("A bridge over the river was destroyed early.", "A bridge.") is None

"""The main text of an article page, for feeds that carry only summaries (opt-in per feed).

:func:`extract_article_text` runs trafilatura on HTML that was already downloaded (trafilatura
never fetches anything here): boilerplate, navigation, comments and tables are left out and
precision is favoured over recall. It is CPU work, so the collector runs it in a thread.
Pure code.
"""

from __future__ import annotations

from typing import Final

import trafilatura

from sitrep.collect.wire.text import clean_text

MIN_GAIN_CHARS: Final = 40
"""A page's text replaces the feed's summary only when it is at least this much longer."""


def extract_article_text(page: bytes | str, url: str | None = None) -> str | None:
    """The article's main text, or None when trafilatura finds none (never raises for bad HTML)."""
    if not page:
        return None
    try:
        text = trafilatura.extract(
            page,
            url=url,
            favor_precision=True,
            include_comments=False,
            include_tables=False,
            include_images=False,
            include_links=False,
            deduplicate=False,
            with_metadata=False,
        )
    except (ValueError, TypeError, AttributeError):  # lxml/trafilatura on hostile markup
        return None
    if not text:
        return None
    return clean_text(text) or None


def better_text(summary: str, article: str | None, title: str | None = None) -> str | None:
    """The article text when it adds something to the summary, else None (keep the summary).

    A first line that repeats the item's title (the page's ``<h1>``) is dropped: the raw item
    carries the title in its own field.
    """
    if not article:
        return None
    first, _, rest = article.partition("\n")
    if title and rest and " ".join(first.split()).casefold() == " ".join(title.split()).casefold():
        article = rest.strip()
    if len(article) >= len(summary) + MIN_GAIN_CHARS:
        return article
    return None

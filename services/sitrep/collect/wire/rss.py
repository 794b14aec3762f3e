"""RSS 0.9x/1.0/2.0 and Atom documents to :class:`FeedDocument`, with feedparser.

feedparser is given the body as a byte stream (never a string: a string that looks like a URL
or a file name would make it fetch or open that), after :func:`inspect_xml` has refused
entity declarations. feedparser's HTML sanitizer runs on titles, descriptions and content;
the result is turned into plain text here. Pure code.
"""

from __future__ import annotations

import calendar
import io
import time
from datetime import UTC, datetime
from typing import Any

import feedparser

from sitrep.collect.wire.entries import FeedDocument, FeedError, WireEntry, first_text, unique
from sitrep.collect.wire.text import clean_text, html_to_text

_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml", "html", "xhtml"})


def parse_syndication(
    body: bytes, *, url: str | None = None, charset: str | None = None
) -> FeedDocument:
    """Parse an RSS or Atom body (already checked by :func:`inspect_xml`).

    ``url`` is where the document came from (relative links resolve against it); ``charset`` the
    one the HTTP ``Content-Type`` named, if any. Documents with minor XML errors (an undefined
    ``&nbsp;``) are read leniently and noted in ``warnings``. Raises :class:`FeedError`
    (``malformed``) when the body is not RSS or Atom at all.
    """
    content_type = "application/xml" + (f"; charset={charset}" if charset else "")
    headers = {"content-type": content_type}
    if url:
        headers["content-location"] = url
    result: Any = feedparser.parse(
        io.BytesIO(body), response_headers=headers, sanitize_html=True, resolve_relative_uris=True
    )
    version = str(result.get("version") or "")
    if not version:
        problem = result.get("bozo_exception")
        raise FeedError(
            "malformed",
            "not an RSS or Atom document" + (f" ({problem})" if problem else ""),
        )
    warnings: tuple[str, ...] = ()
    if result.get("bozo"):
        warnings = (f"read leniently: {result.get('bozo_exception')}",)
    channel = result.get("feed", {})
    channel_title = _text(channel.get("title_detail"), channel.get("title"))
    channel_lang = first_text(channel.get("language"))
    entries = tuple(_entry(e, channel_title, channel_lang) for e in result.get("entries", []))
    return FeedDocument(
        format="atom" if version.startswith("atom") else "rss",
        entries=entries,
        title=channel_title,
        lang=channel_lang,
        warnings=warnings,
    )


def _entry(e: Any, channel_title: str | None, channel_lang: str | None) -> WireEntry:
    body = _content(e)
    summary = _text(e.get("summary_detail"), e.get("summary"))
    text = body or summary or ""
    details = [*e.get("content", []), e.get("summary_detail") or {}, e.get("title_detail") or {}]
    lang = first_text(*(d.get("language") for d in details)) or channel_lang
    return WireEntry(
        guid=first_text(e.get("id")),
        link=first_text(e.get("link")),
        title=_text(e.get("title_detail"), e.get("title")),
        text=text,
        summary_only=not body and bool(summary),
        published_at=_time(e.get("published_parsed"))
        or _time(e.get("created_parsed"))
        or _time(e.get("updated_parsed")),
        updated_at=_time(e.get("updated_parsed")),
        lang=lang,
        byline=first_text(e.get("author"), *(a.get("name") for a in e.get("authors", []))),
        outlet=channel_title,
        subjects=unique([str(t.get("term") or t.get("label") or "") for t in e.get("tags", [])]),
    )


def _content(e: Any) -> str | None:
    for part in e.get("content", []):
        text = _text(part, part.get("value"))
        if text:
            return text
    return None


def _text(detail: Any, value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    kind = str((detail or {}).get("type") or "text/html")
    text = html_to_text(value) if kind in _HTML_TYPES else clean_text(value)
    return text or None


def _time(parsed: time.struct_time | None) -> datetime | None:
    if parsed is None:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)
    except (OverflowError, ValueError, OSError):
        return None

"""IPTC ninjs (News in JSON) 1.x, 2.x and 3.x documents to :class:`FeedDocument`.

A body is one ninjs item (a JSON object) or a collection (a JSON array of items). Property
names are matched case-insensitively, which covers 1.x/2.x lower case (``versioncreated``) and
3.x camel case (``versionCreated``); 1.x singular forms (``headline``, ``body_html``,
``byline``, ``subject``) and 2.x/3.x plural forms (``headlines``, ``bodies``, ``by``,
``subjects``) are both read. ``docs/wire.md`` lists what is mapped and what is ignored.
Pure code.
"""

from __future__ import annotations

from typing import Any

import orjson

from sitrep.collect.wire.entries import (
    FeedDocument,
    FeedError,
    WireEntry,
    first_text,
    parse_time,
    unique,
)
from sitrep.collect.wire.safexml import inspect_xml, parse_tree
from sitrep.collect.wire.text import clean_text, element_text, html_to_text

_PLAIN = ("text/plain", "")
_HTML = ("text/html", "application/xhtml+xml", "html", "xhtml")
_MAIN_ROLES = ("main", "text", "body", "")


def parse_ninjs(body: bytes) -> FeedDocument:
    """Parse a ninjs body. Raises :class:`FeedError`: ``truncated`` when the JSON ends too early,
    ``malformed`` when it is not JSON or not ninjs-shaped (an object or an array of objects)."""
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        message = str(exc)
        ended_early = "end of" in message and bool(body.strip())
        raise FeedError(
            "truncated" if ended_early else "malformed", f"not valid JSON: {message}"
        ) from None
    raw_items = data if isinstance(data, list) else [data]
    entries: list[WireEntry] = []
    for n, raw in enumerate(raw_items):
        if not isinstance(raw, dict):
            raise FeedError("malformed", f"ninjs item #{n} is not a JSON object")
        entries.append(_entry(_lower(raw)))
    return FeedDocument(format="ninjs", entries=tuple(entries))


def _lower(obj: dict[str, Any]) -> dict[str, Any]:
    return {str(k).lower(): v for k, v in obj.items()}


def _objects(value: Any) -> list[dict[str, Any]]:
    """A list of JSON objects with lower-cased keys (a single object counts as a list of one)."""
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list):
        return []
    return [_lower(v) for v in value if isinstance(v, dict)]


def _entry(item: dict[str, Any]) -> WireEntry:
    uri = first_text(item.get("uri"), item.get("guid"), item.get("id"))
    body = _body(item)
    summary = _described(item)
    title = _headline(item)
    return WireEntry(
        guid=uri,
        link=uri if uri and uri.startswith(("http://", "https://")) else None,
        title=title,
        text=body or summary or "",
        summary_only=not body and bool(summary),
        published_at=parse_time(first_text(item.get("firstcreated"), item.get("versioncreated"))),
        updated_at=parse_time(first_text(item.get("versioncreated"))),
        lang=first_text(item.get("language")),
        byline=first_text(item.get("by"), item.get("byline")),
        located=first_text(item.get("located")),
        attribution=first_text(*(s.get("name") for s in _objects(item.get("infosources")))),
        outlet=first_text(item.get("copyrightholder")),
        subjects=_subjects(item),
        deleted=str(item.get("pubstatus") or "").lower() == "canceled",
    )


def _headline(item: dict[str, Any]) -> str | None:
    headlines = _objects(item.get("headlines"))
    ordered = [h for h in headlines if h.get("role") == "main"] + headlines
    for headline in ordered:
        text = _typed_text(headline.get("value"), headline.get("contenttype"))
        if text:
            return text
    headline_1x = item.get("headline")
    if isinstance(headline_1x, str) and headline_1x.strip():
        return clean_text(headline_1x)
    title = item.get("title")
    return clean_text(title) if isinstance(title, str) and title.strip() else None


def _body(item: dict[str, Any]) -> str | None:
    bodies = _objects(item.get("bodies"))
    # plain text in a main role first, then HTML, then any other plain body, then XML
    ranked = sorted(bodies, key=_body_rank)
    for body in ranked:
        text = _typed_text(body.get("value"), body.get("contenttype"))
        if text:
            return text
    for key, kind in (("body_text", "text/plain"), ("body_html", "text/html"),
                      ("body_xhtml", "application/xhtml+xml")):  # fmt: skip
        text = _typed_text(item.get(key), kind)
        if text:
            return text
    return None


def _body_rank(body: dict[str, Any]) -> tuple[int, int]:
    kind = _kind(body.get("contenttype"))
    role = str(body.get("role") or "").lower()
    kind_rank = 0 if kind in _PLAIN else 1 if kind in _HTML else 2
    return (kind_rank, 0 if role in _MAIN_ROLES else 1)


def _described(item: dict[str, Any]) -> str | None:
    descriptions = _objects(item.get("descriptions"))
    useful = [d for d in descriptions if str(d.get("role") or "").lower() != "creditline"]
    for description in useful:
        text = _typed_text(description.get("value"), description.get("contenttype"))
        if text:
            return text
    for key, kind in (("description_text", "text/plain"), ("description_html", "text/html")):
        text = _typed_text(item.get(key), kind)
        if text:
            return text
    return None


def _kind(content_type: Any) -> str:
    return str(content_type or "").split(";")[0].strip().lower()


def _typed_text(value: Any, content_type: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    kind = _kind(content_type)
    text: str | None
    if kind in _HTML:
        text = html_to_text(value)
    elif kind in _PLAIN:
        text = clean_text(value)
    elif kind.endswith("xml"):
        text = _xml_text(value)
    else:
        return None
    return text or None


def _xml_text(value: str) -> str | None:
    """Text of an XML body (NITF and the like), read with the same safe rules as feeds."""
    data = value.encode("utf-8")
    try:
        if not inspect_xml(data).well_formed:
            return None
        return element_text(parse_tree(data)) or None
    except FeedError:
        return None


def _subjects(item: dict[str, Any]) -> tuple[str, ...]:
    names: list[str] = []
    for key in ("subjects", "subject", "places", "place", "people", "person",
                "organisations", "organisation"):  # fmt: skip
        for subject in _objects(item.get(key)):
            name = first_text(subject.get("name"), subject.get("literal"), subject.get("code"))
            if name:
                names.append(name)
    return unique(names)

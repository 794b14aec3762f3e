"""IPTC NewsML-G2 documents to :class:`FeedDocument`.

Accepted roots: ``newsItem``, ``packageItem``, ``newsMessage`` (each ``newsItem`` and
``packageItem`` of its ``itemSet`` becomes an entry), and the fragments the NewsML-G2 guidelines
show on their own (``contentMeta``, ``contentSet``, ``itemMeta``, ``inlineXML``), read as a
partial item. Elements are matched by local name, so documents with or without the NAR
namespace read the same. Bodies: ``inlineXML`` holding NITF (``body.head``/``body.content``),
XHTML or any other XML, and ``inlineData`` (plain text or HTML). ``docs/wire.md`` lists what is
mapped and what is ignored. Parsing uses :func:`parse_tree` (no entities, no network). Pure code.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final, TypeAlias

from lxml import etree

from sitrep.collect.wire.entries import (
    FeedDocument,
    FeedError,
    WireEntry,
    first_text,
    parse_time,
    unique,
)
from sitrep.collect.wire.safexml import local_name, parse_tree
from sitrep.collect.wire.text import clean_text, element_text, html_to_text

_ITEMS: Final = frozenset({"newsItem", "packageItem"})
_FRAGMENTS: Final = frozenset({"contentMeta", "contentSet", "itemMeta", "inlineXML"})
_XML_LANG: Final = "{http://www.w3.org/XML/1998/namespace}lang"

Element: TypeAlias = etree._Element


def parse_newsml(body: bytes) -> FeedDocument:
    """Parse a NewsML-G2 body. Raises :class:`FeedError` for unsafe, truncated or malformed XML
    and for a root element that is neither an item, a news message nor a known fragment."""
    root = parse_tree(body)
    name = local_name(root)
    if name == "newsMessage":
        item_sets = _children(root, "itemSet")
        items = [el for s in item_sets for el in s if local_name(el) in _ITEMS]
        sender = first_text(*(_text(h) for h in _path(root, "header", "sender")))
        entries = tuple(_entry(item, default_outlet=sender) for item in items)
    elif name in _ITEMS or name in _FRAGMENTS:
        entries = (_entry(root, default_outlet=None),)
    else:
        raise FeedError(
            "malformed",
            f"root element <{name}> is not a NewsML-G2 newsItem, packageItem or newsMessage",
        )
    return FeedDocument(format="newsml", entries=entries)


# --- element helpers (local names, so the namespace never matters)


def _children(element: Element, name: str) -> list[Element]:
    return [child for child in element if local_name(child) == name]


def _section(item: Element, name: str) -> Element | None:
    """``item`` itself when it *is* the section (a fragment root), else its first such child."""
    if local_name(item) == name:
        return item
    found = _children(item, name)
    return found[0] if found else None


def _path(element: Element | None, *names: str) -> list[Element]:
    current = [element] if element is not None else []
    for name in names:
        current = [child for el in current for child in _children(el, name)]
    return current


def _text(element: Element | None) -> str | None:
    if element is None:
        return None
    return " ".join(" ".join(element.itertext()).split()) or None


def _name_or_code(element: Element, lang: str | None) -> str | None:
    """A concept's name (in the item's language when given) or else its qcode/uri/literal."""
    names = _children(element, "name")
    preferred = [n for n in names if lang and n.get(_XML_LANG) == lang] + names
    name = first_text(*(_text(n) for n in preferred))
    return name or first_text(element.get("qcode"), element.get("literal"), element.get("uri"))


def _qcode_value(qcode: str | None) -> str | None:
    """``nprov:REUTERS`` -> ``REUTERS``."""
    if not qcode:
        return None
    return qcode.partition(":")[2] or qcode


# --- one item


def _entry(item: Element, *, default_outlet: str | None) -> WireEntry:
    item_meta = _section(item, "itemMeta")
    content_meta = _section(item, "contentMeta")
    lang = first_text(
        item.get(_XML_LANG), *(el.get("tag") for el in _path(content_meta, "language"))
    )
    body = _body(item)
    title = first_text(*(_text(h) for h in _path(content_meta, "headline")), body.headline)
    summary = first_text(*(_text(d) for d in _path(content_meta, "description")), body.abstract)
    text = body.text or summary or _package_text(item) or ""
    status = first_text(*(el.get("qcode") for el in _path(item_meta, "pubStatus")))
    return WireEntry(
        guid=first_text(item.get("guid")),
        link=None,
        title=title,
        text=text,
        summary_only=not body.text and bool(summary),
        published_at=_first_time(item_meta, "firstCreated")
        or _first_time(content_meta, "contentCreated")
        or _first_time(item_meta, "versionCreated"),
        updated_at=_first_time(item_meta, "versionCreated")
        or _first_time(content_meta, "contentModified"),
        lang=lang,
        byline=_byline(content_meta, lang) or body.byline,
        dateline=first_text(*(_text(d) for d in _path(content_meta, "dateline")), body.dateline),
        located=_located(content_meta, lang),
        attribution=first_text(
            *(
                _name_or_code(s, lang)
                for s in _path(content_meta, "infoSource")
                if _children(s, "name")
            )
        ),
        outlet=_provider(item, item_meta) or default_outlet,
        subjects=_subjects(content_meta, lang, _asserted_names(item, lang)),
        deleted=status is not None and status.lower().endswith(":canceled"),
    )


def _first_time(section: Element | None, name: str) -> datetime | None:
    for element in _path(section, name):
        moment = parse_time(_text(element))
        if moment is not None:
            return moment
    return None


def _byline(content_meta: Element | None, lang: str | None) -> str | None:
    creators = [
        _name_or_code(c, lang) for c in _path(content_meta, "creator") if _children(c, "name")
    ]
    names = unique([c for c in creators if c])
    return ", ".join(names) or None


def _located(content_meta: Element | None, lang: str | None) -> str | None:
    """``Berlin, Germany`` from a ``located`` concept and its broader concepts (names only)."""
    for located in _path(content_meta, "located"):
        names = [_text(n) for n in _children(located, "name")[:1]]
        names += [
            first_text(*(_text(n) for n in _children(b, "name")))
            for b in _children(located, "broader")
        ]
        cleaned = unique([n for n in names if n])
        if cleaned:
            return ", ".join(cleaned)
    return None


def _provider(item: Element, item_meta: Element | None) -> str | None:
    """The provider's name or qcode, else the copyright holder's name, else the provider's URI."""
    providers = _path(item_meta, "provider")
    holders = _path(item, "rightsInfo", "copyrightHolder")
    return first_text(
        *(_text(n) for p in providers for n in _children(p, "name")),
        *(_qcode_value(p.get("qcode")) for p in providers),
        *(_text(n) for h in holders for n in _children(h, "name")),
        *(p.get("uri") for p in providers),
    )


def _asserted_names(item: Element, lang: str | None) -> dict[str, str]:
    """qcode -> name from the item's ``assert`` elements (how AP names its subject codes)."""
    names: dict[str, str] = {}
    for claim in _children(item, "assert"):
        qcode = claim.get("qcode")
        name = first_text(*(_text(n) for n in _children(claim, "name")))
        if qcode and name:
            names[qcode] = name
    return names


def _subjects(
    content_meta: Element | None, lang: str | None, asserted: dict[str, str]
) -> tuple[str, ...]:
    names = [
        asserted.get(s.get("qcode") or "") or _name_or_code(s, lang)
        for s in _path(content_meta, "subject")
    ]
    names += [_text(k) for k in _path(content_meta, "keyword")]
    return unique([n for n in names if n])


def _package_text(item: Element) -> str | None:
    """A package's text: the titles and descriptions of the items it references."""
    lines: list[str] = []
    for ref in item.iter():
        if local_name(ref) == "itemRef":
            for part in ref:
                if local_name(part) in ("title", "description", "headline"):
                    text = _text(part)
                    if text:
                        lines.append(text)
    return "\n".join(lines) or None


class _Body:
    """What the content set of an item holds (NITF also carries headline, byline, dateline)."""

    __slots__ = ("abstract", "byline", "dateline", "headline", "text")

    def __init__(self) -> None:
        self.text: str | None = None
        self.headline: str | None = None
        self.byline: str | None = None
        self.dateline: str | None = None
        self.abstract: str | None = None


def _body(item: Element) -> _Body:
    body = _Body()
    content_set = _section(item, "contentSet")
    inline = [item] if local_name(item) == "inlineXML" else []
    if content_set is not None:
        inline += _children(content_set, "inlineXML")
        for data in _children(content_set, "inlineData"):
            kind = (data.get("contenttype") or "text/plain").lower()
            raw = "".join(data.itertext())
            body.text = (
                body.text or (html_to_text(raw) if "html" in kind else clean_text(raw)) or None
            )
    for container in inline:
        for child in container:
            name = local_name(child)
            if name == "nitf":
                _read_nitf(child, body)
            elif name == "html":
                found = [el for el in child if local_name(el) == "body"] or [child]
                body.text = body.text or element_text(found[0]) or None
            elif name:
                body.text = body.text or element_text(child, every_element_is_block=True) or None
    return body


def _read_nitf(nitf: Element, body: _Body) -> None:
    for part in nitf.iter():
        name = local_name(part)
        if name == "hl1":
            body.headline = body.headline or _text(part)
        elif name == "byline":
            byline = _text(part)
            if byline and byline.lower().startswith("by "):
                byline = byline[3:].strip()
            body.byline = body.byline or byline
        elif name == "dateline":
            body.dateline = body.dateline or _text(part)
        elif name == "abstract":
            body.abstract = body.abstract or element_text(part) or None
        elif name == "body.content":
            body.text = body.text or element_text(part) or None

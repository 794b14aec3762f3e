"""Which format a fetched body is in, and the one entry point that parses any of them.

:func:`parse_feed` sniffs the body (JSON -> ninjs; XML root ``rss``/``RDF`` -> RSS, ``feed`` ->
Atom, NewsML-G2 roots -> NewsML-G2), honours a format fixed in the sources file, and raises
:class:`FeedError` with a bounded outcome for everything it cannot read:

- ``unsafe_xml``: the document declares entities (see :mod:`sitrep.collect.wire.safexml`);
- ``wrong_content_type``: an HTML page, an image or anything else that is not a feed;
- ``truncated``: the body ends too early (a cut-off download);
- ``malformed``: not well-formed, not the declared format, or no known root.

RSS and Atom with the XML errors common on the web (an undefined ``&nbsp;``, a bare ``&``, a
bad character reference, a wrong encoding declaration, junk after the root) are read
leniently by feedparser; any other error (crossed tags, broken syntax) is ``malformed``.
NewsML-G2 and ninjs must be well-formed. Pure code.
"""

from __future__ import annotations

import re
from typing import Final, cast

from sitrep.collect.wire.entries import FEED_FORMATS, FeedDocument, FeedError, FeedFormat
from sitrep.collect.wire.newsml import parse_newsml
from sitrep.collect.wire.ninjs import parse_ninjs
from sitrep.collect.wire.rss import parse_syndication
from sitrep.collect.wire.safexml import inspect_xml

NAR_NAMESPACE: Final = "http://iptc.org/std/nar/2006-10-01/"
_ROOT_FORMATS: Final[dict[str, FeedFormat]] = {
    "rss": "rss",
    "RDF": "rss",
    "feed": "atom",
    "newsItem": "newsml",
    "packageItem": "newsml",
    "newsMessage": "newsml",
    "contentMeta": "newsml",
    "contentSet": "newsml",
    "itemMeta": "newsml",
    "inlineXML": "newsml",
}
_SYNDICATION: Final = frozenset({"rss", "atom"})
# expat: invalid token, junk after document element, undefined entity, bad character
# reference, incorrect encoding
_LENIENT_ERRORS: Final = frozenset({4, 9, 11, 14, 19})
_FEED_MEDIA: Final = ("xml", "json", "rss", "atom", "rdf", "text/plain")
_PROLOG: Final = re.compile(
    r"^(?:\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^\[>]*(?:\[.*?\])?\s*>)*<(?P<name>[\w:.-]+)",
    re.DOTALL | re.IGNORECASE,
)
_BOMS: Final = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")

AUTO: Final = "auto"


def media_type(content_type: str | None) -> tuple[str, str | None]:
    """``text/xml; charset=utf-8`` -> (``text/xml``, ``utf-8``)."""
    if not content_type:
        return "", None
    media, _, params = content_type.partition(";")
    charset = None
    for param in params.split(";"):
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip("\"'")
    return media.strip().lower(), charset


def parse_feed(
    body: bytes,
    *,
    content_type: str | None = None,
    declared: str = AUTO,
    url: str | None = None,
) -> FeedDocument:
    """Parse a feed body of any supported format (see the module docstring).

    ``declared`` is the sources file's ``format`` (``auto`` sniffs); ``content_type`` the HTTP
    header, used only to explain a body that is not a feed; ``url`` the document's address.
    """
    if declared != AUTO and declared not in FEED_FORMATS:
        raise ValueError(f"unknown feed format {declared!r}; use auto or one of {FEED_FORMATS}")
    media, charset = media_type(content_type)
    start = body
    for bom in _BOMS:
        start = start.removeprefix(bom)
    start = start.lstrip()
    if not start:
        raise FeedError("malformed", "the body is empty")
    if start[:1] in (b"{", b"["):
        _check_declared(declared, "ninjs", "JSON")
        return parse_ninjs(body)
    if start[:1] != b"<" and not body.startswith(_BOMS[1:]):
        if media and not any(kind in media for kind in _FEED_MEDIA):
            raise FeedError("wrong_content_type", f"the server sent {media}, not a feed")
        raise FeedError("malformed", "the body is neither XML nor JSON")
    scan = inspect_xml(body)
    root = scan.root if scan.well_formed else _sniff_root(start)
    if root.lower() == "html":
        raise FeedError(
            "wrong_content_type",
            f"the server sent an HTML page ({media or 'no content type'}), not a feed",
        )
    detected = _ROOT_FORMATS.get(root)
    if detected is None and scan.namespace == NAR_NAMESPACE:
        detected = "newsml"
    if detected is None:
        if declared in (AUTO, "ninjs"):
            raise FeedError("malformed", f"unrecognized XML root element <{root or '?'}>")
        detected = cast(FeedFormat, declared)
    _check_declared(declared, detected, detected)
    if not scan.well_formed:
        if scan.truncated:
            raise FeedError("truncated", f"the document ends too early ({scan.error})")
        if detected == "newsml" or scan.code not in _LENIENT_ERRORS:
            raise FeedError("malformed", scan.error or "not well-formed XML")
    if detected == "newsml":
        return parse_newsml(body)
    base = url if url and url.lower().startswith(("http://", "https://")) else None
    return parse_syndication(body, url=base, charset=charset)


def _check_declared(declared: str, detected: str, described: str) -> None:
    if declared in (AUTO, detected):
        return
    if declared in _SYNDICATION and detected in _SYNDICATION:
        return  # RSS and Atom are read by the same parser; a mislabelled feed still reads
    raise FeedError(
        "malformed",
        f"the sources file says format {declared!r} but the body is {described}; fix the "
        "feed's 'format' (or set it to auto)",
    )


def _sniff_root(start: bytes) -> str:
    """The first element's local name of a document that is not well-formed ('' if none)."""
    match = _PROLOG.match(start[:4096].decode("latin-1"))
    if match is None:
        return ""
    return match.group("name").rpartition(":")[2]

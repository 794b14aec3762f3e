"""Clean text from feed markup, and the dateline and attribution a wire story opens with.

- :func:`html_to_text` turns an HTML fragment (an RSS description, a ninjs HTML body) into
  plain text: scripts, styles and embedded objects dropped, one line per block element,
  entities decoded, whitespace collapsed.
- :func:`element_text` does the same for an already parsed element (NITF, XHTML, any XML).
- :func:`find_dateline` reads the dateline at the start of a story: ``BEIRUT (Reuters) –``,
  ``GROSSETO, Italy (AP) --``, ``Damascus, SANA-``, ``بيروت (رويترز) -``, ``دمشق-سانا``,
  ``(New York, NY - October 21)``.
- :func:`find_attribution` finds who the lead says the news comes from: ``state news agency
  SANA said``, ``according to the Syrian Observatory for Human Rights``, ``ذكرت وكالة سانا``.

Pure code; lxml's HTML parser never touches the network.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Final

from lxml import etree
from lxml import html as lxml_html

_DROP: Final = frozenset(
    {"script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "head",
     "button", "select", "form"}
)  # fmt: skip
_BLOCK: Final = frozenset(
    {"p", "div", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6",
     "blockquote", "pre", "table", "tr", "section", "article", "header", "footer", "aside",
     "main", "nav", "figure", "figcaption", "address", "title", "caption",
     # NITF
     "hl1", "hl2", "block", "body.head", "body.content", "body.end", "hedline", "byline",
     "dateline", "abstract", "media", "media-caption", "tagline", "bibliography"}
)  # fmt: skip

_BREAKS: Final = frozenset({"br", "hr"})
_SPACES: Final = re.compile(r"[ \t\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_CONTROL: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\ufeff]")
_ANY_SPACE: Final = re.compile(r"\s+")
_BLANK_LINES: Final = re.compile(r"\n{3,}")


def clean_text(text: str) -> str:
    """NFC, control characters removed, spaces collapsed per line, at most one blank line."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def _inline(text: str | None, preformatted: int) -> str:
    """Markup whitespace: any run (newlines too) is one space, except inside ``<pre>``."""
    if not text:
        return ""
    return text if preformatted else _ANY_SPACE.sub(" ", text)


def html_to_text(markup: str) -> str:
    """Plain text of an HTML fragment or document (see the module docstring); never raises."""
    if "<" not in markup and "&" not in markup:
        return clean_text(markup)
    try:
        root = lxml_html.fragment_fromstring(markup, create_parent="div")
    except (etree.ParserError, ValueError):
        return clean_text(markup)
    return element_text(root)


def element_text(root: etree._Element, *, every_element_is_block: bool = False) -> str:
    """Plain text of a parsed element: block elements start new lines, dropped ones vanish.

    ``every_element_is_block`` puts each element on its own line (for data-like XML such as
    a NewsML-G2 event list, where element boundaries separate values).
    """
    parts: list[str] = []
    walker = etree.iterwalk(root, events=("start", "end"))
    preformatted = 0
    for action, element in walker:
        tag = element.tag
        tail = _inline(element.tail, preformatted) if element is not root else ""
        if not isinstance(tag, str):  # comment or processing instruction: only its tail counts
            if action == "end":
                parts.append(tail)
            continue
        name = tag.rpartition("}")[2].lower()
        if name in _DROP:
            if action == "start":
                walker.skip_subtree()  # its "end" event still comes, with nothing inside
            else:
                parts.append(tail)
            continue
        if name in _BREAKS:
            parts.append("\n" if action == "start" else tail)
            continue
        if every_element_is_block or name in _BLOCK:
            parts.append("\n")
        if action == "start":
            preformatted += name == "pre"
            parts.append(_inline(element.text, preformatted))
        else:
            preformatted -= name == "pre"
            parts.append(tail)
    return clean_text("".join(parts))


# --- datelines

_DASH: Final = r"(?:[-–—]{1,2}|:)"
_AR: Final = r"\u0621-\u064a\u0671-\u06d3\u064b-\u065f"  # Arabic letters and harakat
_CAPS_PLACE: Final = r"[A-Z][A-Z'’.\-]+(?:\s+[A-Z][A-Z'’.\-]+){0,3}"
_TITLE_PLACE: Final = r"[A-Z][a-z'’\-]+(?:[\s-]+[A-Za-z][a-z'’\-]+){0,2}"
_AR_PLACE: Final = rf"[{_AR}]+(?:\s+[{_AR}]+){{0,2}}"
_QUALIFIER: Final = r"(?:,\s*[^,()\n]{1,40}?){0,2}"

_DATELINE_PATTERNS: Final = (
    # BEIRUT (Reuters) –   GROSSETO, Italy (AP) --   DAMASCUS, Dec 6 (Reuters) -   بيروت (رويترز) -
    re.compile(
        rf"^\s*(?P<dateline>(?P<place>(?:{_CAPS_PLACE}|{_AR_PLACE}){_QUALIFIER})\s*"
        rf"\((?P<credit>[^()\n]{{2,40}})\))\s*{_DASH}\s*"
    ),
    # Damascus, SANA-   Aleppo, SANA –
    re.compile(
        rf"^\s*(?P<dateline>(?P<place>{_TITLE_PLACE}),\s*(?P<credit>[A-Z]{{2,10}}))\s*[-–—]{{1,2}}\s*"
    ),
    # دمشق-سانا   حلب - سانا
    re.compile(
        rf"^\s*(?P<dateline>(?P<place>{_AR_PLACE})\s*[-–—]\s*(?P<credit>[{_AR}]{{2,15}}))"
        rf"(?:\s*\n|\s+|\s*[-–—:]\s*)"
    ),
    # (New York, NY - October 21)
    re.compile(r"^\s*\((?P<dateline>(?P<place>[^()\n]{2,60}?)\s+[-–—]\s+[^()\n]{2,30})\)\s*"),
    # (Sports Network) - ...   a credit without a place
    re.compile(r"^\s*\((?P<credit>[^()\n]{2,40})\)\s*[-–—]{1,2}\s*"),
)
_TRAILING_CREDIT: Final = re.compile(r"\((?P<credit>[^()\n]{2,40})\)\s*[-–—:]*\s*$")


@dataclass(frozen=True, slots=True)
class Dateline:
    """The opening of a wire story. ``text`` is the dateline as written, without its dash
    (``"BEIRUT (Reuters)"``), None when the opening names only a credit; ``place`` where it
    was filed; ``credit`` the agency in it (``"Reuters"``); ``end`` where the story starts."""

    text: str | None
    place: str | None
    credit: str | None
    end: int


def find_dateline(text: str) -> Dateline | None:
    """The dateline at the very start of ``text``, or None when the story has none."""
    head = text[:200]
    for pattern in _DATELINE_PATTERNS:
        match = pattern.match(head)
        if match is None:
            continue
        groups = match.groupdict()
        dateline = groups.get("dateline")
        place = groups.get("place")
        credit = groups.get("credit")
        return Dateline(
            text=" ".join(dateline.split()) if dateline else None,
            place=" ".join(place.split()).strip(" ,") if place else None,
            credit=credit.strip() if credit else None,
            end=match.end(),
        )
    return None


def credit_of(dateline: str) -> str | None:
    """The agency credited at the end of a dateline: ``MOSCOW, Monday (Reuters)`` -> Reuters."""
    match = _TRAILING_CREDIT.search(dateline)
    return match.group("credit").strip() if match else None


# --- attribution

_LEAD_CHARS: Final = 800
_ATTRIBUTION_PATTERNS: Final = (
    # state news agency SANA said / the official news agency IRNA reported / state media reported
    re.compile(
        r"\b(?:(?:the|a)\s+)?(?:(?:official|state|state-run|state-owned|government|"
        r"semi-official|government-run|local|pro-government|opposition)\s+)?(?:news\s+agency|television|TV|media|broadcaster)"
        r"(?:\s+[A-Z][\w'’-]*){0,3}\s+(?:said|says|reported|reports|quoted|quotes)\b",
        re.IGNORECASE,
    ),
    # according to the Syrian Observatory for Human Rights
    re.compile(r"\b[Aa]ccording\s+to\s+(?:the\s+)?[^,.;:\n()]{3,80}"),
    # the Syrian Observatory for Human Rights said / Hamas said (a named source)
    re.compile(
        r"\b(?:the\s+)?(?!(?:He|She|They|It|We|I|You|This|That|There)\b)[A-Z][\w'’-]+"
        r"(?:\s+(?:of|for|the|and|al|el|[A-Z][\w'’-]+)){0,6}\s+"
        r"(?:said|says|reported|claimed|announced|confirmed|denied)\b"
    ),
    # ذكرت وكالة الأنباء السورية سانا / أفادت وسائل إعلام
    re.compile(
        rf"(?:ذكرت|أفادت|قالت|نقلت|أعلنت|أكدت|بثت)\s+(?:وكالة|قناة|صحيفة|وسائل|مصادر|وزارة|"
        rf"هيئة|شبكة|المرصد)(?:\s+[{_AR}]+){{0,3}}"
    ),
    # وفقا للمرصد / بحسب وكالة
    re.compile(r"(?:وفقا|وفقاً|بحسب|حسب)\s+[^،.:؛\n()]{2,60}"),
)


def find_attribution(text: str) -> str | None:
    """The first attribution phrase in the story's lead (its first 800 characters), or None.

    The phrase is returned as written, whitespace collapsed; deciding what it means for a
    claim is the understanding stage's job.
    """
    lead = text[:_LEAD_CHARS]
    best: re.Match[str] | None = None
    for pattern in _ATTRIBUTION_PATTERNS:
        match = pattern.search(lead)
        if match is not None and (best is None or match.start() < best.start()):
            best = match
    if best is None:
        return None
    return " ".join(best.group(0).split()).strip(" ,")

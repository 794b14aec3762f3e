"""Safe XML for feeds from the open web: no entity declarations, no network, no huge trees.

Every XML body the wire collector receives passes :func:`inspect_xml` before any parser sees
it. The policy is defusedxml's: a document that *declares* entities (``<!ENTITY ...>`` in its
DOCTYPE) is refused outright, which rules out external entities (XXE: ``file:///etc/passwd``,
``http://internal/``) and entity-expansion bombs ("billion laughs") in one rule. A DOCTYPE that
only names an external DTD (RSS 0.91 does) is allowed; the DTD is never loaded.

:func:`parse_tree` then parses with lxml configured the same way (``resolve_entities=False``,
``no_network=True``, ``load_dtd=False``, ``huge_tree=False``) for the formats read with lxml
(NewsML-G2). Pure code: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final
from xml.etree.ElementTree import ParseError

import defusedxml
import defusedxml.ElementTree
from lxml import etree

from sitrep.collect.wire.entries import FeedError

# expat error codes that mean "the input ended too early"
_EXPAT_NO_ELEMENTS: Final = 3
_EXPAT_UNCLOSED_TOKEN: Final = 5
_EXPAT_PARTIAL_CHAR: Final = 6
_EXPAT_UNCLOSED_CDATA: Final = 20
_ENDED_EARLY: Final = frozenset(
    {_EXPAT_NO_ELEMENTS, _EXPAT_UNCLOSED_TOKEN, _EXPAT_PARTIAL_CHAR, _EXPAT_UNCLOSED_CDATA}
)

_PARSER: Final = etree.XMLParser(
    resolve_entities=False,
    no_network=True,
    load_dtd=False,
    dtd_validation=False,
    huge_tree=False,
    remove_comments=True,
    remove_pis=True,
)


@dataclass(frozen=True, slots=True)
class XmlScan:
    """What :func:`inspect_xml` learned about a document it did not refuse.

    ``well_formed`` is False for documents with XML errors; ``error`` then says which and where,
    and ``truncated`` tells whether the document simply ends too early (a cut-off download).
    ``code`` is expat's error code. ``root`` is the local name of the root element,
    ``namespace`` its namespace URI (``""`` when none) — both ``""`` when the document is not
    well-formed.
    """

    well_formed: bool
    root: str = ""
    namespace: str = ""
    error: str | None = None
    truncated: bool = False
    code: int | None = None


def inspect_xml(body: bytes) -> XmlScan:
    """Check that ``body`` is safe XML and report whether it is well-formed.

    Raises :class:`FeedError` (outcome ``unsafe_xml``) when the document declares entities or
    references external ones. Never resolves anything and never touches the network.
    """
    try:
        root = defusedxml.ElementTree.fromstring(
            body, forbid_dtd=False, forbid_entities=True, forbid_external=True
        )
    except defusedxml.EntitiesForbidden:
        raise FeedError(
            "unsafe_xml",
            "the document declares XML entities (<!ENTITY>); refused: entity declarations "
            "are how external-entity (XXE) and expansion-bomb attacks work",
        ) from None
    except (defusedxml.ExternalReferenceForbidden, defusedxml.DTDForbidden) as exc:
        raise FeedError("unsafe_xml", f"the document references external content ({exc})") from None
    except ParseError as exc:
        return XmlScan(
            well_formed=False,
            error=f"not well-formed XML: {exc}",
            truncated=_ended_early(body, exc),
            code=exc.code,
        )
    namespace, _, local = root.tag.rpartition("}")
    return XmlScan(well_formed=True, root=local, namespace=namespace.lstrip("{"))


def _ended_early(body: bytes, exc: ParseError) -> bool:
    if not body.strip() or exc.code not in _ENDED_EARLY:
        return False
    line, _column = exc.position
    last_line = body.rstrip().count(b"\n") + 1
    return bool(line >= last_line)


def parse_tree(body: bytes) -> etree._Element:
    """Parse a document that passed :func:`inspect_xml` with lxml's safe settings.

    Raises :class:`FeedError` (``unsafe_xml``, ``truncated`` or ``malformed``) otherwise.
    """
    scan = inspect_xml(body)
    if not scan.well_formed:
        raise FeedError("truncated" if scan.truncated else "malformed", scan.error or "bad XML")
    try:
        return etree.fromstring(body, parser=_PARSER)
    except etree.XMLSyntaxError as exc:
        raise FeedError("malformed", f"not well-formed XML: {exc}") from None


def local_name(element: etree._Element) -> str:
    """The tag without its namespace (``""`` for comments and processing instructions)."""
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rpartition("}")[2]

"""From a :class:`WireEntry` to a :class:`RawItem`: identity, content hash, text, provenance.

Conventions (the raw-item contract for wire sources):

- ``source_kind = "wire"``; ``source_id`` = the feed id of the sources file (a feed without an
  entry gets :func:`feed_slug` of its URL or file name); ``provenance.feed_url`` is the
  feed's address without credentials (:func:`public_url`);
- ``native_id`` = the item's GUID (RSS ``guid``, Atom ``id``, ninjs ``uri``, NewsML-G2
  ``guid``), else its link, else ``sha256:`` + its content hash (:func:`native_id_of`);
- ``version`` = how many times the content changed under the same native id (0 first), kept
  by :mod:`sitrep.collect.wire.seen`;
- ``text`` = the body, else the summary, else the headline (wire flashes are headline-only);
- ``published_at`` = the item's own time in UTC; items without one get the fetch time and
  ``provenance.published_at_estimated = True``;
- ``provenance.dateline`` = the format's dateline, else the one the text opens with, else the
  item's ``located`` place; ``provenance.attribution`` = the attribution phrase of the lead
  (``state news agency SANA said``), else the dateline's credit (``Reuters``), else the format's
  information source.

Pure code.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from typing import Final
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from sitrep.collect.wire.entries import FeedFormat, WireEntry
from sitrep.collect.wire.text import credit_of, find_attribution, find_dateline
from sitrep.records.codec import make_item_id
from sitrep.records.model import Provenance, RawItem
from sitrep.records.times import to_iso
from sitrep.sources import Source

SOURCE_KIND: Final = "wire"
_SLUG_CHARS: Final = re.compile(r"[^a-z0-9]+")
_SLUG_MAX: Final = 60
_SECRET_PARAM: Final = re.compile(r"key|token|secret|pass|sig|auth|credential", re.IGNORECASE)


def public_url(url: str | None) -> str | None:
    """A feed address fit for records and logs: no ``user:password@``, and the values of
    query parameters that look like credentials (``apikey``, ``token``, ``sig``...) masked.

    Feed URLs come from the sources file, where a subscription key may sit in the address.
    """
    if not url:
        return url
    parts = urlsplit(url)
    netloc = parts.hostname or ""
    if parts.port is not None:
        netloc = f"{netloc}:{parts.port}"
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        masked = [(k, "***" if _SECRET_PARAM.search(k) and v else v) for k, v in pairs]
        if masked != pairs:
            query = urlencode(masked, safe="*")
    if netloc == parts.netloc and query == parts.query:
        return url
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def content_hash(entry: WireEntry) -> str:
    """A digest of what a reader sees: title, text and whether the item was withdrawn.

    Changing only times, links or metadata does not change it; editing the story does.
    """
    digest = hashlib.sha256()
    for part in (entry.title or "", entry.text, "deleted" if entry.deleted else ""):
        digest.update(part.encode("utf-8"))
        digest.update(b"\x1f")
    return digest.hexdigest()[:32]


def native_id_of(entry: WireEntry) -> str:
    """The entry's GUID, else its link, else ``sha256:<content hash>``."""
    return entry.guid or entry.link or f"sha256:{content_hash(entry)}"


def has_content(entry: WireEntry) -> bool:
    """False for an entry with neither title nor text (a metadata-only or placeholder item);
    such entries are skipped, unless they withdraw an item (``deleted``)."""
    return entry.deleted or bool(entry.title or entry.text)


def feed_slug(address: str) -> str:
    """A stable source id for a feed that has no sources-file entry.

    ``https://www.example.org/rss/world?lang=ar`` -> ``www-example-org-rss-world-lang-ar``;
    long addresses are cut and end in 8 hex digits of their SHA-256, so two never collide.
    Credentials in the address (:func:`public_url`) never reach the slug.
    """
    address = public_url(address) or address
    lowered = address.lower().split("://", 1)[-1]
    slug = _SLUG_CHARS.sub("-", lowered).strip("-") or "feed"
    if len(slug) > _SLUG_MAX:
        tail = hashlib.sha256(address.encode("utf-8")).hexdigest()[:8]
        slug = f"{slug[: _SLUG_MAX - 9].rstrip('-')}-{tail}"
    return slug


def to_raw_item(
    entry: WireEntry,
    *,
    feed: Source,
    feed_format: FeedFormat,
    feed_url: str | None,
    native_id: str,
    version: int,
    collected_at: datetime,
    full_text: str | None = None,
) -> RawItem:
    """The raw item for one entry (see the module docstring for every field's rule).

    ``full_text`` replaces the entry's text when the opt-in article fetch found the body.
    """
    text = "" if entry.deleted else (full_text or entry.text or entry.title or "")
    published = entry.published_at or entry.updated_at
    opening = find_dateline(text) if text else None
    dateline = entry.dateline or (opening.text if opening else None) or entry.located
    credit = (credit_of(entry.dateline) if entry.dateline else None) or (
        opening.credit if opening else None
    )
    lead = text[opening.end :] if opening else text
    provenance = Provenance(
        feed_url=public_url(feed_url),
        feed_format=feed_format,
        outlet=feed.outlet or entry.outlet,
        byline=entry.byline,
        dateline=dateline,
        attribution=find_attribution(lead) or credit or entry.attribution,
        guid=entry.guid,
        subjects=entry.subjects,
        published_at_estimated=published is None,
    )
    return RawItem(
        item_id=make_item_id(SOURCE_KIND, feed.id, native_id),
        source_kind=SOURCE_KIND,
        source_id=feed.id,
        native_id=native_id,
        text=text,
        collected_at=to_iso(collected_at),
        version=version,
        published_at=to_iso(published or collected_at),
        title=entry.title,
        url=entry.link,
        lang=entry.lang or feed.language,
        deleted=entry.deleted,
        provenance=provenance,
    )

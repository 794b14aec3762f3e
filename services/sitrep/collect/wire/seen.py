"""What each feed already delivered, so a poll emits only new and changed items.

:class:`SeenItems` is the pure, bounded record of one feed: for each native id (GUID, link or
content hash) the content hash last delivered, its version, its link and when it was last
seen. :meth:`SeenItems.changes` compares a parsed document with it:

- an unknown native id is **new** (version 0) — unless its content hash is already known under
  another id (the publisher re-issued the same story under a new GUID): a **duplicate**;
- a known id with a different content hash is an **edit** (version + 1) or, when the item was
  withdrawn, a **delete**;
- a known id with the same hash is **unchanged**;
- a second entry with the same native id in one document is a **duplicate** (the first one in
  document order wins, so versions do not flip between two copies on every poll).

:meth:`SeenItems.remember` is called only after the changed items were delivered. The record
keeps at most ``capacity`` ids (never fewer than twice the current document), evicting those
seen least recently: ids still in the feed are touched on every poll and are never evicted.

:class:`FeedState` adds the HTTP validators (ETag, Last-Modified) of the last good fetch.
:class:`FeedStateStore` keeps one small JSON file per feed under ``{data_dir}/wire/`` and
replaces it atomically, so the record survives restarts; a lost or corrupt file costs one
re-delivery of the feed's current items at version 0 (harmless downstream: same item ids).
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Literal

import orjson

log = logging.getLogger(__name__)

ChangeKind = Literal["new", "edit", "delete"]
DEFAULT_CAPACITY: Final = 2000
STATE_FORMAT: Final = 1


@dataclass(frozen=True, slots=True)
class Sighting:
    """One entry of a fetched document, as the record compares it."""

    native_id: str
    content_hash: str
    link: str | None = None
    deleted: bool = False


@dataclass(frozen=True, slots=True)
class Change:
    """A sighting that must be delivered: ``index`` is its position in the document."""

    index: int
    sighting: Sighting
    version: int
    kind: ChangeKind


@dataclass(frozen=True, slots=True)
class Comparison:
    """The result of :meth:`SeenItems.changes` for one document."""

    changes: tuple[Change, ...]
    unchanged: int
    duplicates: int


@dataclass(slots=True)
class _Remembered:
    content_hash: str
    version: int
    link: str | None
    last_seen: int


class SeenItems:
    """The bounded record of one feed's delivered items (see the module docstring)."""

    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self.capacity = capacity
        self._items: dict[str, _Remembered] = {}
        self._by_hash: dict[str, str] = {}
        self._tick = 0

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, native_id: object) -> bool:
        return native_id in self._items

    def version_of(self, native_id: str) -> int | None:
        found = self._items.get(native_id)
        return found.version if found else None

    def changes(self, sightings: Sequence[Sighting]) -> Comparison:
        """What to deliver for a document, in document order. Does not change the record."""
        out: list[Change] = []
        unchanged = duplicates = 0
        in_document: set[str] = set()
        hashes_in_document: dict[str, str] = {}
        for index, sighting in enumerate(sightings):
            if sighting.native_id in in_document:
                duplicates += 1
                continue
            in_document.add(sighting.native_id)
            known = self._items.get(sighting.native_id)
            if known is None:
                owner = self._by_hash.get(sighting.content_hash) or hashes_in_document.get(
                    sighting.content_hash
                )
                if owner is not None and owner != sighting.native_id and not sighting.deleted:
                    duplicates += 1
                    continue
                hashes_in_document.setdefault(sighting.content_hash, sighting.native_id)
                kind: ChangeKind = "delete" if sighting.deleted else "new"
                out.append(Change(index, sighting, 0, kind))
            elif known.content_hash == sighting.content_hash:
                unchanged += 1
            else:
                kind = "delete" if sighting.deleted else "edit"
                out.append(Change(index, sighting, known.version + 1, kind))
        return Comparison(tuple(out), unchanged, duplicates)

    def remember(self, sightings: Sequence[Sighting], delivered: Sequence[Change]) -> None:
        """Record delivered changes and touch every id still in the document; then evict."""
        self._tick += 1
        for change in delivered:
            s = change.sighting
            previous = self._items.get(s.native_id)
            if previous is not None and self._by_hash.get(previous.content_hash) == s.native_id:
                del self._by_hash[previous.content_hash]
            self._items[s.native_id] = _Remembered(
                s.content_hash, change.version, s.link, self._tick
            )
            self._by_hash[s.content_hash] = s.native_id
        for s in sightings:
            known = self._items.get(s.native_id)
            if known is not None:
                known.last_seen = self._tick
        self._evict(keep_at_least=2 * len(sightings))

    def _evict(self, keep_at_least: int) -> None:
        limit = max(self.capacity, keep_at_least)
        excess = len(self._items) - limit
        if excess <= 0:
            return
        oldest = sorted(self._items.items(), key=lambda kv: kv[1].last_seen)[:excess]
        for native_id, remembered in oldest:
            del self._items[native_id]
            if self._by_hash.get(remembered.content_hash) == native_id:
                del self._by_hash[remembered.content_hash]

    def to_json(self) -> dict[str, Any]:
        return {
            "tick": self._tick,
            "items": [
                [nid, r.content_hash, r.version, r.link, r.last_seen]
                for nid, r in self._items.items()
            ],
        }

    @classmethod
    def from_json(cls, data: Any, capacity: int = DEFAULT_CAPACITY) -> SeenItems:
        """Rebuild a record; raises ``TypeError`` when ``data`` is not what :meth:`to_json` made."""
        seen = cls(capacity)
        if not isinstance(data, dict) or not isinstance(data.get("items"), list):
            raise TypeError("expected an object with an 'items' list")
        tick = data.get("tick", 0)
        if not isinstance(tick, int):
            raise TypeError("'tick' must be an integer")
        seen._tick = tick
        for row in data["items"]:
            if not (
                isinstance(row, list)
                and len(row) == 5
                and isinstance(row[0], str)
                and isinstance(row[1], str)
                and isinstance(row[2], int)
                and (row[3] is None or isinstance(row[3], str))
                and isinstance(row[4], int)
            ):
                raise TypeError(f"bad item row {str(row)[:80]}")
            seen._items[row[0]] = _Remembered(row[1], row[2], row[3], row[4])
            seen._by_hash[row[1]] = row[0]
        return seen


@dataclass(slots=True)
class FeedState:
    """Everything a feed's next poll needs from the previous ones."""

    feed_id: str
    feed_url: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    seen: SeenItems = field(default_factory=SeenItems)

    def to_json(self) -> dict[str, Any]:
        return {
            "format": STATE_FORMAT,
            "feed_id": self.feed_id,
            "feed_url": self.feed_url,
            "etag": self.etag,
            "last_modified": self.last_modified,
            "seen": self.seen.to_json(),
        }


def _state_object(raw: bytes) -> dict[str, Any]:
    data = orjson.loads(raw)
    if not isinstance(data, dict) or data.get("format") != STATE_FORMAT:
        raise TypeError(f"expected a state object of format {STATE_FORMAT}")
    return data


_UNSAFE_FILE_CHARS: Final = re.compile(r"[^A-Za-z0-9._-]+")


class FeedStateStore:
    """One JSON file per feed under ``directory`` (``{data_dir}/wire``), written atomically.

    :meth:`load` never raises for a missing or unreadable file: it logs, moves a corrupt file
    aside (``.corrupt``) and starts fresh. :meth:`save` raises ``OSError`` when the directory
    cannot be written (a configuration problem the operator must fix).
    """

    def __init__(self, directory: str | Path, capacity: int = DEFAULT_CAPACITY) -> None:
        self.directory = Path(directory)
        self.capacity = capacity

    def path_for(self, feed_id: str) -> Path:
        readable = _UNSAFE_FILE_CHARS.sub("_", feed_id)[:80]
        digest = hashlib.sha256(feed_id.encode("utf-8")).hexdigest()[:8]
        return self.directory / f"{readable}-{digest}.json"

    def load(self, feed_id: str, feed_url: str | None) -> FeedState:
        """The feed's saved state; validators are dropped when the feed's URL changed."""
        path = self.path_for(feed_id)
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return FeedState(feed_id, feed_url, seen=SeenItems(self.capacity))
        except OSError as exc:
            log.warning(
                "feed state unreadable; starting fresh",
                extra={"source": feed_id, "path": str(path), "error": exc.strerror},
            )
            return FeedState(feed_id, feed_url, seen=SeenItems(self.capacity))
        try:
            data = _state_object(raw)
            seen = SeenItems.from_json(data.get("seen"), self.capacity)
        except (ValueError, TypeError) as exc:  # orjson.JSONDecodeError is a ValueError
            aside = path.with_suffix(".corrupt")
            os.replace(path, aside)
            log.warning(
                "feed state corrupt; moved aside, starting fresh",
                extra={"source": feed_id, "path": str(aside), "error": str(exc)[:200]},
            )
            return FeedState(feed_id, feed_url, seen=SeenItems(self.capacity))
        etag, modified = data.get("etag"), data.get("last_modified")
        if data.get("feed_url") != feed_url:
            etag = modified = None  # validators belong to the old address
        return FeedState(
            feed_id,
            feed_url,
            etag if isinstance(etag, str) else None,
            modified if isinstance(modified, str) else None,
            seen,
        )

    def save(self, state: FeedState) -> None:
        """Write the state to a temporary file, fsync it, then rename it over the old one."""
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.path_for(state.feed_id)
        data = orjson.dumps(state.to_json())
        fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=path.name, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

"""Which report links of an event the database must change for a new version. Pure.

Each event version carries every link of its event, so rewriting all of an event's
``event_reports`` rows for each version costs the square of the event's size: a busy event
with 300 links had 300 rows deleted and inserted for each report that joined (dead tuples for
PostgreSQL's vacuum, index churn, WAL). Most versions add a link or two and change none.

:class:`LinkMemory` remembers, for the events this store wrote most recently, the version it
wrote and a digest of each link row; :func:`link_changes` compares a new version's rows with
that and returns only the rows to delete and insert. The memory is only a hint about what the
database holds: :class:`~sitrep.store.database.Store` uses it only when the event's row, read
and locked in the same transaction, still has the remembered version, and records a version
only after its transaction committed. Otherwise the links are rewritten whole, as before.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from sitrep.store.rows import Row

LINK_MEMORY_LINKS: Final = 50_000
"""Links remembered across events (least recently written events are forgotten first): ~140
bytes each by tracemalloc, 7 MB. At 100,000 the sink's RSS in the 200k backfill grew by ~22 MiB
(fragmentation included) while the memory filled."""

CANDIDATE: Final = 1  # the candidate_id column of a link row (see rows.LINK_COLUMNS)


@dataclass(frozen=True, slots=True)
class HeldLinks:
    """What the store last wrote for one event: its version and a digest per candidate id."""

    version: int
    digests: Mapping[str, int]


def link_digests(rows: Sequence[Row]) -> dict[str, int]:
    """A digest per link row, by candidate id (the row's key within its event).

    Python's tuple hash, over every column: 64 bits, in this process only (the memory is never
    stored or shared).
    """
    return {str(row[CANDIDATE]): hash(row) for row in rows}


@dataclass(frozen=True, slots=True)
class LinkChanges:
    """The rows to delete (candidate ids) and insert for a version, and its digests."""

    deleted: tuple[str, ...]
    inserted: tuple[Row, ...]
    digests: dict[str, int]


def link_changes(rows: Sequence[Row], held: HeldLinks) -> LinkChanges:
    """The changes from ``held`` to ``rows``: a link gone or changed is deleted, a link new or
    changed is inserted; an unchanged link is left alone."""
    digests = link_digests(rows)
    old = held.digests
    deleted = tuple(c for c, d in old.items() if digests.get(c) != d)
    inserted = tuple(row for row in rows if old.get(str(row[CANDIDATE])) != hash(row))
    return LinkChanges(deleted, inserted, digests)


class LinkMemory:
    """The links last written per event, for the most recently written events (LRU by links).

    Not thread-safe (one store, one caller at a time).
    """

    def __init__(self, capacity: int = LINK_MEMORY_LINKS) -> None:
        self.capacity = capacity
        self._held: OrderedDict[str, HeldLinks] = OrderedDict()
        self._links = 0

    def __len__(self) -> int:
        return len(self._held)

    @property
    def links(self) -> int:
        return self._links

    def get(self, event_id: str) -> HeldLinks | None:
        return self._held.get(event_id)

    def record(self, changes: Mapping[str, HeldLinks | None]) -> None:
        """Apply what a committed transaction wrote: per event id its links, or ``None`` when
        the event's links are unknown or gone (forgotten)."""
        for event_id, held in changes.items():
            self.forget(event_id)
            if held is None or len(held.digests) > self.capacity:
                continue
            self._held[event_id] = held
            self._links += len(held.digests)
        while self._links > self.capacity:
            _, oldest = self._held.popitem(last=False)
            self._links -= len(oldest.digests)

    def forget(self, event_id: str) -> None:
        held = self._held.pop(event_id, None)
        if held is not None:
            self._links -= len(held.digests)

    def clear(self) -> None:
        self._held.clear()
        self._links = 0

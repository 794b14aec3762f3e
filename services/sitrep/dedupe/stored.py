"""A cell's state as a changelog holds it: one record per event and one per report. Pure.

The cluster step writes a cell's state after every batch. Written whole (format 1,
:meth:`CellState.to_bytes`), each write costs as much as the cell holds: on a live stream, where
nothing is old enough to expire, a busy cell holds thousands of reports and every batch wrote
them all again (at 1,000 reports/s, tens of MB/s of changelog, and the encoding of every mark
and fingerprint each time). Split into parts, a batch writes only what it changed: the events
that changed and the reports it merged, and a tombstone for what expired.

Keys (bytes): ``cell NUL "e" event_id`` for an event, ``cell NUL "r" report_id`` for a report's
mark and fingerprint. The cell comes first, so a key's partition is that of its cell
(:func:`cell_of_key`). Values (format 2): the byte ``0x02`` then one JSON array::

    event part  = [ordinal, event]                       (event as in format 1)
    report part = [mark ordinal, [version, deleted, activity] | null,
                   print ordinal, [fingerprint as hex, exact, voice, activity] | null]

A state's mappings keep insertion order, and the merge rules rely on it (ties go to the event
created first; a copy's origin is the first fingerprint seen), so each entry carries an ordinal
that grows with its position: :func:`restore` sorts by them and rebuilds exactly the state that
was written. A format-1 record (key = the bare cell) is still read; the next write replaces it
by parts and deletes it.

:class:`Stored` is what the writer keeps per cell between batches: the state it last wrote and
the ordinals it gave. :func:`written` compares a new state with it by identity (a state shares
every entry it did not change with the state it came from) and returns the records to write.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Final, TypeVar

from sitrep.dedupe.state import CellState, Loader, OpenEvent, ReportMark, TextPrint
from sitrep.records.codec import RecordError, encode, loads

PART_FORMAT: Final = b"\x02"
SEPARATOR: Final = b"\x00"
EVENT: Final = b"e"
REPORT: Final = b"r"

V = TypeVar("V")


def cell_of_key(key: bytes) -> bytes:
    """The cell (as bytes) a changelog key belongs to: the key itself for a format-1 record."""
    return key.split(SEPARATOR, 1)[0]


def event_key(cell: str, event_id: str) -> bytes:
    return b"".join((cell.encode(), SEPARATOR, EVENT, event_id.encode()))


def report_key(cell: str, report_id: str) -> bytes:
    return b"".join((cell.encode(), SEPARATOR, REPORT, report_id.encode()))


@dataclass(frozen=True, slots=True)
class Stored:
    """What the changelog holds for one cell: ``state`` and the ordinals of its entries (by
    event id, by report id for marks and for fingerprints); ``legacy`` when it was read from a
    format-1 record that the next write must replace."""

    state: CellState
    events: Mapping[str, int]
    marks: Mapping[str, int]
    prints: Mapping[str, int]
    next_ordinal: int
    legacy: bool = False


Write = tuple[bytes, bytes | None]  # a key and its new value; None deletes the key


def _ordinals(
    entries: Mapping[str, V], old: Mapping[str, int], start: int
) -> tuple[dict[str, int], set[str], int]:
    """Ordinals for ``entries`` in their order: an entry keeps its old ordinal while that still
    grows along the mapping; a new entry, or one now after entries with higher ordinals (taken
    out and put back), gets the next free one. Returns them, the ids whose ordinal is new, and
    the next free ordinal."""
    out: dict[str, int] = {}
    renumbered: set[str] = set()
    last = -1
    following = start
    get = old.get
    for key in entries:
        ordinal = get(key)
        if ordinal is None or ordinal <= last:
            ordinal = following
            following += 1
            renumbered.add(key)
        out[key] = ordinal
        last = ordinal
    return out, renumbered, following


def _changed(after: Mapping[str, V], before: Mapping[str, V]) -> set[str]:
    """Ids whose entry in ``after`` is not the very object ``before`` holds (new or replaced)."""
    if after is before:
        return set()
    get = before.get
    return {key for key, value in after.items() if get(key) is not value}


def _event_value(ordinal: int, event: OpenEvent) -> bytes:
    return b"".join((PART_FORMAT, b"[", str(ordinal).encode(), b",", event.encoded(), b"]"))


def _report_value(
    marks: Mapping[str, int],
    prints: Mapping[str, int],
    mark: ReportMark | None,
    text: TextPrint | None,
    report_id: str,
) -> bytes:
    return PART_FORMAT + encode(
        [
            marks.get(report_id, 0),
            None if mark is None else [mark.version, mark.deleted, mark.activity],
            prints.get(report_id, 0),
            None
            if text is None
            else [format(text.fingerprint, "x"), text.exact, text.voice, text.activity],
        ]
    )


def written(stored: Stored | None, state: CellState) -> tuple[Stored, list[Write]]:
    """The records that bring the changelog from ``stored`` (``None``: nothing written yet) to
    ``state``, and what it then holds. Events first, then reports, each in the state's order;
    deletions last."""
    empty = CellState.empty(state.cell)
    before = empty if stored is None or stored.legacy else stored.state
    start = 0 if stored is None else stored.next_ordinal
    old_events: Mapping[str, int] = {} if stored is None or stored.legacy else stored.events
    old_marks: Mapping[str, int] = {} if stored is None or stored.legacy else stored.marks
    old_prints: Mapping[str, int] = {} if stored is None or stored.legacy else stored.prints

    events, moved_events, start = _ordinals(state.events, old_events, start)
    marks, moved_marks, start = _ordinals(state.reports, old_marks, start)
    prints, moved_prints, start = _ordinals(state.prints, old_prints, start)

    writes: list[Write] = []
    cell = state.cell
    for event_id in _ordered(state.events, _changed(state.events, before.events) | moved_events):
        writes.append(
            (event_key(cell, event_id), _event_value(events[event_id], state.events[event_id]))
        )
    touched = (
        _changed(state.reports, before.reports)
        | _changed(state.prints, before.prints)
        | moved_marks
        | moved_prints
    )
    # a report that kept its mark but lost its fingerprint (expired) is rewritten too
    touched |= {r for r in before.prints.keys() - state.prints.keys() if r in state.reports}
    touched |= {r for r in before.reports.keys() - state.reports.keys() if r in state.prints}
    for report_id in _ordered(state.reports, touched):
        writes.append(
            (
                report_key(cell, report_id),
                _report_value(
                    marks,
                    prints,
                    state.reports.get(report_id),
                    state.prints.get(report_id),
                    report_id,
                ),
            )
        )
    for report_id in _ordered(state.prints, touched - state.reports.keys()):
        writes.append(
            (
                report_key(cell, report_id),
                _report_value(marks, prints, None, state.prints[report_id], report_id),
            )
        )
    for event_id in sorted(before.events.keys() - state.events.keys()):
        writes.append((event_key(cell, event_id), None))
    gone = (before.reports.keys() | before.prints.keys()) - (
        state.reports.keys() | state.prints.keys()
    )
    for report_id in sorted(gone):
        writes.append((report_key(cell, report_id), None))
    if stored is not None and stored.legacy:
        writes.append((cell.encode(), None))
    return Stored(state, events, marks, prints, start), writes


def _ordered(entries: Mapping[str, Any], ids: set[str]) -> Iterator[str]:
    """``ids`` in the order of ``entries`` (all of them there)."""
    if not ids:
        return iter(())
    if len(ids) * 8 < len(entries):
        order = {key: n for n, key in enumerate(entries)}
        return iter(sorted(ids, key=order.__getitem__))
    return (key for key in entries if key in ids)


def restore(cell: str, records: Iterable[tuple[bytes, bytes]]) -> Stored:
    """The cell's state from its changelog records (``key, value`` pairs of this cell, in any
    order; a format-1 record is read as the whole state). Raises ``RecordError`` for a record
    that is neither format."""
    records = list(records)
    legacy = [value for key, value in records if SEPARATOR not in key]
    if legacy and len(records) == 1:  # written by an older sitrep: parts on the next write
        state = CellState.from_bytes(legacy[0])
        return Stored(state, {}, {}, {}, 0, legacy=True)
    load = Loader()
    events: list[tuple[int, str, OpenEvent]] = []
    marks: list[tuple[int, str, ReportMark]] = []
    prints: list[tuple[int, str, TextPrint]] = []
    for key, value in records:
        if SEPARATOR not in key:
            continue  # a format-1 record the parts replaced (its tombstone is on its way)
        part = key.split(SEPARATOR, 1)[1]
        kind, ident = part[:1], load.s(part[1:].decode())
        if kind not in (EVENT, REPORT):
            raise RecordError(f"cell state part {key!r}: unknown part kind {kind!r}")
        if not value.startswith(PART_FORMAT):
            raise RecordError(
                f"cell state part {key!r}: unknown format byte {value[:1]!r}; this build reads "
                "format 2 (a newer writer needs a newer sitrep)"
            )
        try:
            row = loads(value[1:])
            if kind == EVENT:
                ordinal, event = row
                events.append((int(ordinal), ident, load.event(event)))
            else:
                mark_at, mark, print_at, text = row
                if mark is not None:
                    version, deleted, activity = mark
                    marks.append(
                        (int(mark_at), ident, ReportMark(int(version), bool(deleted), activity))
                    )
                if text is not None:
                    fingerprint, exact, voice, activity = text
                    prints.append(
                        (
                            int(print_at),
                            ident,
                            TextPrint(int(fingerprint, 16), bool(exact), load.s(voice), activity),
                        )
                    )
        except (ValueError, TypeError, IndexError, KeyError) as exc:
            raise RecordError(f"cell state part {key!r}: corrupt ({exc})") from None
    events.sort(key=_first)
    marks.sort(key=_first)
    prints.sort(key=_first)
    state = CellState(
        cell,
        {ident: event for _, ident, event in events},
        {ident: mark for _, ident, mark in marks},
        {ident: text for _, ident, text in prints},
    )
    following = 1 + max((n for n, _, _ in (*events, *marks, *prints)), default=-1)
    return Stored(
        state,
        {ident: n for n, ident, _ in events},
        {ident: n for n, ident, _ in marks},
        {ident: n for n, ident, _ in prints},
        following,
    )


def _first(entry: tuple[int, str, Any]) -> int:
    return entry[0]

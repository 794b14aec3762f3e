"""A cell's state as a changelog holds it: a snapshot and the changes of each batch since. Pure.

The cluster step writes a cell's state after every batch. Written whole (format 1,
:meth:`CellState.to_bytes`), each write costs as much as the cell holds: on a live stream, where
nothing is old enough to expire, a busy cell holds thousands of reports and every batch wrote
them all again (at 1,000 reports/s, tens of MB/s of changelog and the encoding of every mark and
fingerprint, each time). Here a batch writes one record with what it changed — the events that
changed, the reports it merged, what expired — and the whole state only once the changes
written since the last snapshot outweigh it (or 64 KiB, for a small cell), so writing costs
about twice the changes, however big the cell.

A batch's changes to a cell are one record, so a crash cannot leave half of them: a changelog
holds a cell's writes in order (one partition per cell), so after a crash it ends at the last
whole record that reached the broker. (One record per event and per report was tried: a crash
between them restored events without the marks of their reports, and the replay merged those
reports a second time.)

Keys (bytes): ``cell NUL "s"`` the snapshot, ``cell NUL "d" seq`` (16 hex digits) a change
record. The cell comes first, so a key's partition is that of its cell (:func:`cell_of_key`).
Values (format 2): the byte ``0x02`` then one JSON array::

    [seq, [[ordinal, event] | [ordinal, event_id, version, digest, ever_affirmed, kept,
           [member...]]...], [removed event id...],
          [[report_id, mark ordinal, mark | null, print ordinal, print | null]...],
          [removed report id...]]
    mark  = [version, deleted, activity]
    print = [fingerprint as hex, exact, voice, activity]
    event = as in format 1

An event that changed is written whole, or as its head and the members after the first
``kept`` ones it shares with its last written form (members join at the end, so a busy
event's change is its new members, not hundreds of old ones).

A snapshot is a change record from nothing. Restoring reads the snapshot, then the change
records after it in order; records at or before the snapshot's ``seq`` (their deletion may not
have reached the broker) are ignored and deleted with the next snapshot. A state's mappings
keep insertion order, and the merge rules rely on it (ties go to the event created first; a
copy's origin is the first fingerprint seen), so every entry carries an ordinal that grows with
its position: :func:`restore` sorts by them and rebuilds exactly the state that was written. A
format-1 record (key = the bare cell) is still read; the next write is a snapshot and deletes
it.

:class:`Stored` is what the writer keeps per cell between batches: the state it last wrote and
the ordinals it gave. :func:`written` compares a new state with it by identity (a state shares
every entry it did not change with the state it came from) and returns the records to write.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final, TypeVar

from sitrep.dedupe.state import CellState, Loader, OpenEvent, ReportMark, TextPrint, member_json
from sitrep.records.codec import RecordError, encode, loads

PART_FORMAT: Final = b"\x02"
SEPARATOR: Final = b"\x00"
SNAPSHOT: Final = b"s"
CHANGE: Final = b"d"
# a snapshot is written once the change records since the last one outweigh it, or this
MIN_SNAPSHOT_BYTES: Final = 64 * 1024

V = TypeVar("V")
Write = tuple[bytes, bytes | None]  # a key and its new value; None deletes the key


def cell_of_key(key: bytes) -> bytes:
    """The cell (as bytes) a changelog key belongs to: the key itself for a format-1 record."""
    return key.split(SEPARATOR, 1)[0]


def snapshot_key(cell: str) -> bytes:
    return cell.encode() + SEPARATOR + SNAPSHOT


def change_key(cell: str, seq: int) -> bytes:
    return b"%s%s%s%016x" % (cell.encode(), SEPARATOR, CHANGE, seq)


@dataclass(frozen=True, slots=True)
class Stored:
    """What the changelog holds for one cell: ``state``; the ordinals of its entries (by event
    id, and by report id for marks and for fingerprints) and the next free one; the ``seq`` of
    the last record; the change records written since the snapshot, with their total size,
    and the snapshot's size (``-1``: none, the next write is one); ``legacy`` while a format-1
    record of the cell may still be there."""

    state: CellState
    events: Mapping[str, int]
    marks: Mapping[str, int]
    prints: Mapping[str, int]
    next_ordinal: int
    seq: int
    changes: tuple[bytes, ...] = ()
    change_bytes: int = 0
    snapshot_bytes: int = -1
    legacy: bool = False


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


def _record(
    seq: int,
    state: CellState,
    *,
    ordinals: tuple[Mapping[str, int], Mapping[str, int], Mapping[str, int]],
    event_ids: list[str],
    removed_events: list[str],
    report_ids: list[str],
    removed_reports: list[str],
    before: Mapping[str, OpenEvent] | None = None,
) -> bytes:
    """One record in format 2 (see the module doc); events as their cached byte form, or, when
    ``before`` (the events as last written) holds the event, only its new members."""
    events, marks, prints = ordinals
    rows = []
    for report_id in report_ids:
        mark = state.reports.get(report_id)
        text = state.prints.get(report_id)
        rows.append(
            [
                report_id,
                marks.get(report_id, 0),
                None if mark is None else [mark.version, mark.deleted, mark.activity],
                prints.get(report_id, 0),
                None
                if text is None
                else [format(text.fingerprint, "x"), text.exact, text.voice, text.activity],
            ]
        )
    return b"".join(
        (
            PART_FORMAT,
            b"[%d,[" % seq,
            b",".join(_event_entry(events[e], state.events[e], before) for e in event_ids),
            b"],",
            encode(removed_events),
            b",",
            encode(rows),
            b",",
            encode(removed_reports),
            b"]",
        )
    )


def _event_entry(ordinal: int, event: OpenEvent, before: Mapping[str, OpenEvent] | None) -> bytes:
    """``[ordinal, event]``, or ``[ordinal, event_id, version, digest, ever_affirmed, kept,
    [member...]]`` when the event as last written shares its first ``kept`` members with it
    (members join at the end: a busy event's change is its new members, not all of them)."""
    old = None if before is None else before.get(event.event_id)
    if old is None:
        return b"[%d,%s]" % (ordinal, event.encoded())
    members, previous = event.members, old.members
    kept = 0
    for new_member, old_member in zip(members, previous, strict=False):
        if new_member is not old_member:
            break
        kept += 1
    head = encode([event.event_id, event.version, event.digest, event.ever_affirmed, kept])
    return b"".join(
        (
            b"[%d," % ordinal,
            head[1:-1],
            b",[",
            b",".join([m.stored_form(member_json) for m in members[kept:]]),
            b"]]",
        )
    )


def written(stored: Stored | None, state: CellState) -> tuple[Stored, list[Write]]:
    """The records that bring the changelog from ``stored`` (``None``: nothing written yet) to
    ``state`` — one change record, or a snapshot and the deletion of the change records it
    replaces — and what the changelog then holds."""
    before = CellState.empty(state.cell) if stored is None else stored.state
    seq = 0 if stored is None else stored.seq + 1
    start = 0 if stored is None else stored.next_ordinal
    events, moved_events, start = _ordinals(
        state.events, {} if stored is None else stored.events, start
    )
    marks, moved_marks, start = _ordinals(
        state.reports, {} if stored is None else stored.marks, start
    )
    prints, moved_prints, start = _ordinals(
        state.prints, {} if stored is None else stored.prints, start
    )
    ordinals = (events, marks, prints)
    reports_after = state.reports.keys() | state.prints.keys()
    reports_before = before.reports.keys() | before.prints.keys()
    touched = (
        _changed(state.reports, before.reports)
        | _changed(state.prints, before.prints)
        | moved_marks
        | moved_prints
        # a report that kept its mark but lost its fingerprint (expired), or the other way
        | ((before.prints.keys() - state.prints.keys()) & reports_after)
        | ((before.reports.keys() - state.reports.keys()) & reports_after)
    )
    change = _record(
        seq,
        state,
        ordinals=ordinals,
        event_ids=sorted(_changed(state.events, before.events) | moved_events),
        removed_events=sorted(before.events.keys() - state.events.keys()),
        report_ids=sorted(touched),
        removed_reports=sorted(reports_before - reports_after),
        before=before.events,
    )
    cell = state.cell
    if (
        stored is not None
        and stored.snapshot_bytes >= 0
        and stored.change_bytes + len(change) <= max(stored.snapshot_bytes, MIN_SNAPSHOT_BYTES)
    ):
        key = change_key(cell, seq)
        after = Stored(
            state,
            events,
            marks,
            prints,
            start,
            seq,
            (*stored.changes, key),
            stored.change_bytes + len(change),
            stored.snapshot_bytes,
            stored.legacy,
        )
        writes: list[Write] = [(key, change)]
    else:
        every_report = [*state.reports, *(r for r in state.prints if r not in state.reports)]
        snapshot = _record(
            seq,
            state,
            ordinals=ordinals,
            event_ids=list(state.events),
            removed_events=[],
            report_ids=every_report,
            removed_reports=[],
        )
        writes = [(snapshot_key(cell), snapshot)]
        writes.extend((key, None) for key in (() if stored is None else stored.changes))
        if stored is not None and stored.legacy:
            writes.append((cell.encode(), None))
        after = Stored(state, events, marks, prints, start, seq, (), 0, len(snapshot))
    return after, writes


def restore(cell: str, records: Iterable[tuple[bytes, bytes]]) -> Stored:
    """The cell's state from its changelog records (``key, value`` pairs of this cell, in any
    order). Raises ``RecordError`` for a record in neither format."""
    legacy: bytes | None = None
    snapshot: tuple[int, list[Any]] | None = None
    snapshot_bytes = -1
    changes: list[tuple[int, bytes, list[Any], int]] = []
    for key, value in records:
        if SEPARATOR not in key:
            legacy = value
            continue
        kind = key.split(SEPARATOR, 1)[1][:1]
        if kind not in (SNAPSHOT, CHANGE):
            raise RecordError(f"cell state record {key!r}: unknown kind {kind!r}")
        if not value.startswith(PART_FORMAT):
            raise RecordError(
                f"cell state record {key!r}: unknown format byte {value[:1]!r}; this build "
                "reads formats 1 and 2 (a newer writer needs a newer sitrep)"
            )
        try:
            row = loads(value[1:])
            seq = int(row[0])
        except (ValueError, TypeError, IndexError, KeyError) as exc:
            raise RecordError(f"cell state record {key!r}: corrupt ({exc})") from None
        if kind == SNAPSHOT:
            snapshot, snapshot_bytes = (seq, row), len(value)
        else:
            changes.append((seq, key, row, len(value)))
    if snapshot is None and legacy is not None:  # written by an older sitrep
        return _from_legacy(CellState.from_bytes(legacy))
    since = -1 if snapshot is None else snapshot[0]
    changes.sort(key=_first)
    newer = [row for seq, _, row, _ in changes if seq > since]
    load = Loader()
    event_rows: dict[str, tuple[int, Any]] = {}
    report_rows: dict[str, list[Any]] = {}
    try:
        for row in ([] if snapshot is None else [snapshot[1]]) + newer:
            _, events, removed_events, reports, removed_reports = row
            for entry in events:
                _apply_event(event_rows, entry)
            for event_id in removed_events:
                event_rows.pop(event_id, None)
            for report in reports:
                report_rows[report[0]] = report
            for report_id in removed_reports:
                report_rows.pop(report_id, None)
        built_events = sorted(
            ((ordinal, load.event(event)) for ordinal, event in event_rows.values()),
            key=_first,
        )
        marks: list[tuple[int, str, ReportMark]] = []
        prints: list[tuple[int, str, TextPrint]] = []
        for report_id, mark_at, mark, print_at, text in report_rows.values():
            rid = load.s(report_id)
            if mark is not None:
                version, deleted, activity = mark
                marks.append((int(mark_at), rid, ReportMark(int(version), bool(deleted), activity)))
            if text is not None:
                fingerprint, exact, voice, activity = text
                prints.append(
                    (
                        int(print_at),
                        rid,
                        TextPrint(int(fingerprint, 16), bool(exact), load.s(voice), activity),
                    )
                )
    except RecordError:
        raise
    except (ValueError, TypeError, IndexError, KeyError) as exc:
        raise RecordError(f"cell state of {cell!r}: corrupt ({exc})") from None
    marks.sort(key=_first)
    prints.sort(key=_first)
    state = CellState(
        cell,
        {event.event_id: event for _, event in built_events},
        {rid: mark for _, rid, mark in marks},
        {rid: text for _, rid, text in prints},
    )
    ordinals = [n for n, _ in built_events] + [n for n, _, _ in (*marks, *prints)]
    return Stored(
        state,
        {event.event_id: n for n, event in built_events},
        {rid: n for n, rid, _ in marks},
        {rid: n for n, rid, _ in prints},
        1 + max(ordinals, default=-1),
        max([since, *(seq for seq, _, _, _ in changes)]),
        tuple(key for _, key, _, _ in changes),
        sum(size for seq, _, _, size in changes if seq > since),
        snapshot_bytes,
        legacy is not None,
    )


def _apply_event(rows: dict[str, tuple[int, Any]], entry: list[Any]) -> None:
    """One event entry of a record onto the events read so far (``rows``: id -> ordinal and
    the event in format 1)."""
    if len(entry) == 2:
        ordinal, event = entry
    else:  # the event's first ``kept`` members as before, then these
        ordinal, event_id, version, digest, ever, kept, members = entry
        previous = rows[event_id][1][4]
        if kept > len(previous):
            raise ValueError(f"event {event_id}: {kept} members kept of {len(previous)}")
        event = [event_id, version, digest, ever, previous[:kept] + members]
    rows[event[0]] = (int(ordinal), event)


def _from_legacy(state: CellState) -> Stored:
    """A format-1 state, numbered in its order; the next write is a snapshot that deletes it."""
    n = len(state.events)
    m = n + len(state.reports)
    return Stored(
        state,
        {event_id: i for i, event_id in enumerate(state.events)},
        {rid: n + i for i, rid in enumerate(state.reports)},
        {rid: m + i for i, rid in enumerate(state.prints)},
        m + len(state.prints),
        -1,
        legacy=True,
    )


def _first(entry: tuple[Any, ...]) -> Any:
    return entry[0]

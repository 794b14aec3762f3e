"""The normalize step's pure core: a raw item in, its report and the cells it goes to out.

:class:`Router` decodes a raw item, looks its source up, builds the report (understanding)
and says which place cells its candidates go to. An edited or deleted report must also reach
the cells where its earlier version was merged, so the router keeps :class:`ReportCells`:
report id -> the cells of its current version, per raw partition (a report's versions come
from one source, so from one raw partition), dropped one cluster window after the report's
publication time (event time: the newest publication seen on that partition).

Candidates travel grouped: :func:`group_candidates` packs the reports a batch sends to one
cell into one record (a JSON array, in order), because the cluster step's framework costs
more per record than the merge itself; :func:`split_candidates` unpacks one (a single report
object, as older versions wrote, is read too).

Each element is a report in its *candidate form* (:func:`candidate_form`): what the cluster
step reads of it, and the fingerprint of its text instead of the text::

    {"print": "<32 hex digits>", "short": false,
     "report": {...the report: text "", no provenance, candidates without evidence}}

The cluster step needs a report's text only for its fingerprint, and neither the provenance
nor the candidates' evidence snippets (the sentences they were found in) at all: the candidate
form is the report's record without them (1,765 -> 1,197 bytes per report on the benchmark
corpus, whose texts are short; a wire story's text can be tens of KB). The fingerprint is
computed once per report here rather than once per cell there, and the cluster step's
read-ahead of candidates records holds less. ``print`` and ``short`` are left out when the report has no
candidates (a deletion). Elements written before this form (the whole report, with its text)
are still read: their fingerprint is computed from the text.

The index is in memory and written through a compacted changelog (one record per report id,
a tombstone when it is dropped): :meth:`ReportCells.update` returns the changelog records and
:meth:`ReportCells.restore` takes them back after a restart or a rebalance. The shell
(:mod:`sitrep.stream.normalizer`) does the I/O.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import NamedTuple

import orjson

from sitrep.dedupe import copies, report_cells
from sitrep.dedupe.cluster import kept_candidate
from sitrep.normalize import build_report
from sitrep.records.codec import RecordError, decode_raw_item, decode_report, encode
from sitrep.records.model import Report
from sitrep.records.times import parse_iso
from sitrep.sources import SourceRegistry
from sitrep.understand import Understander

# a changelog record: (key, value); value None deletes the key (a tombstone)
ChangelogRecord = tuple[bytes, bytes | None]
# a grouped candidates record stays below this (a larger report travels alone)
GROUP_BYTES = 1024 * 1024


@dataclass(frozen=True, slots=True)
class _Entry:
    cells: tuple[str, ...]
    published: float  # seconds since the epoch


@dataclass
class ReportCells:
    """Where each live report's candidates went, bounded by event time per raw partition.

    ``window_seconds``: an entry is dropped once its partition has seen a report published
    that much later (the cluster step expires the report's events by then too)."""

    window_seconds: float
    _entries: dict[bytes, _Entry] = field(default_factory=dict)
    _partition_of: dict[bytes, int] = field(default_factory=dict)
    # per partition: (published, key) min-heap; a key may be in it more than once (an edit
    # pushes it again): each pop is checked against the entry's current time
    _heaps: dict[int, list[tuple[float, bytes]]] = field(default_factory=dict)
    _newest: dict[int, float] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self._entries)

    def previous(self, key: bytes) -> tuple[str, ...]:
        """The cells the report's last version went to (empty for a report not seen)."""
        entry = self._entries.get(key)
        return () if entry is None else entry.cells

    def update(
        self, key: bytes, cells: Iterable[str], published: float, partition: int
    ) -> list[ChangelogRecord]:
        """Record the cells of a report's new version (none: deleted, or no candidates) and
        drop the entries of ``partition`` that fell out of the window; returns the changelog
        records for both."""
        out: list[ChangelogRecord] = []
        cells = tuple(cells)
        if cells:
            self._set(key, _Entry(cells, published), partition)
            out.append((key, _encode(cells, published, partition)))
        elif self._entries.pop(key, None) is not None:
            self._partition_of.pop(key, None)
            out.append((key, None))
        out.extend((stale, None) for stale in self._expire(partition, published))
        return out

    def restore(self, key: bytes, value: bytes | None, partition: int) -> None:
        """Apply one changelog record (in changelog order) of ``partition``."""
        if value is None:
            self._entries.pop(key, None)
            self._partition_of.pop(key, None)
            return
        decoded = orjson.loads(value)
        self._set(key, _Entry(tuple(decoded["c"]), float(decoded["t"])), partition)

    def keep_only(self, partitions: Iterable[int]) -> None:
        """Forget every partition but ``partitions`` (those revoked from this worker)."""
        keep = set(partitions)
        for key, partition in list(self._partition_of.items()):
            if partition not in keep:
                del self._partition_of[key]
                self._entries.pop(key, None)
        for partition in list(self._heaps):
            if partition not in keep:
                del self._heaps[partition]
                self._newest.pop(partition, None)

    def _set(self, key: bytes, entry: _Entry, partition: int) -> None:
        self._entries[key] = entry
        self._partition_of[key] = partition
        heapq.heappush(self._heaps.setdefault(partition, []), (entry.published, key))

    def _expire(self, partition: int, published: float) -> list[bytes]:
        newest = max(self._newest.get(partition, published), published)
        self._newest[partition] = newest
        horizon = newest - self.window_seconds
        heap = self._heaps.get(partition, [])
        gone: dict[bytes, None] = {}
        while heap and heap[0][0] < horizon:
            _, key = heapq.heappop(heap)
            entry = self._entries.get(key)
            if entry is not None and entry.published < horizon:
                del self._entries[key]
                del self._partition_of[key]
                gone[key] = None
        return list(gone)


def _encode(cells: tuple[str, ...], published: float, partition: int) -> bytes:
    # the format of the faust table this index replaced, so that its changelog carries over
    return orjson.dumps({"c": cells, "t": published, "p": partition})


@dataclass(frozen=True, slots=True)
class Routed:
    """One raw item, processed: the report (key and encoded value, for the reports topic; its
    candidate form for every cell it goes to), the cells it goes to, its publication time and
    the index's changelog records."""

    report: Report
    key: bytes
    value: bytes
    candidate: bytes
    cells: tuple[str, ...]
    published: float
    changelog: list[ChangelogRecord]


class Router:
    """Raw item bytes -> :class:`Routed`. Raises
    :class:`~sitrep.records.codec.RecordError` for input that is not a valid raw item; any
    other exception is a failure of understanding (the shell dead-letters both)."""

    def __init__(
        self, registry: SourceRegistry, understander: Understander, window_seconds: float
    ) -> None:
        self.registry = registry
        self.understander = understander
        self.index = ReportCells(window_seconds)

    def decode(self, value: bytes, now: datetime) -> Report:
        """The report of one raw item (decode, source lookup, understanding)."""
        raw = decode_raw_item(value)
        source = self.registry.lookup(
            raw.source_kind, raw.source_id, raw.provenance.channel_username
        )
        return build_report(raw, source, self.understander, now)

    def route(self, report: Report, partition: int) -> Routed:
        """Where ``report`` (read from raw ``partition``) goes; updates the index."""
        key = report.report_id.encode()
        targets = report_cells(report, self.index.previous(key))
        own = report_cells(report) if not report.deleted else ()
        published = parse_iso(report.published_at or report.collected_at).timestamp()
        value = encode(report)
        candidate = candidate_form(report) if targets else b""
        # last: whatever raised above left the index as it was
        changelog = self.index.update(key, own, published, partition)
        return Routed(report, key, value, candidate, targets, published, changelog)


# every field of a report but its provenance (left out: the default); its text is blanked and
# its candidates lose their evidence snippets
_KEPT_FIELDS = tuple(f.name for f in fields(Report) if f.name not in ("text", "provenance"))


def candidate_form(report: Report) -> bytes:
    """``report`` as the cluster step gets it (see the module's docstring): without its text,
    its provenance and its candidates' evidence, with its text's fingerprint."""
    text_print = (
        None
        if report.deleted or not report.candidates
        else copies.fingerprint_and_kind(report.text)
    )
    slim = {name: getattr(report, name) for name in _KEPT_FIELDS}
    slim["text"] = ""
    slim["candidates"] = [kept_candidate(c) for c in report.candidates]
    return _element(encode(slim), text_print)


def encode_part(report: Report, text_print: tuple[int, bool] | None) -> bytes:
    """One element of a candidates record: ``report`` (whole) and its text's print (the dead
    letter of a report the cluster step failed on)."""
    return _element(encode(report), text_print)


def _element(report: bytes, text_print: tuple[int, bool] | None) -> bytes:
    if text_print is None:
        return b'{"report":' + report + b"}"
    fingerprint, short = text_print
    return b'{"print":"%032x","short":%s,"report":%s}' % (
        fingerprint,
        b"true" if short else b"false",
        report,
    )


def group_candidates(routed: Iterable[Routed]) -> list[tuple[str, bytes]]:
    """One candidates record per cell (``(cell, value)``), each the JSON array of the reports
    sent to that cell, in the order given; a cell gets more than one record when its reports
    exceed :data:`GROUP_BYTES`. Cells come out in the order they were first reached."""
    pending: dict[str, list[bytes]] = {}
    sizes: dict[str, int] = {}
    out: list[tuple[str, bytes]] = []
    for item in routed:
        for cell in item.cells:
            values = pending.setdefault(cell, [])
            if values and sizes[cell] + len(item.candidate) > GROUP_BYTES:
                out.append((cell, _array(values)))
                values.clear()
                sizes[cell] = 0
            values.append(item.candidate)
            sizes[cell] = sizes.get(cell, 0) + len(item.candidate) + 1
    out.extend((cell, _array(values)) for cell, values in pending.items() if values)
    return out


def _array(values: list[bytes]) -> bytes:
    return b"[" + b",".join(values) + b"]"


class Part(NamedTuple):
    """One report of a candidates record: the report, or why it cannot be decoded (then
    ``raw`` holds its own bytes, for the dead letter; empty for a good report), and its text's
    fingerprint ``(fingerprint, short)`` when the record carries it."""

    raw: bytes
    report: Report | RecordError
    text_print: tuple[int, bool] | None = None


def split_candidates(value: bytes) -> list[Part]:
    """The reports of one candidates record, each decoded or with why it cannot be. Raises
    :class:`RecordError` when the value is not JSON at all, or neither a report nor an array of
    reports."""
    try:
        parsed = orjson.loads(value)
    except orjson.JSONDecodeError as exc:
        raise RecordError(f"candidates record is not JSON: {exc}") from None
    if isinstance(parsed, dict):
        report, text_print = _decoded(parsed)
        return [Part(b"" if isinstance(report, Report) else value, report, text_print)]
    if not isinstance(parsed, list):
        raise RecordError(
            f"candidates record: expected a report or an array of reports, got {type(parsed).__name__}"
        )
    out: list[Part] = []
    for obj in parsed:
        report, text_print = _decoded(obj)
        raw = orjson.dumps(obj) if isinstance(report, RecordError) else b""
        out.append(Part(raw, report, text_print))
    return out


_CANDIDATE_KEYS = frozenset({"report", "print", "short"})
_HEX32 = re.compile("[0-9a-f]{32}")


def _decoded(obj: object) -> tuple[Report | RecordError, tuple[int, bool] | None]:
    if not isinstance(obj, dict):
        return RecordError(
            f"candidates record: expected a report object, got {type(obj).__name__}"
        ), None
    if "report" not in obj:  # a whole report, as versions before the candidate form wrote
        try:
            return decode_report(obj), None
        except RecordError as exc:
            return exc, None
    try:
        text_print = _text_print(obj)
        report = decode_report(obj["report"])
    except RecordError as exc:
        return exc, None
    if text_print is None and report.candidates and not report.deleted:
        return RecordError("candidate: a report with candidates needs its text's print"), None
    return report, text_print


def _text_print(obj: dict[str, object]) -> tuple[int, bool] | None:
    unknown = obj.keys() - _CANDIDATE_KEYS
    if unknown:
        raise RecordError(f"candidate: unknown field(s) {sorted(unknown)}")
    fingerprint, short = obj.get("print"), obj.get("short")
    if fingerprint is None and short is None:
        return None
    if not (
        isinstance(fingerprint, str) and _HEX32.fullmatch(fingerprint) and isinstance(short, bool)
    ):
        raise RecordError("candidate: print must be 32 hex digits and short true or false")
    return int(fingerprint, 16), short

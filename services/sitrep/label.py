"""``sitrep label [FILE]``: code reports as the processor does and say which ones it would merge.

Input: JSON lines (a file, or standard input when FILE is absent or ``-``). Each line is either
a raw item record (``"schema": {"name": "sitrep.raw_item", ...}``, as the collectors produce) or
a plain object ``{"id", "text", "source"?, "source_role"?, "published_at"?, "lang"?}``, which
may also say ``"source_kind"`` (``wire``, the default, or ``telegram``) and ``"source_side"``;
other keys (a dataset's ``group``, ``gold``...) are ignored. A plain line becomes a raw item of
source ``source`` (default ``label``) and goes the same way as a collected one; the role and side
given on the line override the sources file's.

Output: one JSON line per input line, in input order::

    {"id", "language", "events": [{"event_type", "sub_event_type",
      "location": {"name", "geonames_id", "admin1", "country", "latitude", "longitude",
                   "geo_precision"} | null,
      "actors": [{"name", "inter"}], "fatalities", "occurred_on", "claim_status",
      "event_id"}]}

``events`` is empty for a non-event. ``claim_status`` is what this report says (its candidate's
status); ``event_id`` is the event the processor merges the candidate into, so reports it would
merge share an ``event_id``. Every line runs :func:`sitrep.normalize.build_report` (source
registry from ``SITREP_SOURCES_FILE``, the default understander) and
:class:`sitrep.dedupe.EventLedger` (the stream's ``merge_report``), in input order.

A line that cannot be read yields ``{"id": <id or null>, "error": "line N: ..."}``; the other
lines are still labelled and the exit code is 1.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path
from typing import Any, TextIO

from sitrep.cli import UsageError
from sitrep.dedupe import EventLedger
from sitrep.normalize import build_report
from sitrep.ops.settings import Settings
from sitrep.records.codec import RecordError, decode_raw_item, encode, loads
from sitrep.records.model import (
    RAW_ITEM_SCHEMA,
    SOURCE_KINDS,
    SOURCE_ROLES,
    EventCandidate,
    RawItem,
    Report,
    SourceKind,
)
from sitrep.records.times import parse_iso, to_iso, utc_now
from sitrep.sources import Source, SourceRegistry, SourcesError
from sitrep.understand import Understander, default_understander

PLAIN_SOURCE = "label"


@dataclass(frozen=True, slots=True)
class Labelled:
    """One input line's outcome: the JSON line to write, and whether it was an error."""

    line: bytes
    error: bool = False


def _plain_item(obj: dict[str, Any], registry: SourceRegistry) -> tuple[RawItem, Source | None]:
    item_id = obj.get("id")
    text = obj.get("text")
    if not isinstance(item_id, str | int) or isinstance(item_id, bool) or str(item_id) == "":
        raise RecordError("'id' is required (a string or a number)")
    if not isinstance(text, str):
        raise RecordError("'text' is required (a string)")
    source_id = obj.get("source") or PLAIN_SOURCE
    if not isinstance(source_id, str):
        raise RecordError("'source' must be a string")
    kind: SourceKind = obj.get("source_kind") or "wire"
    if kind not in SOURCE_KINDS:
        raise RecordError(f"'source_kind' {kind!r} is not one of {list(SOURCE_KINDS)}")
    role = obj.get("source_role")
    if role is not None and role not in SOURCE_ROLES:
        raise RecordError(f"'source_role' {role!r} is not one of {list(SOURCE_ROLES)}")
    side = obj.get("source_side")
    if side is not None and not isinstance(side, str):
        raise RecordError("'source_side' must be a string")
    published = obj.get("published_at")
    if published is not None:
        if not isinstance(published, str):
            raise RecordError("'published_at' must be an ISO time string")
        try:
            published = to_iso(parse_iso(published))
        except ValueError:
            raise RecordError(f"'published_at' {published!r} is not an ISO time") from None
    lang = obj.get("lang")
    if lang is not None and not isinstance(lang, str):
        raise RecordError("'lang' must be a string")
    native_id = str(item_id)
    raw = RawItem(
        item_id=f"{kind}:{source_id}:{native_id}",
        source_kind=kind,
        source_id=source_id,
        native_id=native_id,
        text=text,
        collected_at=published or to_iso(utc_now()),
        published_at=published,
        lang=lang,
    )
    source = registry.lookup(kind, source_id)
    if role is not None or side is not None:
        base = source or Source(id=source_id, kind=kind)
        source = replace(
            base,
            role=role if role is not None else base.role,
            side=side if side is not None else base.side,
        )
    return raw, source


def _event_json(candidate: EventCandidate, event_id: str | None) -> dict[str, Any]:
    loc = candidate.location
    return {
        "event_type": candidate.event_type,
        "sub_event_type": candidate.sub_event_type,
        "location": None
        if loc is None
        else {
            "name": loc.name,
            "geonames_id": loc.geonames_id,
            "admin1": loc.admin1,
            "country": loc.country,
            "latitude": loc.latitude,
            "longitude": loc.longitude,
            "geo_precision": loc.geo_precision,
        },
        "actors": [{"name": a.name, "inter": a.inter} for a in candidate.actors],
        "fatalities": candidate.fatalities,
        "occurred_on": candidate.occurred_on,
        "claim_status": candidate.claim_status,
        "event_id": event_id,
    }


class Labeller:
    """Labels lines one by one, keeping the merge state between them (input order matters)."""

    def __init__(
        self,
        registry: SourceRegistry,
        understander: Understander,
        window: timedelta | None = None,
    ) -> None:
        self.registry = registry
        self.understander = understander
        self.ledger = EventLedger(window)

    def report_of(self, obj: Any) -> Report:
        """The report of one parsed input line; raises ``RecordError`` for an unreadable one."""
        if not isinstance(obj, dict):
            raise RecordError("expected a JSON object")
        schema = obj.get("schema")
        if isinstance(schema, dict) and schema.get("name") == RAW_ITEM_SCHEMA:
            raw = decode_raw_item(obj)
            source = self.registry.lookup(
                raw.source_kind, raw.source_id, raw.provenance.channel_username
            )
        else:
            raw, source = _plain_item(obj, self.registry)
        try:
            return build_report(raw, source, self.understander, utc_now())
        except ValueError as exc:
            raise RecordError(str(exc)) from None

    def label(self, report: Report, line_id: str) -> dict[str, Any]:
        """Merge ``report`` like the processor and describe it as one output object."""
        now = utc_now()
        self.ledger.add(report, now)
        return {
            "id": line_id,
            "language": report.language,
            "events": [
                _event_json(c, self.ledger.event_of(report, c.candidate_id))
                for c in report.candidates
            ],
        }

    def label_lines(self, lines: Iterable[str | bytes]) -> Iterator[Labelled]:
        """One :class:`Labelled` per input line (blank lines are skipped)."""
        for number, text in enumerate(lines, start=1):
            if not text.strip():
                continue
            line_id: Any = None
            try:
                obj = loads(text)
                if isinstance(obj, dict):
                    line_id = obj.get("item_id") if "schema" in obj else obj.get("id")
                report = self.report_of(obj)
            except RecordError as exc:
                yield Labelled(
                    encode({"id": line_id, "error": f"line {number}: {exc}"}), error=True
                )
                continue
            out_id = report.report_id if line_id is None else str(line_id)
            yield Labelled(encode(self.label(report, out_id)))


def _open(path: str | None) -> TextIO:
    if path is None or path == "-":
        return sys.stdin
    try:
        return Path(path).open(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot read {path!r}: {exc.strerror}") from None


def _label(args: argparse.Namespace, settings: Settings) -> int:
    try:
        registry = SourceRegistry.load(settings.sources_file)
    except SourcesError as exc:
        raise UsageError(str(exc)) from None
    labeller = Labeller(
        registry, default_understander(), timedelta(hours=settings.cluster_window_hours)
    )
    failed = 0
    source = _open(args.file)
    try:
        out = sys.stdout.buffer
        for labelled in labeller.label_lines(source):
            out.write(labelled.line + b"\n")
            failed += labelled.error
        out.flush()
    finally:
        if source is not sys.stdin:
            source.close()
    if failed:
        print(
            f"sitrep label: {failed} line(s) could not be read (see their 'error')", file=sys.stderr
        )
    return 1 if failed else 0


def register(commands: Any) -> None:
    """Registers ``sitrep label``."""
    parser = commands.add(
        "label",
        _label,
        help="code JSONL reports like the processor and show which ones it merges",
        description=__doc__.split("\n\n", 1)[0] if __doc__ else None,
    )
    parser.add_argument("file", nargs="?", metavar="FILE", help="JSON lines (default: stdin)")

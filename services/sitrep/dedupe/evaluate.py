"""Score same-event merging on a labelled set: ``python -m sitrep.dedupe.evaluate [FILE]``.

FILE (default ``eval/dev.jsonl``) holds ``sitrep label`` input lines with two more keys:
``group`` — the id of the real-world event the line reports (``null`` for a non-event), and
``gold`` — its hand coding (``{"events": [...]}`` in ``sitrep label``'s output shape, or the
list itself). Lines are labelled in file order by the very code ``sitrep label`` runs (source
registry from ``SITREP_SOURCES_FILE``), and each line's predicted cluster is the ``event_id`` of
its first (most salient) event; a line with no predicted event is a cluster of its own.

Over the lines that have a group:

- *pairwise* precision, recall and F1: a pair of lines is predicted together when they share an
  ``event_id`` and truly together when they share a ``group``;
- *B-cubed* precision, recall and F1 (per line, then averaged), which weigh large and small
  events alike;
- *near-misses*: pairs of lines in different groups that a careless merger would join — marked
  in the file (``near_miss_of``: a group id or a list of them) or else found from the gold
  coding as ``eval/README.md`` describes them: the same place (GeoNames id, else name) within a
  month — another event type, or the same type days apart — or the same sub-event type in the
  same first-level division within a day — another town (dates by ``occurred_on``, else the
  publication date). The report says how many of them were wrongly merged.

Two runs are reported: ``end_to_end`` (the understander codes each text, as in production) and
``gold_coding`` (the gold events stand in for the understander, measuring the merge rules
alone). The exit code is 1 when the end-to-end pairwise F1 is below :data:`TARGET_F1`, 2 when
the file cannot be read.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import UTC, date, datetime
from itertools import combinations
from pathlib import Path
from typing import Any, Final

from sitrep.label import Labeller
from sitrep.ops.settings import Settings, SettingsError
from sitrep.records.codec import RecordError, encode, loads
from sitrep.records.model import Actor, EventCandidate, Location, Report
from sitrep.sources import SourceRegistry, SourcesError
from sitrep.understand import default_understander

TARGET_F1: Final = 0.85
DEFAULT_FILE: Final = "eval/dev.jsonl"


@dataclass(frozen=True, slots=True)
class Scores:
    precision: float
    recall: float
    f1: float

    @classmethod
    def of(cls, precision: float, recall: float) -> Scores:
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return cls(round(precision, 4), round(recall, 4), round(f1, 4))


@dataclass(frozen=True, slots=True)
class Evaluation:
    """The scores of one run over the lines that have a group."""

    lines: int
    groups: int
    true_pairs: int
    predicted_pairs: int
    pairwise: Scores
    bcubed: Scores
    near_miss_pairs: int
    near_misses_merged: int
    wrong_pairs: tuple[tuple[str, str], ...] = ()
    missed_pairs: tuple[tuple[str, str], ...] = ()


def _pairs(clusters: Mapping[str, str]) -> set[tuple[str, str]]:
    members: dict[str, list[str]] = {}
    for item, cluster in clusters.items():
        members.setdefault(cluster, []).append(item)
    return {
        (a, b) if a < b else (b, a) for group in members.values() for a, b in combinations(group, 2)
    }


def pairwise(predicted: Mapping[str, str], gold: Mapping[str, str]) -> Scores:
    """Pairwise precision/recall/F1 of ``predicted`` against ``gold`` (item -> cluster), over
    the items of ``gold``. No predicted pair counts as precision 1; no true pair as recall 1."""
    items = gold.keys()
    predicted_pairs = _pairs({i: predicted[i] for i in items})
    true_pairs = _pairs(gold)
    both = len(predicted_pairs & true_pairs)
    precision = both / len(predicted_pairs) if predicted_pairs else 1.0
    recall = both / len(true_pairs) if true_pairs else 1.0
    return Scores.of(precision, recall)


def bcubed(predicted: Mapping[str, str], gold: Mapping[str, str]) -> Scores:
    """B-cubed precision/recall/F1 over the items of ``gold``."""
    items = list(gold)
    by_predicted: dict[str, set[str]] = {}
    by_gold: dict[str, set[str]] = {}
    for item in items:
        by_predicted.setdefault(predicted[item], set()).add(item)
        by_gold.setdefault(gold[item], set()).add(item)
    if not items:
        return Scores.of(1.0, 1.0)
    precision = recall = 0.0
    for item in items:
        mine = by_predicted[predicted[item]]
        truth = by_gold[gold[item]]
        common = len(mine & truth)
        precision += common / len(mine)
        recall += common / len(truth)
    return Scores.of(precision / len(items), recall / len(items))


def score(
    predicted: Mapping[str, str],
    gold: Mapping[str, str],
    near_miss_pairs: Iterable[tuple[str, str]],
) -> Evaluation:
    """All scores of one run; ``near_miss_pairs`` are pairs of items in different groups."""
    near = {(a, b) if a < b else (b, a) for a, b in near_miss_pairs}
    merged = sum(1 for a, b in near if predicted[a] == predicted[b])
    true_pairs = _pairs(gold)
    predicted_pairs = _pairs({i: predicted[i] for i in gold})
    return Evaluation(
        lines=len(gold),
        groups=len(set(gold.values())),
        true_pairs=len(true_pairs),
        predicted_pairs=len(predicted_pairs),
        pairwise=pairwise(predicted, gold),
        bcubed=bcubed(predicted, gold),
        near_miss_pairs=len(near),
        near_misses_merged=merged,
        wrong_pairs=tuple(sorted(predicted_pairs - true_pairs)),
        missed_pairs=tuple(sorted(true_pairs - predicted_pairs)),
    )


# --- the labelled file ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Line:
    """One line of the labelled file."""

    key: str
    obj: dict[str, Any]
    group: str | None
    gold_events: tuple[dict[str, Any], ...]
    near_miss_of: tuple[str, ...]


def _line(number: int, text: bytes) -> Line:
    obj = loads(text)
    if not isinstance(obj, dict):
        raise RecordError("expected a JSON object")
    key = obj.get("id", obj.get("item_id"))
    if key is None:
        raise RecordError("'id' is required")
    group = obj.get("group")
    gold = obj.get("gold") or {}
    events = gold.get("events", []) if isinstance(gold, dict) else gold
    if not isinstance(events, list) or not all(isinstance(e, dict) for e in events):
        raise RecordError("'gold' must hold a list of events")
    near = obj.get("near_miss_of") or ()
    near = (near,) if isinstance(near, str | int) else tuple(near)
    return Line(
        key=f"{number}:{key}",
        obj=obj,
        group=None if group is None else str(group),
        gold_events=tuple(events),
        near_miss_of=tuple(str(g) for g in near),
    )


def read_lines(path: Path) -> list[Line]:
    """Parse the labelled file; raises ``RecordError`` naming the line for a malformed one."""
    lines: list[Line] = []
    for number, text in enumerate(path.read_bytes().splitlines(), start=1):
        if not text.strip():
            continue
        try:
            lines.append(_line(number, text))
        except RecordError as exc:
            raise RecordError(f"{path}:{number}: {exc}") from None
    return lines


def _place_of(event: Mapping[str, Any]) -> tuple[Any, ...] | None:
    loc = event.get("location")
    if not isinstance(loc, dict):
        return None
    if loc.get("geonames_id") is not None:
        return ("id", loc["geonames_id"])
    name = loc.get("name")
    return ("name", str(name).casefold()) if name else None


def _day_of(line: Line) -> int | None:
    """The day of a line's first gold event: its ``occurred_on``, else the publication date."""
    when = line.gold_events[0].get("occurred_on") or line.obj.get("published_at") or ""
    try:
        return date.fromisoformat(str(when)[:10]).toordinal()
    except ValueError:
        return None


NEAR_MISS_SAME_PLACE_DAYS: Final = 31
NEAR_MISS_SAME_TYPE_DAYS: Final = 1


def _is_near_miss(a: Line, b: Line) -> bool:
    """Different groups whose first gold events a careless merger would join: the same place
    within a month (another event type, or the same type days apart), or the same sub-event
    type in the same first-level division within a day (another town)."""
    first_a, first_b = a.gold_events[0], b.gold_events[0]
    day_a, day_b = _day_of(a), _day_of(b)
    if day_a is None or day_b is None:
        return False
    gap = abs(day_a - day_b)
    place_a = _place_of(first_a)
    if place_a is not None and place_a == _place_of(first_b):
        return gap <= NEAR_MISS_SAME_PLACE_DAYS
    admin_a = (first_a.get("location") or {}).get("admin1")
    admin_b = (first_b.get("location") or {}).get("admin1")
    return (
        admin_a is not None
        and admin_a == admin_b
        and first_a.get("sub_event_type") == first_b.get("sub_event_type")
        and gap <= NEAR_MISS_SAME_TYPE_DAYS
    )


def near_miss_pairs(lines: Sequence[Line]) -> list[tuple[str, str]]:
    """Marked near-miss pairs when the file marks any, else the pairs of lines of different
    groups that :func:`_is_near_miss` finds from the gold coding."""
    grouped = [line for line in lines if line.group is not None]
    if any(line.near_miss_of for line in grouped):
        by_group: dict[str, list[str]] = {}
        for line in grouped:
            by_group.setdefault(line.group or "", []).append(line.key)
        return [
            (line.key, other)
            for line in grouped
            for group in line.near_miss_of
            if group != line.group
            for other in by_group.get(group, ())
        ]
    return [
        (a.key, b.key)
        for a, b in combinations(grouped, 2)
        if a.group != b.group and a.gold_events and b.gold_events and _is_near_miss(a, b)
    ]


def _gold_actor(actor: Any) -> Actor | None:
    if isinstance(actor, str):
        return Actor(actor, 0)
    if isinstance(actor, dict) and actor.get("name"):
        return Actor(str(actor["name"]), int(actor.get("inter") or 0))
    return None


def _gold_location(loc: Any) -> Location | None:
    if not isinstance(loc, dict) or not loc.get("name"):
        return None
    return Location(
        name=str(loc["name"]),
        country=str(loc.get("country") or ""),
        latitude=float(loc.get("latitude") or 0.0),
        longitude=float(loc.get("longitude") or 0.0),
        geo_precision=int(loc.get("geo_precision") or 1),
        geonames_id=loc.get("geonames_id"),
        admin1=loc.get("admin1"),
        country_code=loc.get("country_code"),
    )


def gold_candidates(report: Report, events: Sequence[Mapping[str, Any]]) -> Report:
    """``report`` with its candidates replaced by the gold events (for the ``gold_coding`` run).

    Gold events may leave out what the hand coder did not record: actors may be plain names
    (``inter`` 0), ``occurred_on`` defaults to the publication date, precisions to 1 (exact),
    ``claim_status`` to ``reported``; ``stance: "deny"`` marks a denial."""
    candidates = []
    for n, event in enumerate(events):
        actors = (_gold_actor(a) for a in event.get("actors") or ())
        candidates.append(
            EventCandidate(
                candidate_id=f"{report.report_id}#{n}",
                event_type=str(event.get("event_type", "")),
                sub_event_type=str(event.get("sub_event_type", "")),
                occurred_on=str(event.get("occurred_on") or report.published_at or "")[:10],
                time_precision=int(event.get("time_precision") or 1),
                location=_gold_location(event.get("location")),
                actors=tuple(a for a in actors if a is not None),
                fatalities=int(event.get("fatalities") or 0),
                claim_status=event.get("claim_status") or "reported",
                stance="deny" if event.get("stance") == "deny" else "affirm",
            )
        )
    return replace(report, candidates=tuple(candidates))


def run(lines: Sequence[Line], *, gold_coding: bool) -> dict[str, str]:
    """Label every line in order (``sitrep label``'s code); line key -> predicted cluster."""
    settings = Settings.from_env()
    labeller = Labeller(SourceRegistry.load(settings.sources_file), default_understander())
    now = datetime.now(UTC)
    clusters: dict[str, str] = {}
    for line in lines:
        report = labeller.report_of(line.obj)
        if gold_coding:
            report = gold_candidates(report, line.gold_events)
        labeller.ledger.add(report, now)
        first = report.candidates[0] if report.candidates else None
        event_id = None if first is None else labeller.ledger.event_of(report, first.candidate_id)
        clusters[line.key] = event_id or f"alone:{line.key}"
    return clusters


def evaluate(path: Path) -> dict[str, Evaluation]:
    """Both runs over the file at ``path`` (see the module docstring)."""
    lines = read_lines(path)
    gold = {line.key: line.group for line in lines if line.group is not None}
    near = near_miss_pairs(lines)
    return {
        name: score(run(lines, gold_coding=gold_coding), gold, near)
        for name, gold_coding in (("end_to_end", False), ("gold_coding", True))
    }


def _table(results: Mapping[str, Evaluation]) -> str:
    rows = [
        "run           lines groups pairs   P      R      F1     | B3 P   B3 R   B3 F1  | near-misses merged"
    ]
    for name, e in results.items():
        rows.append(
            f"{name:<13} {e.lines:>5} {e.groups:>6} {e.true_pairs:>5}   "
            f"{e.pairwise.precision:.3f}  {e.pairwise.recall:.3f}  {e.pairwise.f1:.3f}  | "
            f"{e.bcubed.precision:.3f}  {e.bcubed.recall:.3f}  {e.bcubed.f1:.3f}  | "
            f"{e.near_misses_merged}/{e.near_miss_pairs}"
        )
    return "\n".join(rows)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sitrep.dedupe.evaluate", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("file", nargs="?", default=DEFAULT_FILE, help="labelled JSON lines")
    parser.add_argument("--json", action="store_true", help="print the scores as JSON")
    parser.add_argument(
        "--errors", action="store_true", help="also list wrongly merged and missed pairs"
    )
    args = parser.parse_args(argv)
    path = Path(args.file)
    try:
        results = evaluate(path)
    except OSError as exc:
        print(f"sitrep.dedupe.evaluate: cannot read {str(path)!r}: {exc.strerror}", file=sys.stderr)
        return 2
    except (RecordError, SettingsError, SourcesError) as exc:
        print(f"sitrep.dedupe.evaluate: {exc}", file=sys.stderr)
        return 2
    if args.json:
        sys.stdout.buffer.write(encode({k: asdict(v) for k, v in results.items()}) + b"\n")
        sys.stdout.flush()
    else:
        print(_table(results))
    if args.errors:
        for name, e in results.items():
            print(f"{name}: wrongly merged {list(e.wrong_pairs)}")
            print(f"{name}: missed {list(e.missed_pairs)}")
    f1 = results["end_to_end"].pairwise.f1
    if f1 < TARGET_F1:
        print(f"same-event pairwise F1 {f1:.3f} is below the target {TARGET_F1}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

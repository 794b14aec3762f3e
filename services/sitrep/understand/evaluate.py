"""Score understanding on a labeled development set: ``python -m sitrep.understand.evaluate``.

Input: JSON lines (``eval/dev.jsonl``), one report each with ``gold.events`` (see
``eval/README.md``). Each report is understood with the same :func:`default_understander` the
stream processor uses; the source's role, side and name are passed, the labeled language is
not (detection is part of what is scored).

Within a report, gold events and predicted candidates are paired greedily by a score (same
event type 3, same sub-event type 1, location within 25 km 2, same admin1 0.5); a pair needs
the same event type or the same place. Then, overall and per language:

- **event F1** / **non-event F1** — does the report hold an event at all; the table's
  ``ev/non-ev F1`` is their mean;
- **type macro-F1** — per ACLED event type, over events (an unpaired prediction is a false
  positive of its type, an unpaired gold event a false negative), averaged over the types;
- **sub-type acc.** — gold events whose paired candidate has the gold sub-event type;
- **loc ≤25 km** and **admin1 acc.** — gold events with a location whose paired candidate is
  within 25 km / in the same admin1;
- **actor F1** — actor names, micro-averaged over pairs (unpaired events count in full);
- **fatal. exact** — gold events whose paired candidate has exactly the gold fatalities.

Targets (exit code 1 when one is missed): type macro-F1 ≥ 0.85, sub-type accuracy ≥ 0.75,
location within 25 km ≥ 0.85, and Arabic within 5 points of English on each of the three.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from sitrep.records.model import EventCandidate
from sitrep.records.times import parse_iso
from sitrep.understand.gazetteer import distance_km
from sitrep.understand.taxonomy import EVENT_TYPES
from sitrep.understand.understanding import ReportContext, Understander, default_understander

NEAR_KM: Final = 25.0
TARGETS: Final[dict[str, float]] = {"type_f1": 0.85, "sub_acc": 0.75, "loc_25km": 0.85}
MAX_ARABIC_GAP: Final = 0.05
COLUMNS: Final = (
    ("n", "reports"),
    ("detect_f1", "ev/non-ev F1"),
    ("type_f1", "type macro-F1"),
    ("sub_acc", "sub-type acc."),
    ("loc_25km", "loc ≤25 km"),
    ("admin1_acc", "admin1 acc."),
    ("actor_f1", "actor F1"),
    ("fatal_exact", "fatal. exact"),
)


@dataclass(slots=True)
class Tally:
    """Counts behind the scores of one slice (all reports, one language)."""

    reports: int = 0
    detect: dict[str, int] = field(default_factory=lambda: {"tp": 0, "fp": 0, "fn": 0, "tn": 0})
    types: dict[str, dict[str, int]] = field(default_factory=dict)
    gold_events: int = 0
    sub_correct: int = 0
    located: int = 0
    near: int = 0
    with_admin1: int = 0
    admin1_correct: int = 0
    actors: dict[str, int] = field(default_factory=lambda: {"tp": 0, "fp": 0, "fn": 0})
    fatal_correct: int = 0

    def type_count(self, event_type: str) -> dict[str, int]:
        return self.types.setdefault(event_type, {"tp": 0, "fp": 0, "fn": 0})

    def scores(self) -> dict[str, float]:
        d = self.detect
        event_f1 = _f1(d["tp"], d["fp"], d["fn"])
        non_event_f1 = _f1(d["tn"], d["fn"], d["fp"])
        present = [t for t in EVENT_TYPES if any(self.type_count(t).values())]
        type_f1 = sum(_f1(**self.type_count(t)) for t in present) / len(present) if present else 1.0
        return {
            "n": float(self.reports),
            "detect_f1": (event_f1 + non_event_f1) / 2,
            "event_f1": event_f1,
            "non_event_f1": non_event_f1,
            "type_f1": type_f1,
            "sub_acc": _ratio(self.sub_correct, self.gold_events),
            "loc_25km": _ratio(self.near, self.located),
            "admin1_acc": _ratio(self.admin1_correct, self.with_admin1),
            "actor_f1": _f1(self.actors["tp"], self.actors["fp"], self.actors["fn"]),
            "fatal_exact": _ratio(self.fatal_correct, self.gold_events),
        }


def _f1(tp: int, fp: int, fn: int) -> float:
    if tp == 0 and fp == 0 and fn == 0:
        return 1.0
    return 2 * tp / (2 * tp + fp + fn)


def _ratio(good: int, total: int) -> float:
    return good / total if total else 1.0


def _near(gold: dict[str, Any] | None, pred: EventCandidate) -> bool:
    if gold is None or pred.location is None:
        return gold is None and pred.location is None
    km = distance_km(
        gold["latitude"], gold["longitude"], pred.location.latitude, pred.location.longitude
    )
    return km <= NEAR_KM


def pair_events(
    gold: Sequence[dict[str, Any]], predicted: Sequence[EventCandidate]
) -> list[tuple[int, int]]:
    """Greedy pairs (gold index, predicted index), best score first (module docstring)."""
    scored: list[tuple[float, int, int]] = []
    for g, event in enumerate(gold):
        for p, candidate in enumerate(predicted):
            same_type = event["event_type"] == candidate.event_type
            near = _near(event.get("location"), candidate)
            if not (same_type or near):
                continue
            score = 3.0 * same_type + 1.0 * (event["sub_event_type"] == candidate.sub_event_type)
            score += 2.0 * near
            location = event.get("location")
            if (
                location
                and candidate.location
                and location.get("admin1") == candidate.location.admin1
            ):
                score += 0.5
            scored.append((score, g, p))
    pairs: list[tuple[int, int]] = []
    used_gold: set[int] = set()
    used_pred: set[int] = set()
    for _, g, p in sorted(scored, key=lambda s: (-s[0], s[1], s[2])):
        if g not in used_gold and p not in used_pred:
            pairs.append((g, p))
            used_gold.add(g)
            used_pred.add(p)
    return pairs


def score_report(
    tally: Tally, gold: Sequence[dict[str, Any]], predicted: Sequence[EventCandidate]
) -> None:
    """Add one report's outcome to ``tally``."""
    tally.reports += 1
    has_gold, has_pred = bool(gold), bool(predicted)
    key = {(True, True): "tp", (False, True): "fp", (True, False): "fn", (False, False): "tn"}
    tally.detect[key[(has_gold, has_pred)]] += 1
    pairs = pair_events(gold, predicted)
    paired_gold = {g: p for g, p in pairs}
    paired_pred = {p for _, p in pairs}
    for g, event in enumerate(gold):
        tally.gold_events += 1
        location = event.get("location")
        if location is not None:
            tally.located += 1
            if location.get("admin1"):
                tally.with_admin1 += 1
        gold_actors = set(event.get("actors", ()))
        p = paired_gold.get(g)
        if p is None:
            tally.type_count(event["event_type"])["fn"] += 1
            tally.actors["fn"] += len(gold_actors)
            continue
        candidate = predicted[p]
        if candidate.event_type == event["event_type"]:
            tally.type_count(event["event_type"])["tp"] += 1
        else:
            tally.type_count(event["event_type"])["fn"] += 1
            tally.type_count(candidate.event_type)["fp"] += 1
        tally.sub_correct += candidate.sub_event_type == event["sub_event_type"]
        if location is not None:
            tally.near += _near(location, candidate)
            if location.get("admin1") and candidate.location is not None:
                tally.admin1_correct += candidate.location.admin1 == location["admin1"]
        pred_actors = {a.name for a in candidate.actors}
        tally.actors["tp"] += len(gold_actors & pred_actors)
        tally.actors["fp"] += len(pred_actors - gold_actors)
        tally.actors["fn"] += len(gold_actors - pred_actors)
        tally.fatal_correct += candidate.fatalities == int(event.get("fatalities", 0))
    for p, candidate in enumerate(predicted):
        if p not in paired_pred:
            tally.type_count(candidate.event_type)["fp"] += 1
            tally.actors["fp"] += len(candidate.actors)


def context_of(item: dict[str, Any]) -> ReportContext:
    """The report context of one development item (its labeled language is not passed)."""
    return ReportContext(
        report_id=str(item["id"]),
        text=item["text"],
        published_at=parse_iso(item["published_at"]),
        source_role=item.get("source_role") or "other",
        source_side=item.get("source_side"),
        source_name=item.get("source"),
        title=item.get("title"),
    )


def evaluate(
    items: Iterable[dict[str, Any]], understander: Understander, errors: list[str] | None = None
) -> dict[str, Tally]:
    """Tallies for ``all`` and for each labeled language; ``errors`` collects a line per miss."""
    tallies: dict[str, Tally] = {"all": Tally()}
    for item in items:
        gold = item["gold"]["events"]
        predicted = understander.understand(context_of(item)).candidates
        language = item.get("lang") or "und"
        for name in ("all", language):
            score_report(tallies.setdefault(name, Tally()), gold, predicted)
        if errors is not None:
            errors.extend(_misses(item, gold, predicted))
    return tallies


def _misses(
    item: dict[str, Any], gold: Sequence[dict[str, Any]], predicted: Sequence[EventCandidate]
) -> list[str]:
    def show_gold(e: dict[str, Any]) -> str:
        loc = e.get("location") or {}
        return f"{e['sub_event_type']} @ {loc.get('name')} {sorted(e.get('actors', []))} f={e.get('fatalities', 0)}"

    def show_pred(c: EventCandidate) -> str:
        loc = c.location.name if c.location else None
        return f"{c.sub_event_type} @ {loc} {sorted(a.name for a in c.actors)} f={c.fatalities}"

    pairs = dict(pair_events(gold, predicted))
    lines: list[str] = []
    for g, event in enumerate(gold):
        p = pairs.get(g)
        if p is None:
            lines.append(f"{item['id']} MISSED   {show_gold(event)}")
            continue
        c = predicted[p]
        bad = (
            c.sub_event_type != event["sub_event_type"]
            or not _near(event.get("location"), c)
            or c.fatalities != int(event.get("fatalities", 0))
            or {a.name for a in c.actors} != set(event.get("actors", ()))
        )
        if bad:
            lines.append(f"{item['id']} WRONG    {show_gold(event)}\n{'':14}got {show_pred(c)}")
    for p, c in enumerate(predicted):
        if p not in pairs.values():
            lines.append(f"{item['id']} EXTRA    {show_pred(c)}")
    return lines


def table(tallies: dict[str, Tally]) -> str:
    """The score table: one row per slice (all, then languages by size)."""
    order = ["all", *sorted((k for k in tallies if k != "all"), key=lambda k: -tallies[k].reports)]
    header = f"{'':6}" + "".join(f"{label:>15}" for _, label in COLUMNS)
    rows = [header]
    for name in order:
        s = tallies[name].scores()
        cells = [f"{int(s['n']):>15d}"] + [f"{s[key]:>15.3f}" for key, _ in COLUMNS[1:]]
        rows.append(f"{name:6}" + "".join(cells))
    return "\n".join(rows)


def missed_targets(tallies: dict[str, Tally]) -> list[str]:
    """Human-readable list of the targets missed (empty when all are met)."""
    missed: list[str] = []
    overall = tallies["all"].scores()
    for key, target in TARGETS.items():
        if overall[key] < target:
            missed.append(f"{key} {overall[key]:.3f} < {target:.2f}")
    if "en" in tallies and "ar" in tallies:
        en, ar = tallies["en"].scores(), tallies["ar"].scores()
        for key in TARGETS:
            if en[key] - ar[key] > MAX_ARABIC_GAP:
                missed.append(
                    f"{key}: Arabic {ar[key]:.3f} more than 5 points below English {en[key]:.3f}"
                )
    return missed


def load_items(path: Path) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                items.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise SystemExit(f"{path}:{number}: not JSON ({exc.msg})") from None
    return items


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sitrep.understand.evaluate",
        description="Score event understanding on a labeled development set.",
    )
    parser.add_argument(
        "path", nargs="?", default="eval/dev.jsonl", help="JSON lines (eval/dev.jsonl)"
    )
    parser.add_argument("--errors", action="store_true", help="also list every miss")
    args = parser.parse_args(argv)
    path = Path(args.path)
    if not path.exists():
        print(f"evaluate: {path} does not exist", file=sys.stderr)
        return 2
    errors: list[str] | None = [] if args.errors else None
    tallies = evaluate(load_items(path), default_understander(), errors)
    if errors:
        print("\n".join(errors))
        print()
    print(table(tallies))
    missed = missed_targets(tallies)
    if missed:
        print("\ntargets missed: " + "; ".join(missed))
        return 1
    print("\nall targets met")
    return 0


if __name__ == "__main__":
    sys.exit(main())

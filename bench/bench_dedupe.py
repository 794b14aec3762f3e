"""Benchmark of the dedupe core: cost per report, memory per open cluster, bounded state, and the
measurement behind the near-duplicate threshold. Pure Python, no services needed.

    .venv/bin/python bench/bench_dedupe.py [--quick]

Prints a summary and writes ``bench/results/dedupe.json``. The figures:

- ``copy_threshold``: fingerprint distances of the hand-made copy/distinct table
  (``tests/unit/dedupe/data/copy_pairs.jsonl``) and of synthetic reposts (headers, footers, a
  dropped or changed word, a trimmed end) against pairs of distinct texts, with the errors each
  threshold would make — the measurement :data:`sitrep.dedupe.copies.COPY_MAX_DISTANCE` is
  chosen from;
- ``cost``: median / p90 / p99 CPU microseconds of :func:`merge_report` per report (all its
  cells, thread CPU time, so other processes on the machine do not inflate it), over a
  synthetic stream where each event is reported by one to five sources in the following hours
  (forwards and reposts included), with the 72-hour window the processor uses; and per report
  as a faust agent handles it — merge, expire, encode the state for the changelog — with the
  states held as objects, or decoded from bytes first (a table of bytes);
- ``memory``: bytes per open cluster (tracemalloc) with 100k open clusters held at once;
- ``bounded``: resident memory after 100k and after 200k reports of a stream running with the
  window — equal within noise when the state is bounded.
"""

from __future__ import annotations

import argparse
import gc
import heapq
import itertools
import random
import statistics
import sys
import time
import tracemalloc
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson

from sitrep.dedupe import CellState, EventLedger, copies, expire, merge_report, report_cells
from sitrep.records.model import Actor, EventCandidate, Location, Report
from sitrep.records.times import parse_iso, to_iso

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "dedupe.json"
PAIRS = ROOT / "tests" / "unit" / "dedupe" / "data" / "copy_pairs.jsonl"
NOW = datetime(2025, 1, 1, tzinfo=UTC)
START = datetime(2024, 6, 1, tzinfo=UTC)
WINDOW = timedelta(hours=72)

KINDS = (
    ("Explosions/Remote violence", "Air/drone strike"),
    ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
    ("Explosions/Remote violence", "Remote explosive/landmine/IED"),
    ("Battles", "Armed clash"),
    ("Battles", "Non-state actor overtakes territory"),
    ("Violence against civilians", "Attack"),
    ("Violence against civilians", "Abduction/forced disappearance"),
    ("Protests", "Peaceful protest"),
    ("Strategic developments", "Arrests"),
)
ACTORS = (
    Actor("Military Forces of Syria (2000-2024)", 1),
    Actor("Hayat Tahrir al-Sham", 2),
    Actor("Military Forces of Russia (2000-)", 8),
    Actor("Islamic State (Syria)", 2),
    Actor("SDF: Syrian Democratic Forces", 2),
    Actor("Civilians (Syria)", 7),
    Actor("Protesters (Syria)", 6),
)
ROLES = ("party", "wire", "monitor", "local_media", "state_media", "other")
WORDS = (  # noqa: SIM905 - a paragraph reads better than a column of words
    "town village market road checkpoint hospital school district outskirts morning evening "
    "night dawn heavy several dozens fighters residents sources said reported killed wounded "
    "rockets missiles artillery drones convoy positions frontline neighbourhood countryside "
    "houses vehicles mosque bakery square protesters detained security forces militants"
).split()


@dataclass(frozen=True, slots=True)
class Gazetteer:
    towns: tuple[Location, ...]

    @classmethod
    def build(cls, cells: int, towns_per_cell: int, seed: int) -> Gazetteer:
        rnd = random.Random(seed)
        towns = []
        for c in range(cells):
            lat0, lon0 = 30 + (c % 40) * 0.5, 35 + (c // 40) * 0.5
            for t in range(towns_per_cell):
                towns.append(
                    Location(
                        name=f"Town{c}-{t}",
                        country="Syria",
                        latitude=lat0 + rnd.random() * 0.4,
                        longitude=lon0 + rnd.random() * 0.4,
                        geo_precision=1,
                        geonames_id=1_000_000 + c * 1000 + t,
                        admin1=f"Province{c}",
                        country_code="SY",
                    )
                )
        return cls(tuple(towns))


def stream(
    count: int, gazetteer: Gazetteer, events_per_day: int, seed: int, words: int = 40
) -> Iterator[Report]:
    """``count`` reports in publication order: each event reported 1-5 times within hours,
    10% of follow-ups forwards of the first post, 5% near-identical reposts. Texts have about
    ``words`` words (their length changes the cost of fingerprints, not the state)."""
    rnd = random.Random(seed)
    pending: list[tuple[float, int, Report]] = []
    serial = itertools.count()
    emitted = 0
    clock = START.timestamp()
    step = 86400 / events_per_day
    while emitted < count:
        clock += rnd.expovariate(1 / step)
        while pending and pending[0][0] <= clock and emitted < count:
            yield heapq.heappop(pending)[2]
            emitted += 1
        if emitted >= count:
            break
        town = rnd.choice(gazetteer.towns)
        kind = rnd.choice(KINDS)
        actors = tuple(rnd.sample(ACTORS, rnd.randint(0, 2)))
        day = datetime.fromtimestamp(clock, tz=UTC).date().isoformat()
        body = " ".join(rnd.choices(WORDS, k=rnd.randint(words // 3, words)))
        text = f"{kind[1]} on {town.name}: {body}"
        first: Report | None = None
        for n in range(rnd.choice((1, 1, 2, 2, 3, 4, 5))):
            published = clock + n * rnd.uniform(600, 4 * 3600)
            native = next(serial)
            source = f"src{rnd.randrange(300)}"
            report_id = f"telegram:{source}:{native}"
            candidate = EventCandidate(
                candidate_id=f"{report_id}#0",
                event_type=kind[0],
                sub_event_type=kind[1],
                occurred_on=day,
                time_precision=1,
                location=town,
                actors=actors,
                fatalities=rnd.choice((0, 0, 1, 2, 5)),
                claim_status=rnd.choice(("claimed", "reported")),
            )
            origin = None
            own_text = f"{text} {' '.join(rnd.choices(WORDS, k=words // 2))}"
            roll = rnd.random()
            if first is not None and roll < 0.10:
                origin, own_text = first.report_id, first.text
            elif first is not None and roll < 0.15:
                own_text = f"URGENT | {first.text} @channel{n}"
            report = Report(
                report_id=report_id,
                item_id=report_id,
                source_kind="telegram",
                source_id=source,
                native_id=str(native),
                version=1,
                language="en",
                text=own_text,
                collected_at=to_iso(datetime.fromtimestamp(published, tz=UTC)),
                processed_at=to_iso(NOW),
                source_role=rnd.choice(ROLES),  # type: ignore[arg-type]
                candidates=(candidate,),
                published_at=to_iso(datetime.fromtimestamp(published, tz=UTC)),
                origin_id=origin,
                copy_reason="forward" if origin else None,
            )
            first = first or report
            heapq.heappush(pending, (published, native, report))


def _percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def measure_cost(count: int) -> dict[str, Any]:
    """CPU microseconds per report: merging alone (the ledger), and as a faust agent would with
    the cell state held as objects (merge, expire, encode for the changelog) or as bytes
    (decode, merge, expire, encode)."""
    gazetteer = Gazetteer.build(cells=60, towns_per_cell=40, seed=1)
    ledger = EventLedger(window=WINDOW, expire_every=500)
    pure: list[float] = []
    for report in stream(count, gazetteer, events_per_day=1500, seed=2):
        started = time.thread_time_ns()
        ledger.add(report, NOW)
        pure.append((time.thread_time_ns() - started) / 1000)
    open_per_cell = statistics.mean(len(s.events) for s in ledger)

    def as_the_stream(decode: bool) -> list[float]:
        """Per report, what a faust agent does per cell: (decode,) merge, expire, encode."""
        stored: dict[str, bytes] = {}
        states: dict[str, CellState] = {}
        spent: list[float] = []
        for report in stream(count // 4, gazetteer, events_per_day=1500, seed=2):
            published = parse_iso(report.published_at or report.collected_at)
            started = time.thread_time_ns()
            for cell in report_cells(report):
                data = stored.get(cell)
                if decode:
                    state = CellState.from_bytes(data) if data is not None else None
                else:
                    state = states.get(cell)
                state, _ = merge_report(state, report, cell, NOW)
                state = expire(state, published, WINDOW)
                stored[cell] = state.to_bytes()
                states[cell] = state
            spent.append((time.thread_time_ns() - started) / 1000)
        return spent

    decoded = as_the_stream(decode=True)
    held = as_the_stream(decode=False)
    return {
        "reports": count,
        "median_us": round(statistics.median(pure), 1),
        "p90_us": round(_percentile(pure, 0.90), 1),
        "p99_us": round(_percentile(pure, 0.99), 1),
        "open_events_per_cell": round(open_per_cell, 1),
        "stream_reports": count // 4,
        "objects_held_median_us": round(statistics.median(held), 1),
        "objects_held_p90_us": round(_percentile(held, 0.90), 1),
        "bytes_held_median_us": round(statistics.median(decoded), 1),
        "bytes_held_p90_us": round(_percentile(decoded, 0.90), 1),
    }


def measure_memory(clusters: int) -> dict[str, Any]:
    """Bytes per open cluster with ``clusters`` open at once (no window), by tracemalloc.

    Two figures: ``live`` traces a build of a tenth of the clusters (tracing a full build would
    take minutes); ``restored`` builds all of them untraced, encodes every cell state, and
    traces decoding them — the memory a worker holds after recovering its tables."""
    gazetteer = Gazetteer.build(cells=2000, towns_per_cell=60, seed=3)

    def build(target: int) -> tuple[EventLedger, int]:
        ledger = EventLedger(window=None)
        added = 0
        for report in stream(10 * target, gazetteer, events_per_day=20000, seed=4, words=12):
            ledger.add(report, NOW)
            added += 1
            if added % 1000 == 0 and ledger.open_events() >= target:
                break
        return ledger, added

    gc.collect()
    tracemalloc.start()
    small, _ = build(clusters // 10)
    gc.collect()
    live_traced, _peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    live_clusters = small.open_events()
    del small

    ledger, added = build(clusters)
    open_events = ledger.open_events()
    members = sum(len(e.members) for s in ledger for e in s.events.values())
    blobs = [state.to_bytes() for state in ledger]
    del ledger
    gc.collect()
    tracemalloc.start()
    started = time.perf_counter()
    restored = [CellState.from_bytes(blob) for blob in blobs]
    decode_seconds = time.perf_counter() - started
    gc.collect()
    traced, _peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert sum(len(s.events) for s in restored) == open_events
    return {
        "open_clusters": open_events,
        "reports": added,
        "members": members,
        "restored_traced_mb": round(traced / 2**20, 1),
        "restored_bytes_per_cluster": round(traced / open_events),
        "live_clusters": live_clusters,
        "live_bytes_per_cluster": round(live_traced / live_clusters),
        "serialized_bytes_per_cluster": round(sum(map(len, blobs)) / open_events),
        "decode_seconds_traced": round(decode_seconds, 1),
    }


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def measure_bounded(total: int) -> dict[str, Any]:
    """Resident memory after ``total/2`` and ``total`` reports of a windowed stream."""
    gazetteer = Gazetteer.build(cells=60, towns_per_cell=40, seed=5)
    ledger = EventLedger(window=WINDOW, expire_every=1000)
    marks: dict[str, Any] = {}
    reports = stream(total, gazetteer, events_per_day=1500, seed=6, words=12)
    for n, report in enumerate(reports, start=1):
        ledger.add(report, NOW)
        if n in (total // 2, total):
            ledger.expire()
            gc.collect()
            marks[str(n)] = {"rss_mb": round(_rss_mb(), 1), "open_clusters": ledger.open_events()}
    first, last = marks[str(total // 2)], marks[str(total)]
    marks["rss_growth"] = round(last["rss_mb"] / first["rss_mb"], 3)
    return marks


def _perturb(rnd: random.Random, text: str) -> str:
    words = text.split()
    op = rnd.choice(("head", "foot", "both", "drop", "swap", "trim"))
    if op == "head":
        return f"{rnd.choice(('🔴 URGENT |', 'Breaking:', 'عاجل |', 'Now:'))} {text}"
    if op == "foot":
        return f"{text} {rnd.choice(('Follow us @chan', '(Source: SOHR)', 'تابعونا', '#Syria'))}"
    if op == "both":
        return f"⚡️ {text} — @mirror"
    if op == "drop":
        i = rnd.randrange(len(words))
        return " ".join(words[:i] + words[i + 1 :])
    if op == "swap":
        i = rnd.randrange(len(words))
        words[i] = rnd.choice(("nine", "two", "vehicle", "town", "army"))
        return " ".join(words)
    return " ".join(words[: max(8, int(len(words) * 0.85))])


def measure_copy_threshold() -> dict[str, Any]:
    """Distances (bits of 128) of the copy table and of synthetic reposts vs distinct texts."""
    rows = [orjson.loads(line) for line in PAIRS.read_bytes().splitlines() if line.strip()]

    def dist(a: str, b: str) -> int:
        return copies.distance(copies.fingerprint(a), copies.fingerprint(b))

    table_copies = sorted(dist(r["a"], r["b"]) for r in rows if r["copy"])
    table_distinct = sorted(dist(r["a"], r["b"]) for r in rows if not r["copy"])
    pool = sorted(
        {t for r in rows if not r["copy"] for t in (r["a"], r["b"]) if not copies.is_short(t)}
    )
    rnd = random.Random(7)
    synthetic_copies = sorted(dist(t, _perturb(rnd, t)) for t in pool for _ in range(30))
    synthetic_distinct = sorted(dist(a, b) for a, b in itertools.combinations(pool, 2))
    errors = {
        str(threshold): {
            "missed_copies": sum(d > threshold for d in synthetic_copies),
            "false_copies": sum(d <= threshold for d in synthetic_distinct),
        }
        for threshold in range(16, 52, 4)
    }
    return {
        "threshold": copies.COPY_MAX_DISTANCE,
        "bits": copies.FINGERPRINT_BITS,
        "table_copies_max": table_copies[-1],
        "table_distinct_min": table_distinct[0],
        "table_copies": table_copies,
        "table_distinct": table_distinct,
        "synthetic_copy_pairs": len(synthetic_copies),
        "synthetic_distinct_pairs": len(synthetic_distinct),
        "synthetic_copies_p50_p99_max": [
            _percentile([float(d) for d in synthetic_copies], q) for q in (0.5, 0.99, 1.0)
        ],
        "synthetic_distinct_min_p01_p50": [
            _percentile([float(d) for d in synthetic_distinct], q) for q in (0.0, 0.01, 0.5)
        ],
        "errors_by_threshold": errors,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller runs (a smoke test)")
    args = parser.parse_args(argv)
    scale = 10 if args.quick else 1
    results: dict[str, Any] = {"copy_threshold": measure_copy_threshold()}
    # The bounded run goes first: resident memory never shrinks back, so it must not follow the
    # memory run's 100k clusters.
    results["bounded"] = measure_bounded(200_000 // scale)
    results["cost"] = measure_cost(20_000 // scale)
    results["memory"] = measure_memory(100_000 // scale)
    results["python"] = sys.version.split()[0]
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_bytes(orjson.dumps(results, option=orjson.OPT_INDENT_2) + b"\n")
    c, m, b, t = results["cost"], results["memory"], results["bounded"], results["copy_threshold"]
    print(
        f"copies: threshold {t['threshold']}/{t['bits']} bits; table copies <= "
        f"{t['table_copies_max']}, distinct >= {t['table_distinct_min']}; synthetic copies "
        f"p50/p99/max {t['synthetic_copies_p50_p99_max']}, distinct min/p01/p50 "
        f"{t['synthetic_distinct_min_p01_p50']}"
    )
    print(
        f"cost: median {c['median_us']} us/report (p90 {c['p90_us']}, p99 {c['p99_us']}) over "
        f"{c['reports']} reports, {c['open_events_per_cell']} open events per cell; as a faust "
        f"agent: {c['objects_held_median_us']} us with states held as objects, "
        f"{c['bytes_held_median_us']} us decoding them from bytes per report"
    )
    print(
        f"memory: {m['restored_bytes_per_cluster']} bytes per open cluster restored from bytes "
        f"({m['open_clusters']} clusters, {m['members']} members, {m['restored_traced_mb']} MiB "
        f"traced), {m['live_bytes_per_cluster']} bytes built live ({m['live_clusters']} "
        f"clusters); {m['serialized_bytes_per_cluster']} bytes serialized"
    )
    half, full = (k for k in b if k.isdigit())
    print(
        f"bounded: RSS {b[half]['rss_mb']} MiB after {half} reports, {b[full]['rss_mb']} MiB "
        f"after {full} (x{b['rss_growth']}); open clusters {b[half]['open_clusters']} -> "
        f"{b[full]['open_clusters']}"
    )
    print(f"written to {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

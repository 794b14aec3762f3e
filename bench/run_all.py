"""``make bench``: every benchmark in one run, side by side on the same broker, then one table.

    .venv/bin/python bench/run_all.py [--quick] [--scale F] [--only NAMES] [--skip NAMES]
                                      [--profile] [--results DIR] [--list]

Runs each benchmark as its own process, in this order (names for ``--only``/``--skip``; the
group ``passthrough`` means both reference stages):

    understand            bench/bench_understand.py   (understanding's cost, pure)
    dedupe                bench/bench_dedupe.py       (dedupe's cost and memory, pure)
    throughput_aiokafka   bare aiokafka consume -> decode -> encode -> produce, at-least-once
    throughput_faust      a faust pass-through agent configured like the processor
    throughput_faust_batched  the same agent taking 500 events at a time (take_events)
    throughput_processor  sitrep's processor (understanding + dedupe) on the same backlog size
    throughput_processor_split  the same, as two processes (normalize, cluster)
    latency               collection -> database commit at a steady 200 and 1,000 reports/s
    latency_split         the same with the processor as two processes
    backfill              200k reports through processor and sink: rate, peak RSS at 100k/200k
    workers               one processor worker against two (4 partitions)

Kafka is ``SITREP_KAFKA_BOOTSTRAP`` (127.0.0.1:9092 by default); the latency and backfill
benchmarks use SQLite in a temporary directory, or PostgreSQL when
``SITREP_BENCH_DATABASE_URL`` is set. Each benchmark writes ``<results>/<name>.json`` (the two
pure benchmarks write theirs under ``bench/results/``); this script then prints the figures, the
ratios between benchmarks of this run and the targets, and writes ``<results>/summary.json``.

``--quick`` shrinks every benchmark to a smoke run of a few seconds; ``--scale F`` multiplies
the full sizes (items, seconds) by F. Exit status: 0 when every selected benchmark ran (a missed
target is a finding, not a failure), 1 when one failed or could not start.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

if __package__ in (None, ""):  # run as a script (`python bench/run_all.py`): find `bench.*`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import orjson

from bench import bench_backfill, bench_latency, bench_throughput, bench_workers
from bench.results import REPO, RESULTS_DIR, format_value, load, machine

Argv = Callable[["Options"], list[str]]


@dataclass(frozen=True, slots=True)
class Options:
    quick: bool
    scale: float
    results: Path
    profile: bool


@dataclass(frozen=True, slots=True)
class Benchmark:
    """One benchmark: how to run it and where its result lands."""

    name: str
    argv: Argv
    timeout: float  # seconds, full size
    external: bool = False  # a script of another package, with its own result format

    def result_path(self, options: Options) -> Path:
        return (RESULTS_DIR if self.external else options.results) / f"{self.name}.json"


def _scaled(options: Options, default: float) -> str:
    return str(max(1, round(default * options.scale)))


def _module(module: str, *args: str, sized: Callable[[Options], list[str]]) -> Argv:
    def argv(options: Options) -> list[str]:
        out = [sys.executable, "-m", module, *args, "--results", str(options.results)]
        if options.quick:
            return [*out, "--quick"]
        return out + (sized(options) if options.scale != 1.0 else [])

    return argv


def _script(path: str) -> Argv:
    def argv(options: Options) -> list[str]:
        return [sys.executable, path, *(["--quick"] if options.quick else [])]

    return argv


def _items(default: int) -> Callable[[Options], list[str]]:
    return lambda options: ["--items", _scaled(options, default)]


BENCHMARKS: Final = (
    Benchmark("understand", _script("bench/bench_understand.py"), 600, external=True),
    Benchmark("dedupe", _script("bench/bench_dedupe.py"), 600, external=True),
    Benchmark(
        "throughput_aiokafka",
        _module(
            "bench.bench_throughput",
            "aiokafka",
            sized=_items(bench_throughput.DEFAULT_ITEMS["aiokafka"]),
        ),
        300,
    ),
    Benchmark(
        "throughput_faust",
        _module(
            "bench.bench_throughput", "faust", sized=_items(bench_throughput.DEFAULT_ITEMS["faust"])
        ),
        300,
    ),
    Benchmark(
        "throughput_faust_batched",
        _module(
            "bench.bench_throughput",
            "faust-batched",
            sized=_items(bench_throughput.DEFAULT_ITEMS["faust-batched"]),
        ),
        300,
    ),
    Benchmark(
        "throughput_processor",
        _module(
            "bench.bench_throughput",
            "processor",
            sized=_items(bench_throughput.DEFAULT_ITEMS["processor"]),
        ),
        900,
    ),
    Benchmark(
        "throughput_processor_split",
        _module(
            "bench.bench_throughput",
            "processor-split",
            sized=_items(bench_throughput.DEFAULT_ITEMS["processor-split"]),
        ),
        900,
    ),
    Benchmark(
        "latency",
        _module(
            "bench.bench_latency",
            sized=lambda o: ["--seconds", _scaled(o, bench_latency.DEFAULT_SECONDS)],
        ),
        900,
    ),
    Benchmark(
        "latency_split",
        _module(
            "bench.bench_latency",
            "--split",
            sized=lambda o: ["--seconds", _scaled(o, bench_latency.DEFAULT_SECONDS)],
        ),
        900,
    ),
    Benchmark(
        "backfill",
        _module("bench.bench_backfill", sized=_items(bench_backfill.DEFAULT_ITEMS)),
        3600,
    ),
    Benchmark(
        "workers", _module("bench.bench_workers", sized=_items(bench_workers.DEFAULT_ITEMS)), 1800
    ),
)
PROFILE: Final = Benchmark(
    "throughput_processor_profiled",
    _module(
        "bench.bench_throughput",
        "processor",
        "--profile",
        sized=_items(bench_throughput.DEFAULT_ITEMS["processor"]),
    ),
    1800,
)
GROUPS: Final = {
    "passthrough": ("throughput_aiokafka", "throughput_faust"),
    "throughput": (
        "throughput_aiokafka",
        "throughput_faust",
        "throughput_faust_batched",
        "throughput_processor",
    ),
}


@dataclass(slots=True)
class Outcome:
    benchmark: Benchmark
    status: str  # "ok", "failed", "missing", "timeout"
    seconds: float
    detail: str = ""
    result: dict[str, Any] | None = None


def _stream(proc: subprocess.Popen[bytes], tail: list[str]) -> None:
    assert proc.stdout is not None
    for raw in proc.stdout:
        line = raw.decode(errors="replace").rstrip("\n")
        print(f"   | {line}", flush=True)
        tail.append(line)
        del tail[:-40]


def run_one(benchmark: Benchmark, options: Options) -> Outcome:
    """Run one benchmark as a child process, echoing its output; never raises for its failure."""
    argv = benchmark.argv(options)
    if benchmark.external and not (REPO / argv[1]).is_file():
        return Outcome(benchmark, "missing", 0.0, f"{argv[1]} does not exist (yet)")
    timeout = benchmark.timeout if not options.quick else min(benchmark.timeout, 300)
    timeout *= max(1.0, options.scale)
    path = os.pathsep.join(filter(None, (os.environ.get("PYTHONPATH"), str(REPO))))
    env = {**os.environ, "PYTHONPATH": path}
    print(f"== {benchmark.name}: {' '.join(argv[1:])}", flush=True)
    started = time.monotonic()
    result_path = benchmark.result_path(options)
    before = result_path.stat().st_mtime if result_path.exists() else None
    proc = subprocess.Popen(
        argv, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    tail: list[str] = []
    reader = threading.Thread(target=_stream, args=(proc, tail), daemon=True)
    reader.start()
    try:
        code = proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.terminate()
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        reader.join(timeout=5)
        return Outcome(benchmark, "timeout", time.monotonic() - started, f"over {timeout:.0f}s")
    reader.join(timeout=5)
    seconds = time.monotonic() - started
    if code != 0:
        return Outcome(benchmark, "failed", seconds, f"exit {code}: " + " / ".join(tail[-3:]))
    fresh = result_path.exists() and result_path.stat().st_mtime != before
    if not fresh:
        return Outcome(benchmark, "failed", seconds, f"did not write {result_path}")
    return Outcome(benchmark, "ok", seconds, str(result_path), load(result_path))


def _figure(outcomes: dict[str, Outcome], name: str, figure: str) -> float | None:
    outcome = outcomes.get(name)
    if outcome is None or outcome.result is None:
        return None
    value = outcome.result.get("figures", {}).get(figure, {}).get("value")
    return float(value) if isinstance(value, int | float) else None


def _ratio(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None or b == 0 else a / b


def comparisons(outcomes: dict[str, Outcome]) -> list[dict[str, Any]]:
    """The ratios and targets of issue 9, from this run's figures (``None`` when not run)."""
    bare = _figure(outcomes, "throughput_aiokafka", "items_per_s")
    faust = _figure(outcomes, "throughput_faust", "items_per_s")
    processor = _figure(outcomes, "throughput_processor", "items_per_s")
    share = _ratio(processor, bare)
    rows: list[dict[str, Any]] = [
        {"name": "faust pass-through / bare aiokafka", "value": _ratio(faust, bare), "unit": "x"},
        {
            "name": "processor / bare aiokafka",
            "value": share,
            "unit": "x",
            "target": ">= 0.20",
            "met": None if share is None else share >= 0.20,
        },
        {"name": "processor / faust pass-through", "value": _ratio(processor, faust), "unit": "x"},
        {
            "name": "processor in 2 processes / bare aiokafka",
            "value": _ratio(_figure(outcomes, "throughput_processor_split", "items_per_s"), bare),
            "unit": "x",
        },
        {
            "name": "faust batched / faust per event",
            "value": _ratio(_figure(outcomes, "throughput_faust_batched", "items_per_s"), faust),
            "unit": "x",
        },
    ]
    for bench, label in (("latency", ""), ("latency_split", ", processor in 2 processes")):
        for rate in (200, 1000):
            p99 = _figure(outcomes, bench, f"r{rate}_p99_ms")
            row: dict[str, Any] = {
                "name": f"end-to-end p99 at {rate}/s{label}",
                "value": p99,
                "unit": "ms",
            }
            if rate == 1000:
                row.update(target="<= 500", met=None if p99 is None else p99 <= 500)
            rows.append(row)
    growth = _figure(outcomes, "backfill", "processor_peak_rss_end_over_half")
    rows.append(
        {
            "name": "processor peak RSS, end / half of backfill",
            "value": growth,
            "unit": "x",
            "target": "<= 1.10",
            "met": None if growth is None else growth <= 1.10,
        }
    )
    rows.append(
        {
            "name": "processor peak RSS, end / half through both steps",
            "value": _figure(outcomes, "backfill", "processor_peak_rss_end_over_through_half"),
            "unit": "x",
        }
    )
    rows.append(
        {
            "name": "processor speed-up, 2 workers / 1",
            "value": _figure(outcomes, "workers", "speedup_2_over_1"),
            "unit": "x",
        }
    )
    return rows


def print_table(outcomes: dict[str, Outcome], rows: list[dict[str, Any]]) -> None:
    print("\n" + "=" * 78)
    print(f"{'benchmark':24} {'figure':34} {'value':>12}  unit")
    print("-" * 78)
    for name, outcome in outcomes.items():
        if outcome.status != "ok":
            print(f"{name:24} {outcome.status.upper():34} {'':>12}  {outcome.detail[:60]}")
            continue
        figures = (outcome.result or {}).get("figures")
        if not isinstance(figures, dict):  # a benchmark with a format of its own
            print(f"{name:24} {'(own format)':34} {'':>12}  {outcome.detail}")
            continue
        for n, (figure, data) in enumerate(figures.items()):
            label = name if n == 0 else ""
            print(f"{label:24} {figure:34} {format_value(data['value']):>12}  {data['unit']}")
    print("-" * 78)
    for row in rows:
        verdict = ""
        if "target" in row:
            met = row.get("met")
            verdict = f"target {row['target']}: " + (
                "not measured" if met is None else "met" if met else "MISSED"
            )
        value = format_value(row["value"])
        print(f"{row['name']:59} {value:>12}  {row['unit']:3} {verdict}")
    print("=" * 78)


def select(only: str | None, skip: str | None, profile: bool) -> list[Benchmark]:
    known = {b.name for b in BENCHMARKS} | set(GROUPS) | {PROFILE.name}

    def names(text: str | None) -> set[str]:
        out: set[str] = set()
        for name in filter(None, (text or "").split(",")):
            if name not in known:
                raise SystemExit(f"run_all: unknown benchmark {name!r}; use --list")
            out.update(GROUPS.get(name, (name,)))
        return out

    chosen, dropped = names(only), names(skip)
    selected = [b for b in (*BENCHMARKS, PROFILE) if not chosen or b.name in chosen]
    if not chosen and not profile:
        selected = [b for b in selected if b is not PROFILE]
    return [b for b in selected if b.name not in dropped]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="smoke run: a few seconds each")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply full sizes by F")
    parser.add_argument("--only", help="comma-separated names (see --list)")
    parser.add_argument("--skip", help="comma-separated names to leave out")
    parser.add_argument("--profile", action="store_true", help="also profile the processor")
    parser.add_argument("--results", type=Path, default=RESULTS_DIR, help="where JSON goes")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    args = parser.parse_args(argv)
    if args.list:
        for b in (*BENCHMARKS, PROFILE):
            print(b.name)
        return 0
    if args.scale <= 0:
        parser.error("--scale must be positive")
    options = Options(args.quick, args.scale, args.results.resolve(), args.profile)
    options.results.mkdir(parents=True, exist_ok=True)
    selected = select(args.only, args.skip, args.profile)
    started = time.monotonic()
    outcomes = {b.name: run_one(b, options) for b in selected}
    rows = comparisons(outcomes)
    print_table(outcomes, rows)
    summary = {
        "quick": options.quick,
        "scale": options.scale,
        "seconds": round(time.monotonic() - started, 1),
        "machine": machine(),
        "kafka": os.environ.get("SITREP_KAFKA_BOOTSTRAP", "127.0.0.1:9092"),
        "benchmarks": {
            name: {
                "status": o.status,
                "seconds": round(o.seconds, 1),
                "detail": o.detail,
                "result": str(o.benchmark.result_path(options)) if o.status == "ok" else None,
            }
            for name, o in outcomes.items()
        },
        "comparisons": rows,
    }
    path = options.results / "summary.json"
    path.write_bytes(orjson.dumps(summary, option=orjson.OPT_INDENT_2))
    print(f"summary -> {path} ({summary['seconds']:.0f}s)")
    return 0 if all(o.status == "ok" for o in outcomes.values()) else 1


if __name__ == "__main__":
    sys.exit(main())

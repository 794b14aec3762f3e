"""Benchmark of understanding: cost per report and the time to load the dictionaries. Pure.

    .venv/bin/python bench/bench_understand.py [--quick] [--dev eval/dev.jsonl]

Reports of about 500 characters are built from the development set (``eval/dev.jsonl``), one
language at a time: the items of that language are joined in turn until a text reaches 500
characters, then cut at the last word boundary before 500. Each text is understood once to
warm the caches a long-running worker would hold, then timed ``repeats`` times; a text's cost
is the median of its runs, in process CPU time (``time.process_time``: other processes on a
busy machine do not count) and, beside it, in wall time (``time.perf_counter``: what a caller
waits, other processes included). Figures, per language: the median and 90th percentile of the
CPU costs, in microseconds; the median of the wall costs; and the first-run median (cold token
caches). The load figures: a fresh interpreter's time to import the package and build
:func:`~sitrep.understand.default_understander` (median of three, wall and CPU), and the time
to rebuild an :class:`~sitrep.understand.Understander` in a warm process.

Writes ``bench/results/understand.json``; the target is a median of 150 µs or less.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.measure import percentile  # noqa: E402
from bench.results import Result  # noqa: E402
from sitrep.understand import ReportContext, Understander, default_understander  # noqa: E402
from sitrep.understand.evaluate import context_of, load_items  # noqa: E402

TARGET_US = 150.0
TEXT_CHARS = 500
LOAD_PROBE = (
    "import time; t, c = time.perf_counter(), time.process_time(); "
    "from sitrep.understand import default_understander; default_understander(); "
    "print(time.perf_counter() - t, time.process_time() - c)"
)


def texts_of(items: list[dict[str, Any]], language: str, count: int) -> list[ReportContext]:
    """``count`` report contexts of about 500 characters in ``language`` (module docstring)."""
    pool = [item for item in items if item.get("lang") == language]
    if not pool:
        return []
    out: list[ReportContext] = []
    for start in range(min(count, len(pool))):
        text, n = "", start
        while len(text) < TEXT_CHARS:
            text += pool[n % len(pool)]["text"] + " "
            n += 1
        cut = text[:TEXT_CHARS].rsplit(" ", 1)[0]
        out.append(replace(context_of(pool[start]), text=cut))
    return out


def cost_us(
    understander: Understander, contexts: list[ReportContext], repeats: int
) -> tuple[list[float], list[float], list[float]]:
    """(first-run cost, median cost, median wall cost) of each context, in microseconds of
    process CPU time (the wall cost in microseconds of wall time)."""
    first: list[float] = []
    for ctx in contexts:
        began = time.process_time()
        understander.understand(ctx)
        first.append((time.process_time() - began) * 1e6)
    costs: list[float] = []
    walls: list[float] = []
    for ctx in contexts:
        runs, wall_runs = [], []
        for _ in range(repeats):
            began, wall = time.process_time(), time.perf_counter()
            understander.understand(ctx)
            wall_runs.append((time.perf_counter() - wall) * 1e6)
            runs.append((time.process_time() - began) * 1e6)
        costs.append(statistics.median(runs))
        walls.append(statistics.median(wall_runs))
    return first, costs, walls


def cold_load_seconds(runs: int) -> tuple[float, float]:
    """Median (wall, CPU) time of a fresh interpreter importing and building the understander."""
    walls, cpus = [], []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", LOAD_PROBE], capture_output=True, text=True, check=True, cwd=ROOT
        )
        wall, cpu = out.stdout.split()
        walls.append(float(wall))
        cpus.append(float(cpu))
    return statistics.median(walls), statistics.median(cpus)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run of a few seconds")
    parser.add_argument("--dev", type=Path, default=ROOT / "eval" / "dev.jsonl")
    args = parser.parse_args(argv)
    count, repeats, load_runs = (12, 3, 1) if args.quick else (60, 9, 3)
    result = Result(
        "understand",
        args.quick,
        {"text_chars": TEXT_CHARS, "texts_per_language": count, "repeats": repeats},
    )
    load_wall, load_cpu = cold_load_seconds(load_runs)
    result.add("load_cold_s", load_wall, "s")
    result.add("load_cold_cpu_s", load_cpu, "s")
    began = time.perf_counter()
    Understander.load()
    result.add("load_warm_rebuild_s", time.perf_counter() - began, "s")
    understander = default_understander()
    items = load_items(args.dev)
    for language in ("en", "ar"):
        contexts = texts_of(items, language, count)
        if not contexts:
            result.note(f"no {language} items in {args.dev}")
            continue
        first, costs, walls = cost_us(understander, contexts, repeats)
        result.add(f"{language}_median_us", statistics.median(costs), "µs")
        result.add(f"{language}_p90_us", percentile(costs, 90), "µs")
        result.add(f"{language}_median_wall_us", statistics.median(walls), "µs")
        result.add(f"{language}_first_run_median_us", statistics.median(first), "µs")
        chars = statistics.mean(len(ctx.text) for ctx in contexts)
        result.add(f"{language}_text_chars", chars, "chars")
    medians = [
        result.figures[f"{lang}_median_us"]["value"]
        for lang in ("en", "ar")
        if f"{lang}_median_us" in result.figures
    ]
    met = bool(medians) and max(medians) <= TARGET_US
    result.note(
        f"target: median ≤ {TARGET_US:.0f} µs per 500-character report ({'met' if met else 'missed'})"
    )
    result.write()
    print(json.dumps({"target_met": met}))
    return 0


if __name__ == "__main__":
    sys.exit(main())

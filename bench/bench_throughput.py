"""Throughput of one stage on a backlog: bare aiokafka, a faust agent, sitrep's processor.

    python -m bench.bench_throughput aiokafka|faust|processor [--items N] [--quick]
                                     [--profile] [--results DIR]

Each run gets fresh topics, produces ``N`` corpus items to the raw topic *first*, then starts
the stage as its own process and waits until its consumer group has committed all its input.
Throughput is ``N`` over the span of the stage's output: from the Kafka timestamp of its first
output record to that of its last (on every topic it writes). Start-up, group joins and the
producer are outside that span, so the three stages are compared on the work alone.

Writes ``throughput_<stage>.json`` with ``items_per_s``, the span, output counts, dead letters
and the stage's peak RSS. ``--profile`` runs the processor under cProfile and writes the
functions that take the most time to ``processor_profile.txt`` beside the results.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import pstats
import sys
import time
from pathlib import Path
from typing import Final

from tests.services import ServiceProcess

from bench.context import BenchRun, bench_run
from bench.corpus import raw_items
from bench.measure import mib, peak_rss_bytes
from bench.results import RESULTS_DIR, Result
from bench.stages import OUTPUT_SUFFIX, group_of
from bench.streams import BenchError, GroupWatch, produce_raw, quiet_client_logs, topic_span
from sitrep.records.topics import CANDIDATES, DLQ, EVENTS, RAW, REPORTS

DEFAULT_ITEMS: Final = {"aiokafka": 100_000, "faust": 40_000, "processor": 20_000}
QUICK_ITEMS: Final = 2_000
PARTITIONS: Final = 4
CONSUME_TIMEOUT: Final = 900.0


def _start(run: BenchRun, stage: str, profile_to: Path | None) -> tuple[ServiceProcess, str]:
    """Start the stage; returns it and its consumer group."""
    if stage == "processor":
        group = f"{run.settings.group_prefix}.processor"
        if profile_to is None:
            return run.start("process"), group
        return run.start_module(
            "cProfile", "-o", str(profile_to), "-m", "sitrep.cli", "process"
        ), group
    return run.start_module("bench.stages", stage), group_of(run.settings)


def _profile_summary(path: Path, top: int = 40) -> str:
    out = io.StringIO()
    stats = pstats.Stats(str(path), stream=out)
    stats.strip_dirs().sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    return out.getvalue()


def measure(
    stage: str, items: int, *, quick: bool, results_dir: Path, profile: bool = False
) -> Path:
    """Run one throughput measurement and write its result file; returns the file's path."""
    name = f"throughput_{stage}_profiled" if profile else f"throughput_{stage}"
    result = Result(
        name,
        quick,
        {"stage": stage, "items": items, "partitions": PARTITIONS, "profiled": profile},
    )
    with bench_run(name, partitions=PARTITIONS) as run:
        settings = run.settings
        result.parameters["topic_prefix"] = settings.topic_prefix
        started = time.monotonic()
        produced = asyncio.run(produce_raw(settings, raw_items(items)))
        produce_s = time.monotonic() - started
        profile_to = run.workdir / "processor.prof" if profile and stage == "processor" else None
        service, group = _start(run, stage, profile_to)
        launched = time.monotonic()
        outputs = (
            (REPORTS.suffix, CANDIDATES.suffix, EVENTS.suffix)
            if stage == "processor"
            else (OUTPUT_SUFFIX,)
        )
        inputs = (RAW.suffix, CANDIDATES.suffix) if stage == "processor" else (RAW.suffix,)

        async def consumed() -> float:
            async with GroupWatch(settings, group, inputs) as watch:
                return await watch.wait_consumed(
                    produced, CONSUME_TIMEOUT, run.alive, input_suffix=RAW.suffix
                )

        try:
            done = asyncio.run(consumed())
        except BenchError as exc:
            raise BenchError(f"{exc}\n{run.logs()}") from None
        assert service.proc is not None
        peak = peak_rss_bytes(service.proc.pid)
        service.stop()
        run.record_errors(result)
        span = asyncio.run(topic_span(settings, outputs))
        if span is None:
            raise BenchError(f"{stage} wrote nothing\n{run.logs()}")
        per_topic = {s: asyncio.run(topic_span(settings, (s,))) for s in outputs}
        dead = asyncio.run(topic_span(settings, (DLQ.suffix,)))
        if profile_to is not None:
            summary = _profile_summary(profile_to)
            results_dir.mkdir(parents=True, exist_ok=True)
            (results_dir / "processor_profile.txt").write_text(summary, encoding="utf-8")
            result.note(f"cProfile summary in {results_dir / 'processor_profile.txt'}")

    result.add("items_per_s", span.rate(produced), "items/s")
    result.add("items", produced, "items")
    result.add("span_s", span.seconds, "s")
    result.add("start_to_consumed_s", done - launched, "s")
    result.add("produce_backlog_s", produce_s, "s")
    for suffix, topic in per_topic.items():
        result.add(f"out_{suffix.split('.')[0]}", topic.count if topic else 0, "records")
    result.add("dead_letters", dead.count if dead else 0, "records")
    result.add("peak_rss_mib", mib(peak), "MiB")
    if profile:
        result.note("profiled under cProfile: throughput is lower than unprofiled")
    return result.write(results_dir)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("stage", choices=tuple(DEFAULT_ITEMS))
    parser.add_argument("--items", type=int, default=None, help="backlog size")
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_ITEMS} items (smoke run)")
    parser.add_argument("--profile", action="store_true", help="processor under cProfile")
    parser.add_argument("--results", type=Path, default=RESULTS_DIR)
    args = parser.parse_args(argv)
    quiet_client_logs()
    items = args.items or (QUICK_ITEMS if args.quick else DEFAULT_ITEMS[args.stage])
    try:
        measure(args.stage, items, quick=args.quick, results_dir=args.results, profile=args.profile)
    except BenchError as exc:
        print(f"bench_throughput {args.stage}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

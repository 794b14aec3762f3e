"""Throughput of one stage on a backlog: bare aiokafka, a faust agent, sitrep's processor.

    python -m bench.bench_throughput aiokafka|faust|faust-batched|processor|processor-split
                                     [--items N] [--quick]
                                     [--profile] [--results DIR]

Each run gets fresh topics, produces ``N`` corpus items to the raw topic *first*, then starts
the stage as its own process and waits until its consumer group has committed all its input.
Throughput is ``N`` over the span of the stage's output: from the Kafka timestamp of its first
output record to that of its last (on every topic it writes). Start-up, group joins and the
producer are outside that span, so the three stages are compared on the work alone.

Writes ``throughput_<stage>.json`` with ``items_per_s``, the span, output counts, dead letters
and the stage's peak RSS. ``--profile`` runs the stage under cProfile and writes
``throughput_<stage>_profiled.json`` with the share of busy time per layer (sitrep's packages,
faust, aiokafka, asyncio, ...) and ``throughput_<stage>_profiled.txt`` with the layers and the
functions that take the most time. ``processor-split`` is the processor as two processes
(``SITREP_PROCESSOR_ROLE`` normalize and cluster), each on its own event loop; its peak RSS is
the sum of both.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import pstats
import sys
import time
from pathlib import Path
from typing import Any, Final

from tests.services import ServiceProcess

from bench.context import BenchRun, bench_run
from bench.corpus import raw_items
from bench.measure import mib, peak_rss_bytes
from bench.results import RESULTS_DIR, Result
from bench.stages import OUTPUT_SUFFIX, group_of
from bench.streams import (
    BenchError,
    GroupWatch,
    processor_groups,
    produce_raw,
    quiet_client_logs,
    topic_span,
)
from sitrep.records.topics import CANDIDATES, DLQ, EVENTS, RAW, REPORTS

DEFAULT_ITEMS: Final = {
    "aiokafka": 100_000,
    "faust": 40_000,
    "faust-batched": 40_000,
    "processor": 20_000,
    "processor-split": 20_000,
}
QUICK_ITEMS: Final = 2_000
PARTITIONS: Final = 4
CONSUME_TIMEOUT: Final = 900.0


def _start(
    run: BenchRun, stage: str, profile_to: Path | None, uvloop: bool, guarantee: dict[str, str]
) -> tuple[list[ServiceProcess], dict[str, tuple[str, ...]]]:
    """Start the stage (under cProfile when ``profile_to``, on uvloop when ``uvloop``, with the
    processor's ``SITREP_PROCESSING_GUARANTEE`` in ``guarantee``); returns its processes and
    its consumer groups with their input suffixes."""
    if stage == "processor-split":
        return [
            run.start("process", SITREP_PROCESSOR_ROLE=role, **guarantee)
            for role in ("normalize", "cluster")
        ], processor_groups(run.settings)
    group: dict[str, tuple[str, ...]]
    if stage == "processor":
        command: tuple[str, ...] = ("sitrep.cli", "process")
        group = processor_groups(run.settings)
    else:
        command = ("bench.stages", stage)
        group = {group_of(run.settings): (RAW.suffix,)}
    if uvloop:
        command = ("bench.uvloop_run", *command)
    if profile_to is not None:
        return [
            run.start_module("cProfile", "-o", str(profile_to), "-m", *command, **guarantee)
        ], group
    if stage == "processor" and not uvloop:
        return [run.start("process", **guarantee)], group
    return [run.start_module(*command, **guarantee)], group


def _layer(filename: str, function: str) -> str:
    """Which layer a profiled function belongs to (its package, or what a C call waits on)."""
    if filename == "~":
        if "select.epoll" in function:
            return "idle (waiting in epoll)"
        if "_socket.socket" in function:
            return "socket I/O"
        return "built-ins (C)"
    if "/services/sitrep/" in filename:
        sub = filename.split("/services/sitrep/", 1)[1].split("/")
        return f"sitrep.{sub[0].removesuffix('.py')}"
    if "site-packages/" in filename:
        return filename.split("site-packages/", 1)[1].split("/", maxsplit=1)[0].removesuffix(".py")
    if "/asyncio/" in filename:
        return "asyncio"
    return "python stdlib"


def time_by_layer(stats: pstats.Stats) -> dict[str, float]:
    """Own time (``tottime``) summed per layer, in seconds, largest first."""
    layers: dict[str, float] = {}
    raw: dict[tuple[str, int, str], tuple[Any, ...]] = stats.stats  # type: ignore[attr-defined]
    for (filename, _line, function), (_cc, _nc, own, _cum, _callers) in raw.items():
        layer = _layer(filename, function)
        layers[layer] = layers.get(layer, 0.0) + own
    return dict(sorted(layers.items(), key=lambda kv: -kv[1]))


def _profile_summary(path: Path, top: int = 40) -> tuple[str, dict[str, float]]:
    out = io.StringIO()
    stats = pstats.Stats(str(path), stream=out)
    layers = time_by_layer(stats)
    busy = sum(v for k, v in layers.items() if not k.startswith("idle"))
    out.write("Own time by layer (share of busy time, idle excluded):\n")
    for layer, seconds in layers.items():
        share = "" if layer.startswith("idle") else f"{100 * seconds / busy:5.1f}%"
        out.write(f"  {layer:32} {seconds:8.2f}s {share}\n")
    out.write("\n")
    stats.strip_dirs().sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    return out.getvalue(), layers


def measure(
    stage: str,
    items: int,
    *,
    quick: bool,
    results_dir: Path,
    profile: bool = False,
    uvloop: bool = False,
    guarantee: str | None = None,
) -> Path:
    """Run one throughput measurement and write its result file; returns the file's path."""
    name = (
        f"throughput_{stage.replace('-', '_')}"
        + ("_uvloop" if uvloop else "")
        + (f"_{guarantee}" if guarantee else "")
        + ("_profiled" if profile else "")
    )
    result = Result(
        name,
        quick,
        {
            "stage": stage,
            "items": items,
            "partitions": PARTITIONS,
            "profiled": profile,
            "event_loop": "uvloop" if uvloop else "asyncio",
            "processing_guarantee": guarantee or "the processor's default",
        },
    )
    with bench_run(name, partitions=PARTITIONS) as run:
        settings = run.settings
        result.parameters["topic_prefix"] = settings.topic_prefix
        started = time.monotonic()
        produced = asyncio.run(produce_raw(settings, raw_items(items)))
        produce_s = time.monotonic() - started
        profile_to = run.workdir / "stage.prof" if profile else None
        env = {"SITREP_PROCESSING_GUARANTEE": guarantee} if guarantee else {}
        services, group = _start(run, stage, profile_to, uvloop, env)
        launched = time.monotonic()
        outputs = (
            (REPORTS.suffix, CANDIDATES.suffix, EVENTS.suffix)
            if stage.startswith("processor")
            else (OUTPUT_SUFFIX,)
        )

        async def consumed() -> float:
            async with GroupWatch(settings, group) as watch:
                return await watch.wait_consumed(
                    produced, CONSUME_TIMEOUT, run.alive, input_suffix=RAW.suffix
                )

        try:
            done = asyncio.run(consumed())
        except BenchError as exc:
            raise BenchError(f"{exc}\n{run.logs()}") from None
        peak = 0
        for service in services:
            assert service.proc is not None
            peak += peak_rss_bytes(service.proc.pid)
            service.stop()
        run.record_errors(result)
        span = asyncio.run(topic_span(settings, outputs))
        if span is None:
            raise BenchError(f"{stage} wrote nothing\n{run.logs()}")
        per_topic = {s: asyncio.run(topic_span(settings, (s,))) for s in outputs}
        dead = asyncio.run(topic_span(settings, (DLQ.suffix,)))
        if profile_to is not None:
            summary, layers = _profile_summary(profile_to)
            results_dir.mkdir(parents=True, exist_ok=True)
            text = results_dir / f"{name}.txt"
            text.write_text(summary, encoding="utf-8")
            result.note(f"cProfile summary in {text}")
            busy = sum(v for k, v in layers.items() if not k.startswith("idle"))
            for layer, seconds in layers.items():
                if not layer.startswith("idle") and seconds >= 0.01 * busy:
                    result.add(f"profile_{layer}_pct", 100 * seconds / busy, "% busy")

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
    parser.add_argument("--profile", action="store_true", help="run the stage under cProfile")
    parser.add_argument("--uvloop", action="store_true", help="run the stage on uvloop")
    parser.add_argument(
        "--guarantee",
        choices=("at_least_once", "exactly_once"),
        help="the processor's SITREP_PROCESSING_GUARANTEE (default: the processor's default)",
    )
    parser.add_argument("--results", type=Path, default=RESULTS_DIR)
    args = parser.parse_args(argv)
    quiet_client_logs()
    items = args.items or (QUICK_ITEMS if args.quick else DEFAULT_ITEMS[args.stage])
    try:
        measure(
            args.stage,
            items,
            quick=args.quick,
            results_dir=args.results,
            profile=args.profile,
            uvloop=args.uvloop,
            guarantee=args.guarantee,
        )
    except BenchError as exc:
        print(f"bench_throughput {args.stage}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""One processor worker against two, on the same partitioned topics.

    python -m bench.bench_workers [--items N] [--workers 1,2] [--quick] [--results DIR]

For each worker count: fresh topics with ``SITREP_PARTITIONS`` = 4, that many ``sitrep
process`` workers started and waited for until their consumer group is stable with all of them
(so no rebalance happens during the measurement), then ``N`` corpus items produced at once.
Throughput is ``N`` over the span of the processors' output timestamps (first report to last
report, candidate or event), as in :mod:`bench.bench_throughput`.

Writes ``workers.json``: items/s per worker count, the speed-up, each worker's peak RSS.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Final

from bench.context import bench_run
from bench.corpus import raw_items
from bench.measure import mib, peak_rss_bytes
from bench.results import RESULTS_DIR, Result
from bench.streams import (
    BenchError,
    GroupWatch,
    processor_groups,
    produce_raw,
    quiet_client_logs,
    topic_span,
)
from sitrep.ops.kafka import ensure_topics
from sitrep.records.topics import CANDIDATES, EVENTS, RAW, REPORTS, TOPICS

DEFAULT_ITEMS: Final = 20_000
QUICK_ITEMS: Final = 2_000
PARTITIONS: Final = 4
JOIN_TIMEOUT: Final = 120.0
CONSUME_TIMEOUT: Final = 900.0


def measure_workers(workers: int, items: int, result: Result) -> float:
    """Run ``workers`` processors on a fresh run; returns items/s and adds figures."""
    with bench_run(f"workers_{workers}", partitions=PARTITIONS) as run:
        settings = run.settings
        result.parameters.setdefault("topic_prefixes", []).append(settings.topic_prefix)
        asyncio.run(ensure_topics(settings, TOPICS))
        services = [run.start("process") for _ in range(workers)]

        async def session() -> int:
            async with GroupWatch(settings, processor_groups(settings)) as watch:
                await watch.wait_members(workers, JOIN_TIMEOUT, run.alive)
                produced = await produce_raw(settings, raw_items(items))
                await watch.wait_consumed(
                    produced, CONSUME_TIMEOUT, run.alive, input_suffix=RAW.suffix
                )
                return produced

        try:
            produced = asyncio.run(session())
        except BenchError as exc:
            raise BenchError(f"{exc}\n{run.logs()}") from None
        peaks = []
        for service in services:
            assert service.proc is not None
            peaks.append(peak_rss_bytes(service.proc.pid))
            service.stop()
        span = asyncio.run(topic_span(settings, (REPORTS.suffix, CANDIDATES.suffix, EVENTS.suffix)))
        if span is None:
            raise BenchError(f"{workers} worker(s) wrote nothing\n{run.logs()}")
        errors = len(run.errors())
    rate = span.rate(produced)
    result.add(f"w{workers}_items_per_s", rate, "items/s")
    result.add(f"w{workers}_span_s", span.seconds, "s")
    for n, peak in enumerate(peaks, 1):
        result.add(f"w{workers}_worker{n}_peak_rss_mib", mib(peak), "MiB")
    result.add(f"w{workers}_service_errors", errors, "log lines")
    if errors:
        result.note(f"{workers} worker(s): {errors} error lines in the processor logs")
    return rate


def measure(counts: list[int], items: int, *, quick: bool, results_dir: Path) -> Path:
    result = Result(
        "workers",
        quick,
        {"items": items, "partitions": PARTITIONS, "worker_counts": counts},
    )
    rates = {n: measure_workers(n, items, result) for n in counts}
    if 1 in rates and len(rates) > 1:
        for n, rate in rates.items():
            if n != 1:
                result.add(f"speedup_{n}_over_1", rate / rates[1], "x")
    return result.write(results_dir)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=None)
    parser.add_argument("--workers", default="1,2", help="worker counts, comma-separated")
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_ITEMS} items (smoke run)")
    parser.add_argument("--results", type=Path, default=RESULTS_DIR)
    args = parser.parse_args(argv)
    quiet_client_logs()
    items = args.items or (QUICK_ITEMS if args.quick else DEFAULT_ITEMS)
    counts = [int(n) for n in args.workers.split(",") if n]
    if any(n < 1 or n > PARTITIONS for n in counts):
        parser.error(f"worker counts must be between 1 and {PARTITIONS} (the partitions)")
    try:
        measure(counts, items, quick=args.quick, results_dir=args.results)
    except BenchError as exc:
        print(f"bench_workers: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

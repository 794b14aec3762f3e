"""End-to-end latency at a steady rate: from collection to the database commit of the report.

    python -m bench.bench_latency [--rates 200,1000] [--seconds 60] [--quick] [--results DIR]

Starts the real services (``sitrep process`` and ``sitrep sink``, as separate processes, on a
fresh SQLite file or on PostgreSQL with ``SITREP_BENCH_DATABASE_URL``), warms them up until a
first report is visible, then for each rate produces corpus items for ``--seconds`` with a
token-bucket paced producer (the collectors' producer settings) that stamps ``collected_at`` =
now on each item (publication times move with it: a live stream, not a backfill). After each
phase it waits until every report of the phase is visible in the database.

Latency of a report = the time it became visible in ``reports`` - its ``collected_at`` (see
:mod:`bench.visibility` for how visibility is observed and its error bound). Also reported: the
``written_at`` column's view (the database's clock inside the sink's transaction), the
processor's share (Kafka timestamp of the report on ``reports.v1`` - ``collected_at``), and the
events' (``r{rate}_event_*``: Kafka timestamp of the first version on ``events.v1`` of an event
that holds the report - ``collected_at``, for the reports an event holds; measured after the
cluster step has committed all its input, which ``r{rate}_events_drain_after_s`` says took).

Writes ``latency.json`` with p50/p95/p99/max in milliseconds per rate.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import socket
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Final

import orjson
from prometheus_client.parser import text_string_to_metric_families

from bench.context import BenchRun, bench_run
from bench.corpus import live, raw_items
from bench.measure import TokenBucket, percentile
from bench.results import RESULTS_DIR, Result
from bench.streams import BenchError, GroupWatch, quiet_client_logs, visit_records
from bench.visibility import ReportsProbe, Sighting, VisibilityWatch
from sitrep.ops.kafka import ensure_topics, make_producer
from sitrep.records import RawItem, encode
from sitrep.records.times import utc_now
from sitrep.records.topics import CANDIDATES, EVENTS, RAW, REPORTS, TOPICS
from sitrep.stream.progress import processor_group

DEFAULT_RATES: Final = (200, 1000)
DEFAULT_SECONDS: Final = 60.0
QUICK_SECONDS: Final = 3.0
WARMUP_ITEMS: Final = 20
POLL_INTERVAL: Final = 0.05
MIN_TICK: Final = 0.005
READY_TIMEOUT: Final = 180.0
DRAIN_TIMEOUT: Final = 120.0  # after a phase; a report later than this is far past any target
PARTITIONS: Final = 4


async def _produce_paced(
    run: BenchRun,
    producer: Any,
    corpus: Iterator[RawItem],
    watch: VisibilityWatch,
    rate: float,
    seconds: float,
) -> tuple[int, float]:
    """Produce at ``rate`` items/s for ``seconds``; returns (items sent, seconds taken)."""
    topic = run.settings.topic(RAW.suffix)
    started = time.monotonic()
    bucket = TokenBucket(rate, burst=max(1.0, rate * 0.05), now=started)
    sent = 0
    pending: list[Any] = []
    while (now := time.monotonic()) - started < seconds:
        for _ in range(bucket.take(now)):
            moment = utc_now()
            item = live(next(corpus), moment)
            watch.expect(item.item_id, moment.timestamp())
            pending.append(
                await producer.send(topic, value=encode(item), key=item.source_id.encode())
            )
            sent += 1
        done = [f for f in pending if f.done()]
        for f in done:
            f.result()  # a failed delivery fails the benchmark
        pending = [f for f in pending if not f.done()]
        if not run.alive():
            raise BenchError(f"a service exited while producing\n{run.logs()}")
        await asyncio.sleep(max(bucket.wait(), MIN_TICK))
    await asyncio.gather(*pending)
    return sent, time.monotonic() - started


async def _wait_visible(run: BenchRun, watch: VisibilityWatch, within: float) -> None:
    deadline = time.monotonic() + within
    while watch.outstanding() and time.monotonic() < deadline:
        if not run.alive():
            raise BenchError(f"a service exited\n{run.logs()}")
        await asyncio.sleep(0.1)


async def _processor_latencies(run: BenchRun, collected: dict[str, float]) -> dict[str, float]:
    """Per report id of ``collected``: Kafka timestamp of its report - its collection time."""
    out: dict[str, float] = {}

    def visit(record: Any) -> None:
        rid = record.key.decode() if record.key else ""
        if rid in collected and rid not in out:
            out[rid] = record.timestamp / 1000.0 - collected[rid]

    await visit_records(run.settings, (REPORTS.suffix,), visit)
    return out


async def _wait_clustered(run: BenchRun, within: float) -> float | None:
    """Wait until the cluster step committed every candidates record; seconds waited, or
    ``None`` when it had not within ``within``."""
    started = time.monotonic()
    async with GroupWatch(run.settings, processor_group(run.settings), (CANDIDATES.suffix,)) as w:
        try:
            return await w.wait_consumed(0, within, run.alive, CANDIDATES.suffix) - started
        except BenchError:
            if not run.alive():
                raise
            return None


async def _event_latencies(run: BenchRun, collected: dict[str, float]) -> dict[str, float]:
    """Per report id of ``collected`` that an event holds: Kafka timestamp of the first event
    version linking it - its collection time (the processor's share for events)."""
    out: dict[str, float] = {}

    def visit(record: Any) -> None:
        if record.value is None:
            return
        with contextlib.suppress(orjson.JSONDecodeError, TypeError, KeyError):
            for link in orjson.loads(record.value)["reports"]:
                rid = link["report_id"]
                if rid in collected and rid not in out:
                    out[rid] = record.timestamp / 1000.0 - collected[rid]

    await visit_records(run.settings, (EVENTS.suffix,), visit)
    return out


def _ms_figures(result: Result, prefix: str, values: Sequence[float]) -> None:
    for q in (50, 95, 99):
        result.add(f"{prefix}_p{q}_ms", percentile(values, q) * 1000 if values else None, "ms")
    result.add(f"{prefix}_max_ms", max(values) * 1000 if values else None, "ms")


async def _session(
    run: BenchRun, rates: Sequence[int], seconds: float, drain_timeout: float, result: Result
) -> None:
    settings = run.settings
    await ensure_topics(settings, TOPICS)
    total = WARMUP_ITEMS + int(sum(rates) * seconds * 1.1) + 1000
    corpus = raw_items(total, seed=200)
    watch = VisibilityWatch(ReportsProbe(settings), POLL_INTERVAL).start()
    producer = make_producer(settings)
    await producer.start()
    try:
        warmed = time.monotonic()
        await _produce_paced(run, producer, corpus, watch, WARMUP_ITEMS, 1.0)
        await _wait_visible(run, watch, READY_TIMEOUT)
        if watch.outstanding():
            raise BenchError(f"services not ready after {READY_TIMEOUT:.0f}s\n{run.logs()}")
        result.add("warmup_s", time.monotonic() - warmed, "s")
        watch.forget()
        for rate in rates:
            sent, took = await _produce_paced(run, producer, corpus, watch, rate, seconds)
            ended = time.monotonic()
            await _wait_visible(run, watch, drain_timeout)
            result.add(f"r{rate}_drain_after_s", time.monotonic() - ended, "s")
            seen, unseen = watch.forget()
            _phase_figures(result, rate, sent, took, seen, unseen)
            collected = {s.report_id: s.collected for s in seen}
            processor = await _processor_latencies(run, collected)
            _ms_figures(result, f"r{rate}_processor", list(processor.values()))
            # events: the cluster step may still be behind when the reports are all visible
            clustered = await _wait_clustered(run, drain_timeout)
            result.add(f"r{rate}_events_drain_after_s", clustered, "s")
            events = await _event_latencies(run, collected)
            result.add(f"r{rate}_reports_in_events", len(events), "reports")
            _ms_figures(result, f"r{rate}_event", list(events.values()))
    finally:
        await producer.stop()
        watch.stop()
    result.add("polls", watch.polls, "polls")


def _phase_figures(
    result: Result,
    rate: int,
    sent: int,
    took: float,
    seen: list[Sighting],
    unseen: list[str],
) -> None:
    result.add(f"r{rate}_achieved_per_s", sent / took, "items/s")
    result.add(f"r{rate}_reports", sent, "reports")
    result.add(f"r{rate}_not_visible", len(unseen), "reports")
    _ms_figures(result, f"r{rate}", [s.latency for s in seen])
    _ms_figures(result, f"r{rate}_written", [s.written_latency for s in seen])
    if unseen:
        result.note(
            f"{rate}/s: {len(unseen)} of {sent} reports were not visible when the drain "
            "deadline passed; percentiles cover only the visible ones and understate latency"
        )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def gc_figures(result: Result, url: str) -> None:
    """The processor's full garbage collections over the run, from its
    ``sitrep_gc_pause_seconds`` histogram: how many, how many took over 100 ms, and the upper
    bound of the longest one's bucket."""
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            text = answer.read().decode()
    except OSError as exc:
        result.note(f"garbage collection figures unavailable: {exc}")
        return
    buckets: list[tuple[float, float]] = []
    for family in text_string_to_metric_families(text):
        if family.name != "sitrep_gc_pause_seconds":
            continue
        for sample in family.samples:
            if sample.name.endswith("_bucket") and sample.labels.get("generation") == "2":
                buckets.append((float(sample.labels["le"]), sample.value))
    if not buckets:
        result.note("garbage collection figures unavailable: no full collection recorded")
        return
    buckets.sort()
    total = buckets[-1][1]
    under_100ms = max((count for bound, count in buckets if bound <= 0.1), default=0.0)
    longest = next(bound for bound, count in buckets if count >= total)
    result.add("processor_full_gc", total, "collections")
    result.add("processor_full_gc_over_100ms", total - under_100ms, "collections")
    result.add("processor_full_gc_longest_under_s", longest, "s")


def measure(
    rates: Sequence[int], seconds: float, *, quick: bool, results_dir: Path, split: bool = False
) -> Path:
    """``split``: the processor as two processes (``SITREP_PROCESSOR_ROLE`` normalize and
    cluster), each on its own event loop and core."""
    drain_timeout = 60.0 if quick else DRAIN_TIMEOUT
    name = "latency_split" if split else "latency"
    result = Result(
        name,
        quick,
        {
            "rates_per_s": list(rates),
            "seconds_per_rate": seconds,
            "poll_interval_s": POLL_INTERVAL,
            "partitions": PARTITIONS,
            "workers": 1,
            "processor": "two processes (normalize, cluster)" if split else "one process",
        },
    )
    with bench_run(name, partitions=PARTITIONS, database=True) as run:
        result.parameters["database"] = run.database
        result.parameters["topic_prefix"] = run.settings.topic_prefix
        # the process that holds the cell states serves /metrics: its garbage collections
        ops_port = str(free_port())
        if split:
            run.start("process", SITREP_PROCESSOR_ROLE="normalize")
            run.start("process", SITREP_PROCESSOR_ROLE="cluster", SITREP_OPS_PORT=ops_port)
        else:
            run.start("process", SITREP_OPS_PORT=ops_port)
        run.start("sink")
        asyncio.run(_session(run, rates, seconds, drain_timeout, result))
        gc_figures(result, f"http://127.0.0.1:{ops_port}/metrics")
        run.record_errors(result)
    result.note(
        "latency = visible in reports (poll start) - collected_at; visibility is polled every "
        f"{POLL_INTERVAL * 1000:.0f} ms, so figures overstate the commit time by up to that"
    )
    result.note(
        "event latency = Kafka timestamp of the first event version holding a report - its "
        "collected_at (the processor's share; the sink adds its own), for reports in an event"
    )
    return result.write(results_dir)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rates", default=",".join(map(str, DEFAULT_RATES)))
    parser.add_argument("--seconds", type=float, default=None)
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_SECONDS:.0f} s per rate")
    parser.add_argument("--results", type=Path, default=RESULTS_DIR)
    parser.add_argument(
        "--split", action="store_true", help="the processor as two processes (normalize, cluster)"
    )
    args = parser.parse_args(argv)
    quiet_client_logs()
    rates = [int(r) for r in args.rates.split(",") if r]
    seconds = args.seconds or (QUICK_SECONDS if args.quick else DEFAULT_SECONDS)
    try:
        measure(rates, seconds, quick=args.quick, results_dir=args.results, split=args.split)
    except BenchError as exc:
        print(f"bench_latency: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

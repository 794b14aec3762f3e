"""A backfill: 200k reports replayed through the whole pipeline; rate and memory of each service.

    python -m bench.bench_backfill [--items 200000] [--quick] [--results DIR]

Writes the corpus (publication times over six months) to a JSON-lines file, starts ``sitrep
process`` and ``sitrep sink`` (SQLite, or PostgreSQL with ``SITREP_BENCH_DATABASE_URL``), waits
until both consumer groups are stable, then runs ``sitrep replay FILE`` — an operator's
backfill. While it runs, it polls each group's committed offsets and each process's memory:

- ``VmHWM`` (peak RSS) of the processor when it has committed half of the items, and of the
  sink when it has committed half of the reports; then both again at the end. With event-time
  windows bounding the state, the peak at the end stays within 10% of the peak at half-way.
  The processor's normalize loop commits the raw items, and its cluster step runs behind it
  (faust reads ahead up to 4,096 candidates records, which the RSS includes): so also the
  processor's peak once the cluster step has committed every candidates record the first half
  of the items made (``processor_peak_rss_through_half_mib``: half of the items through both
  steps);
- the rate: items / (replay start -> both groups committed everything), and the processor's own
  rate over the span of its output timestamps.

Writes ``backfill.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from tests.services import ServiceProcess

from bench.context import BenchRun, bench_run
from bench.corpus import raw_items
from bench.measure import mib, peak_rss_bytes, rss_bytes
from bench.results import RESULTS_DIR, Result
from bench.streams import BenchError, GroupWatch, processor_groups, quiet_client_logs, topic_span
from sitrep.ops.kafka import ensure_topics
from sitrep.records import encode
from sitrep.records.topics import CANDIDATES, EVENTS, RAW, REPORTS, TOPICS

DEFAULT_ITEMS: Final = 200_000
QUICK_ITEMS: Final = 2_000
PARTITIONS: Final = 4
JOIN_TIMEOUT: Final = 120.0
SAMPLE_EVERY: Final = 5.0


@dataclass(slots=True)
class Memory:
    """Peak RSS of one service at half-way and at the end, and RSS samples over the run."""

    service: ServiceProcess
    at_half: int | None = None
    at_through_half: int | None = None  # the processor: half of the items through both steps
    at_end: int | None = None
    samples: list[tuple[float, int]] = field(default_factory=list)

    @property
    def pid(self) -> int:
        assert self.service.proc is not None
        return self.service.proc.pid


def write_corpus(path: Path, items: int) -> int:
    with path.open("wb") as out:
        for item in raw_items(items):
            out.write(encode(item) + b"\n")
    return items


async def _backfill(
    run: BenchRun, items: int, process: Memory, sink: Memory, corpus: Path, within: float
) -> tuple[float, float, int | None]:
    """Replay and watch; returns (seconds to drained, replay seconds, replay peak RSS)."""
    settings = run.settings
    half = items // 2
    prefix = settings.group_prefix
    processor_groups_watch = GroupWatch(settings, processor_groups(settings))
    sink_group_watch = GroupWatch(settings, f"{prefix}.sink", (REPORTS.suffix, EVENTS.suffix))
    async with processor_groups_watch as processor_watch, sink_group_watch as sink_watch:
        await processor_watch.wait_members(1, JOIN_TIMEOUT, run.alive)
        await sink_watch.wait_members(1, JOIN_TIMEOUT, run.alive)
        started = time.monotonic()
        replay = run.start("replay", str(corpus))
        assert replay.proc is not None
        replay_pid = replay.proc.pid
        replay_peak: int | None = None
        replay_done: float | None = None
        last_sample = 0.0
        candidates_of_half: int | None = None  # candidates made from the first half of the items
        deadline = started + within
        while time.monotonic() < deadline:
            now = time.monotonic()
            if replay_done is None:
                if replay.alive():
                    with contextlib.suppress(ProcessLookupError):
                        replay_peak = peak_rss_bytes(replay_pid)
                else:
                    if replay.proc.returncode != 0:
                        raise BenchError(f"replay failed\n{run.logs()}")
                    replay_done = now - started
            if not (process.service.alive() and sink.service.alive()):
                raise BenchError(f"a service exited during the backfill\n{run.logs()}")
            raw = await processor_watch.progress((RAW.suffix,))
            reports = await sink_watch.progress((REPORTS.suffix,))
            if process.at_half is None and raw.committed >= half:
                process.at_half = peak_rss_bytes(process.pid)
                candidates_of_half = (await processor_watch.progress((CANDIDATES.suffix,))).end
            if candidates_of_half is not None and process.at_through_half is None:
                clustered = await processor_watch.progress((CANDIDATES.suffix,))
                if clustered.committed >= candidates_of_half:
                    process.at_through_half = peak_rss_bytes(process.pid)
            if sink.at_half is None and reports.committed >= half:
                sink.at_half = peak_rss_bytes(sink.pid)
            if now - last_sample >= SAMPLE_EVERY:
                last_sample = now
                for memory in (process, sink):
                    memory.samples.append((round(now - started, 1), rss_bytes(memory.pid)))
            if replay_done is not None and raw.committed >= items:
                everything = [await processor_watch.progress(), await sink_watch.progress()]
                if all(p.lag == 0 for p in everything) and reports.committed >= items:
                    drained = time.monotonic() - started
                    process.at_end = peak_rss_bytes(process.pid)
                    sink.at_end = peak_rss_bytes(sink.pid)
                    return drained, replay_done, replay_peak
            await asyncio.sleep(0.5)
    raise BenchError(f"backfill of {items} items not drained within {within:.0f}s\n{run.logs()}")


def _ratio(memory: Memory) -> float | None:
    if memory.at_half is None or memory.at_end is None:
        return None
    return memory.at_end / memory.at_half


def measure(items: int, *, quick: bool, results_dir: Path) -> Path:
    result = Result(
        "backfill",
        quick,
        {"items": items, "partitions": PARTITIONS, "workers": 1, "half": items // 2},
    )
    within = 300.0 if quick else 3600.0
    with bench_run("backfill", partitions=PARTITIONS, database=True) as run:
        result.parameters["database"] = run.database
        result.parameters["topic_prefix"] = run.settings.topic_prefix
        corpus = run.workdir / "corpus.jsonl"
        written_in = time.monotonic()
        write_corpus(corpus, items)
        result.add("corpus_write_s", time.monotonic() - written_in, "s")
        asyncio.run(ensure_topics(run.settings, TOPICS))
        process = Memory(run.start("process"))
        sink = Memory(run.start("sink"))
        drained, replay_s, replay_peak = asyncio.run(
            _backfill(run, items, process, sink, corpus, within)
        )
        span = asyncio.run(topic_span(run.settings, (REPORTS.suffix,)))
        for memory in (process, sink):
            memory.service.stop()
        run.record_errors(result)
    result.add("reports_per_s", items / drained, "reports/s")
    result.add("drained_s", drained, "s")
    result.add("replay_s", replay_s, "s")
    result.add("replay_items_per_s", items / replay_s, "items/s")
    if span is not None:
        result.add("processor_items_per_s", span.rate(items), "items/s")
    result.add("replay_peak_rss_mib", mib(replay_peak), "MiB")
    for label, memory in (("processor", process), ("sink", sink)):
        result.add(f"{label}_peak_rss_half_mib", mib(memory.at_half), "MiB")
        result.add(f"{label}_peak_rss_end_mib", mib(memory.at_end), "MiB")
        result.add(f"{label}_peak_rss_end_over_half", _ratio(memory), "x")
    result.parameters["rss_samples_mib"] = {
        label: [(t, round(b / 2**20, 1)) for t, b in memory.samples]
        for label, memory in (("processor", process), ("sink", sink))
    }
    if process.at_through_half is not None and process.at_end is not None:
        result.add("processor_peak_rss_through_half_mib", mib(process.at_through_half), "MiB")
        result.add(
            "processor_peak_rss_end_over_through_half",
            process.at_end / process.at_through_half,
            "x",
        )
    ratio = _ratio(process)
    if ratio is not None:
        verdict = "within" if ratio <= 1.10 else "NOT within"
        result.note(f"processor peak RSS at {items} is {verdict} 10% of that at {items // 2}")
    return result.write(results_dir)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=None)
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_ITEMS} items (smoke run)")
    parser.add_argument("--results", type=Path, default=RESULTS_DIR)
    args = parser.parse_args(argv)
    quiet_client_logs()
    items = args.items or (QUICK_ITEMS if args.quick else DEFAULT_ITEMS)
    try:
        measure(items, quick=args.quick, results_dir=args.results)
    except BenchError as exc:
        print(f"bench_backfill: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

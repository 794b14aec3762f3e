"""What each pure step of the processor costs per raw item, on the benchmark corpus.

    PYTHONPATH=. .venv/bin/python bench/profile_steps.py [ITEMS] [--live RATE]

No Kafka and no faust: the steps the worker runs for each item (strict decode, understanding,
encode, the candidate form; for each candidate: strict decode, merge into the cell state, expire, encode events and
the state), timed one by one in one process, in microseconds per raw item. The difference to
the worker's own time per item (``throughput_processor``) is what moving the records costs.

``--live RATE`` stamps the items as a live stream at RATE items per second would (publication
times move along with collection, as in ``bench_latency``): the stream is then dense in event
time, nothing expires, and the cells hold every event of the run.
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import yaml

from bench.corpus import live, raw_items, sources_document
from sitrep.dedupe import CellState, expire, merge_report, report_cells
from sitrep.normalize import build_report
from sitrep.records import encode
from sitrep.records.codec import decode_raw_item
from sitrep.records.model import Report
from sitrep.records.times import parse_iso, utc_now
from sitrep.sources import SourceRegistry
from sitrep.stream.routing import candidate_form, split_candidates
from sitrep.understand import default_understander

WINDOW = timedelta(hours=72)  # the processor's default cluster window


def main(argv: list[str]) -> int:
    rate = None
    if "--live" in argv:
        at = argv.index("--live")
        rate = float(argv[at + 1])
        argv = argv[:at] + argv[at + 2 :]
    count = int(argv[0]) if argv else 5000
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "sources.yaml"
        path.write_text(yaml.safe_dump(sources_document(), allow_unicode=True), encoding="utf-8")
        registry = SourceRegistry.load(str(path))
    understander = default_understander()
    items = raw_items(count)
    if rate is not None:
        start = datetime.now(UTC)
        items = (live(item, start + timedelta(seconds=i / rate)) for i, item in enumerate(items))
    blobs = [encode(item) for item in items]
    spent: dict[str, float] = {}
    states: dict[str, CellState] = {}
    candidates = 0

    def timed(step: str, started: float) -> None:
        spent[step] = spent.get(step, 0.0) + time.perf_counter() - started

    for blob in blobs:
        t = time.perf_counter()
        raw = decode_raw_item(blob)
        timed("decode raw item", t)
        t = time.perf_counter()
        source = registry.lookup(raw.source_kind, raw.source_id, raw.provenance.channel_username)
        report = build_report(raw, source, understander, utc_now())
        timed("build_report (understanding)", t)
        t = time.perf_counter()
        encode(report)
        cells = report_cells(report)
        value = candidate_form(report) if cells else b""
        timed("encode report, its candidate form", t)
        for cell in cells:
            candidates += 1
            t = time.perf_counter()
            [part] = split_candidates(value)
            candidate = part.report
            assert isinstance(candidate, Report)
            timed("decode candidate", t)
            t = time.perf_counter()
            state, changed = merge_report(
                states.get(cell), candidate, cell, utc_now(), part.text_print
            )
            timed("merge", t)
            t = time.perf_counter()
            clock = parse_iso(candidate.published_at or candidate.collected_at)
            state = expire(state, clock, WINDOW)
            for event in changed:
                encode(event)
            state.to_bytes()
            timed("expire, encode events and state", t)
            states[cell] = state
    mode = "" if rate is None else f" (live at {rate:g}/s)"
    print(f"{count} raw items{mode}, {candidates} candidates")
    events = [len(s.events) for s in states.values()]
    print(f"  {len(states)} cells, open events per cell: max {max(events)}, total {sum(events)}")
    for step, seconds in spent.items():
        print(f"  {step:34s} {seconds / count * 1e6:8.1f} µs per raw item")
    total = sum(spent.values())
    print(f"  {'all pure work':34s} {total / count * 1e6:8.1f} µs per raw item")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

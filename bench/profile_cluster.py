"""What the cluster step's pure work costs per candidate on a live stream, batch by batch.

    PYTHONPATH=. .venv/bin/python bench/profile_cluster.py [ITEMS] [RATE] [NORMALIZE_BATCH]

No Kafka and no faust. The corpus is stamped as a live stream at RATE items per second
(publication times move along with collection, as in ``bench_latency``: dense in event time,
nothing expires); the items are understood first, grouped as the normalize loop groups them
(one record per cell per NORMALIZE_BATCH items, each report in its candidate form), and then the cluster agent's steps run as it
runs them: per record, strict decoding and ``absorb`` of each report and one ``publish``; per
batch of 50 records, the changelog records of each cell it changed (``stored.written``). Prints
microseconds per candidate for each step, the event versions and bytes the step would send,
and the size of the biggest event. Defaults: 40,000 items at 1,000/s, batches of 100.
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import yaml

from bench.corpus import live, raw_items, sources_document
from sitrep.dedupe import CellState, absorb, publish, report_cells
from sitrep.dedupe.stored import Stored, written
from sitrep.normalize import build_report
from sitrep.records import encode
from sitrep.records.codec import decode_raw_item
from sitrep.records.model import Report
from sitrep.records.times import utc_now
from sitrep.sources import SourceRegistry
from sitrep.stream.routing import candidate_form, split_candidates
from sitrep.understand import default_understander

CLUSTER_BATCH = 50  # records per cluster batch, as ``sitrep.stream.app.CLUSTER_BATCH``


def _records(count: int, rate: float, per_batch: int) -> list[tuple[str, list[bytes]]]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "sources.yaml"
        path.write_text(yaml.safe_dump(sources_document(), allow_unicode=True), encoding="utf-8")
        registry = SourceRegistry.load(str(path))
    understander = default_understander()
    start = datetime.now(UTC)
    records: list[tuple[str, list[bytes]]] = []
    batch: dict[str, list[bytes]] = {}
    for n, item in enumerate(raw_items(count)):
        raw = decode_raw_item(encode(live(item, start + timedelta(seconds=n / rate))))
        source = registry.lookup(raw.source_kind, raw.source_id, raw.provenance.channel_username)
        report = build_report(raw, source, understander, utc_now())
        value = candidate_form(report)
        for cell in report_cells(report):
            batch.setdefault(cell, []).append(value)
        if (n + 1) % per_batch == 0:
            records.extend(batch.items())
            batch = {}
    records.extend(batch.items())
    return records


def main(argv: list[str]) -> int:
    count = int(argv[0]) if argv else 40_000
    rate = float(argv[1]) if len(argv) > 1 else 1000.0
    per_batch = int(argv[2]) if len(argv) > 2 else 100
    records = _records(count, rate, per_batch)
    candidates = sum(len(values) for _, values in records)
    spent = dict.fromkeys(("decode", "absorb", "publish", "changelog"), 0.0)
    states: dict[str, CellState] = {}
    stored: dict[str, Stored] = {}
    versions = event_bytes = changelog_bytes = 0
    for at in range(0, len(records), CLUSTER_BATCH):
        changed: dict[str, CellState] = {}
        for cell, values in records[at : at + CLUSTER_BATCH]:
            state: CellState | None = states.get(cell)
            touched: dict[str, None] = {}
            for value in values:
                t = time.perf_counter()
                [part] = split_candidates(value)
                report = part.report
                assert isinstance(report, Report)
                spent["decode"] += time.perf_counter() - t
                t = time.perf_counter()
                state, ids = absorb(state, report, cell, part.text_print)
                spent["absorb"] += time.perf_counter() - t
                touched.update(dict.fromkeys(ids))
            assert state is not None
            t = time.perf_counter()
            state, emitted = publish(state, touched, utc_now())
            spent["publish"] += time.perf_counter() - t
            versions += len(emitted)
            event_bytes += sum(len(data) for _, data in emitted)
            states[cell] = changed[cell] = state
        t = time.perf_counter()
        for cell, state in changed.items():
            stored[cell], writes = written(stored.get(cell), state)
            changelog_bytes += sum(len(value) for _, value in writes if value is not None)
        spent["changelog"] += time.perf_counter() - t
    print(f"{count} items live at {rate:g}/s: {len(records)} records, {candidates} candidates")
    for step, seconds in spent.items():
        print(f"  {step:10s} {seconds / candidates * 1e6:8.1f} µs per candidate")
    print(f"  {'all':10s} {sum(spent.values()) / candidates * 1e6:8.1f} µs per candidate")
    biggest = max(len(e.members) for s in states.values() for e in s.events.values())
    print(
        f"  {versions} event versions, {event_bytes / 1e6:.1f} MB of events, "
        f"{changelog_bytes / 1e6:.1f} MB of changelog; "
        f"{sum(len(s.events) for s in states.values())} open events, the biggest {biggest} "
        "members"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

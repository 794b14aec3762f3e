"""The one metrics registry. Every metric sitrep exports is declared here, once.

Names follow Prometheus conventions: ``sitrep_`` prefix, base units (seconds, bytes), counters
end in ``_total``. Label values are bounded: stages, outcomes and reasons are small fixed sets;
per-source labels use the source ids of the sources file (operators control that set), never
message ids or free text.

Use the module-level objects directly: ``metrics.ITEMS_IN.labels(stage="process").inc()``.
"""

from __future__ import annotations

import platform
from typing import Final, Literal, get_args

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, Info

import sitrep

REGISTRY: Final = CollectorRegistry(auto_describe=True)

Stage = Literal["collect_telegram", "collect_wire", "replay", "process", "sink"]
"""The ``stage`` label's values: one per service that moves records (``sitrep <service>``)."""
STAGES: Final[tuple[Stage, ...]] = get_args(Stage)

# fmt: off
_LATENCY_BUCKETS: Final = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0,
                           300.0)
_STAGE_BUCKETS: Final = (1e-5, 5e-5, 1e-4, 2.5e-4, 5e-4, 1e-3, 2.5e-3, 5e-3, 0.01, 0.05, 0.1, 0.5,
                         1.0)
# collected -> committed spans network, broker, processor and sink batching; backfills and
# catch-up after an outage are minutes to hours late, which p99 must still resolve
_END_TO_END_BUCKETS: Final = (0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0,
                              3600.0)
# fmt: on

BUILD_INFO: Final = Info("sitrep_build", "sitrep version and build facts", registry=REGISTRY)
BUILD_INFO.info({"version": sitrep.__version__, "python": platform.python_version()})

# --- flow through every stage (stage: collect_telegram, collect_wire, replay, process, sink)
ITEMS_IN: Final = Counter(
    "sitrep_items_in_total", "Records a stage consumed or collected", ["stage"], registry=REGISTRY
)
ITEMS_OUT: Final = Counter(
    "sitrep_items_out_total",
    "Records a stage produced or wrote",
    ["stage", "kind"],
    registry=REGISTRY,
)
# stage: a Stage, or "<stage>.<step>" for the step that rejected the record ("process.decode");
# alerts and the dashboard add steps up to their stage by the part before the dot
DLQ: Final = Counter(
    "sitrep_dlq_total",
    "Records sent to the dead-letter topic, by stage (or stage.step) and reason class",
    ["stage", "reason"],
    registry=REGISTRY,
)
STAGE_SECONDS: Final = Histogram(
    "sitrep_stage_duration_seconds",
    "Processing time of one record in a stage step (normalize, understand, copies, cluster, sink)",
    ["step"],
    buckets=_STAGE_BUCKETS,
    registry=REGISTRY,
)
END_TO_END_SECONDS: Final = Histogram(
    "sitrep_end_to_end_latency_seconds",
    "Time from collection to the database commit of the record's report",
    buckets=_END_TO_END_BUCKETS,
    registry=REGISTRY,
)
CONSUMER_LAG_RECORDS: Final = Gauge(
    "sitrep_consumer_lag_records",
    "Records behind the end of the input topic",
    ["stage"],
    registry=REGISTRY,
)
CONSUMER_LAG_SECONDS: Final = Gauge(
    "sitrep_consumer_lag_seconds",
    "How late the stage is: now - Kafka timestamp of the last consumed record, on partitions "
    "with records still to read (0 when caught up)",
    ["stage"],
    registry=REGISTRY,
)
LAST_PROGRESS: Final = Gauge(
    "sitrep_last_progress_timestamp_seconds",
    "Unix time a stage last made progress (consumed, collected or wrote)",
    ["stage"],
    registry=REGISTRY,
)
INPUT_REWINDS: Final = Counter(
    "sitrep_input_rewinds_total",
    "Input partitions repaired: records faust skipped produced again, or a stalled commit re-read",
    ["stage"],
    registry=REGISTRY,
)
INPUT_PAUSED: Final = Gauge(
    "sitrep_input_paused_partitions",
    "Input partitions paused because their event time ran more than a cluster window ahead of "
    "the slowest one (a backfill; bounds the open state)",
    ["stage"],
    registry=REGISTRY,
)
INPUT_PAUSES: Final = Counter(
    "sitrep_input_pauses_total",
    "Input partitions paused for running more than a cluster window ahead in event time",
    ["stage"],
    registry=REGISTRY,
)
PACE_WAIT: Final = Counter(
    "sitrep_pace_wait_seconds_total",
    "Seconds the normalize loop waited, in a backlog, for the cluster agent of its process to "
    "catch up (SITREP_PROCESSOR_AHEAD_RECORDS; bounds the agent's read-ahead)",
    ["stage"],
    registry=REGISTRY,
)
DLQ_BREAKER_OPEN: Final = Gauge(
    "sitrep_dlq_breaker_open",
    "1 when the DLQ circuit breaker stopped the stage",
    ["stage"],
    registry=REGISTRY,
)

# --- sources (source: the id from the sources file)
SOURCE_LAST_SUCCESS: Final = Gauge(
    "sitrep_source_last_success_timestamp_seconds",
    "Unix time a source last delivered (Telegram channel read, feed fetched)",
    ["kind", "source"],
    registry=REGISTRY,
)
SOURCE_LAST_ITEM: Final = Gauge(
    "sitrep_source_last_item_timestamp_seconds",
    "Publication time of the newest item seen from a source",
    ["kind", "source"],
    registry=REGISTRY,
)
COLLECTED: Final = Counter(
    "sitrep_collected_items_total",
    "Items collected by source and change (new, edit, delete)",
    ["kind", "source", "change"],
    registry=REGISTRY,
)

# --- telegram
TELEGRAM_FLOOD_WAITS: Final = Counter(
    "sitrep_telegram_flood_waits_total", "FloodWaitError responses honoured", registry=REGISTRY
)
TELEGRAM_FLOOD_WAIT_SECONDS: Final = Counter(
    "sitrep_telegram_flood_wait_seconds_total", "Seconds slept for flood waits", registry=REGISTRY
)
TELEGRAM_RECONNECTS: Final = Counter(
    "sitrep_telegram_reconnects_total", "Telegram client reconnects", registry=REGISTRY
)
TELEGRAM_UNRESOLVED_DELETIONS: Final = Counter(
    "sitrep_telegram_unresolved_deletions_total",
    "Deleted message ids Telegram sent without a channel that could not be resolved",
    registry=REGISTRY,
)
TELEGRAM_BACKFILL_REMAINING: Final = Gauge(
    "sitrep_telegram_backfill_remaining_messages",
    "Messages still to read in a channel's backfill or catch-up",
    ["source"],
    registry=REGISTRY,
)

# --- wire
WIRE_FETCHES: Final = Counter(
    "sitrep_wire_fetches_total",
    "Feed fetches by outcome (ok, not_modified, http_error, timeout, too_large, malformed, ...)",
    ["source", "outcome"],
    registry=REGISTRY,
)
WIRE_FETCH_SECONDS: Final = Histogram(
    "sitrep_wire_fetch_duration_seconds", "Feed fetch duration", ["source"], registry=REGISTRY
)
WIRE_FETCH_BYTES: Final = Counter(
    "sitrep_wire_fetch_bytes_total", "Bytes received from feeds", ["source"], registry=REGISTRY
)

# --- understanding and dedupe
EVENTS_EMITTED: Final = Counter(
    "sitrep_events_emitted_total",
    "Event versions emitted, by ACLED event type",
    ["event_type"],
    registry=REGISTRY,
)
COPIES_FOUND: Final = Counter(
    "sitrep_copies_total", "Reports found to copy an earlier one", ["reason"], registry=REGISTRY
)
OPEN_CLUSTERS: Final = Gauge(
    "sitrep_open_clusters", "Events open for merging in this worker's state", registry=REGISTRY
)

# --- process
GC_PAUSE_SECONDS: Final = Histogram(
    "sitrep_gc_pause_seconds",
    "Duration of one garbage collection (the whole process waits), by generation (2: full)",
    ["generation"],
    buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
    registry=REGISTRY,
)
GC_FROZEN: Final = Gauge(
    "sitrep_gc_frozen_objects",
    "Objects frozen out of full garbage collections (loaded at start, or survivors of one)",
    registry=REGISTRY,
)

# --- sink
SINK_BATCH_SIZE: Final = Histogram(
    "sitrep_sink_batch_size",
    "Records per sink transaction",
    buckets=(1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500),
    registry=REGISTRY,
)
SINK_WRITE_SECONDS: Final = Histogram(
    "sitrep_sink_write_duration_seconds",
    "Duration of one sink transaction",
    buckets=_LATENCY_BUCKETS,
    registry=REGISTRY,
)
SINK_ERRORS: Final = Counter(
    "sitrep_sink_errors_total",
    "Sink write failures by kind (unavailable: database down, retried; rejected: rows refused)",
    ["kind"],
    registry=REGISTRY,
)
SINK_PAUSED: Final = Gauge(
    "sitrep_sink_paused", "1 while the sink waits for the database", registry=REGISTRY
)

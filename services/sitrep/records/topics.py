"""Every Kafka topic sitrep owns, declared once: name, key, partitions, cleanup, schema.

Topic names are ``{SITREP_TOPIC_PREFIX}.{suffix}``; the prefix defaults to ``sitrep``. The
README's topic table is generated from :data:`TOPICS` (``sitrep topics``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True, slots=True)
class TopicSpec:
    suffix: str
    key: str
    cleanup_policy: str  # "delete" or "compact"
    schema_file: str | None  # under schemas/
    retention_ms: int
    description: str


DAY_MS: Final = 24 * 3600 * 1000

RAW: Final = TopicSpec(
    "raw.v1",
    "source_id",
    "delete",
    "raw_item.v1.schema.json",
    14 * DAY_MS,
    "Raw items from collectors and replay, in source order per key.",
)
REPORTS: Final = TopicSpec(
    "reports.v1",
    "report_id",
    "compact",
    "report.v1.schema.json",
    -1,
    "Normalized reports with their event candidates; latest version per report id.",
)
EVENTS: Final = TopicSpec(
    "events.v1",
    "event_id",
    "compact",
    "event.v1.schema.json",
    -1,
    "Events, one key per real-world event; the highest version is the current one.",
)
CANDIDATES: Final = TopicSpec(
    "candidates.v1",
    "place cell",
    "delete",
    None,
    3 * DAY_MS,
    "Internal: reports re-keyed by place cell so one area's reports meet on one partition.",
)
DLQ: Final = TopicSpec(
    "dlq.v1",
    "original key",
    "delete",
    None,
    30 * DAY_MS,
    "Dead letters: original bytes and key; headers sitrep-stage, sitrep-error, "
    "sitrep-error-class, sitrep-topic, sitrep-partition, sitrep-offset, sitrep-attempt.",
)
CHECKPOINTS: Final = TopicSpec(
    "checkpoints.v1",
    "collector:source_id",
    "compact",
    None,
    -1,
    "Collector checkpoints (last Telegram message id per channel, seen feed items).",
)

TOPICS: Final = (RAW, REPORTS, EVENTS, CANDIDATES, DLQ, CHECKPOINTS)

"""The Telegram collector and the export import wired to Kafka, the ops endpoints and signals.

:func:`run_collector` is ``sitrep collect telegram`` without the argument parsing: one
idempotent producer carries raw items, checkpoints and dead letters; ``/metrics``, ``/livez``
and ``/readyz`` are served when ``SITREP_OPS_PORT`` is set. :func:`deliver_export` is the
delivering half of ``sitrep import telegram-export``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Final

from sitrep.collect.output import open_raw_output
from sitrep.collect.telegram.checkpoints import KafkaCheckpointStore
from sitrep.collect.telegram.client import TelegramApi
from sitrep.collect.telegram.collector import STAGE, BackfillDepth, TelegramCollector
from sitrep.collect.telegram.export import ExportResult
from sitrep.collect.telegram.pacing import Pacing
from sitrep.ops.health import NotReady, OpsServer
from sitrep.ops.metrics import Stage
from sitrep.ops.settings import Settings
from sitrep.records.dlq import DeadLetter, DlqBreaker
from sitrep.records.topics import CHECKPOINTS, DLQ, RAW
from sitrep.sources import Source

log = logging.getLogger(__name__)

IMPORT_STAGE: Final[Stage] = "replay"
HEARTBEAT_SECONDS: Final = 15.0
EXPORT_BATCH: Final = 500


async def run_collector(
    settings: Settings,
    client: TelegramApi,
    sources: Sequence[Source],
    stop: asyncio.Event,
    *,
    backfill: BackfillDepth | None = None,
    pacing: Pacing | None = None,
    page_size: int = 100,
) -> None:
    """Collect ``sources`` with ``client`` into the raw topic until ``stop`` is set.

    Creates the raw, checkpoint and dead-letter topics if missing. Raises what
    :meth:`TelegramCollector.run` raises (authorization errors, Kafka failures).
    """
    async with open_raw_output(settings, None, stage=STAGE, topics=(RAW, CHECKPOINTS, DLQ)) as out:
        assert out.producer is not None and out.dead_letters is not None  # Kafka output
        collector = TelegramCollector(
            client,
            sources,
            out.sink,
            KafkaCheckpointStore(settings, out.producer),
            out.dead_letters,
            pacing=pacing,
            backfill=backfill or BackfillDepth(messages=settings.telegram_backfill_limit),
            page_size=page_size,
            breaker=DlqBreaker(STAGE, settings.dlq_window, settings.dlq_max_ratio),
        )

        async def telegram() -> bool:
            if not client.is_connected():
                raise NotReady("not connected to Telegram (connecting, or backing off)")
            return True

        async with OpsServer(
            settings,
            STAGE,
            {**out.checks, "telegram": telegram},
            # idle whenever its channels are (and for a flood wait): liveness proves the loop
            # turns; progress is sitrep_last_progress_timestamp_seconds
            keepalive_seconds=HEARTBEAT_SECONDS,
        ):
            await collector.run(stop)


async def deliver_export(settings: Settings, result: ExportResult, jsonl: str | None) -> None:
    """Write an export's items to ``jsonl`` (``-`` = stdout) or produce them to the raw topic.

    Rejected messages are dead-lettered (Kafka) or logged as warnings (JSON lines).
    """
    async with open_raw_output(settings, jsonl, stage=IMPORT_STAGE) as out:
        for start in range(0, len(result.items), EXPORT_BATCH):
            await out.sink.send(result.items[start : start + EXPORT_BATCH])
        for reject in result.rejects:
            if out.dead_letters is None:
                log.warning("telegram export message rejected", extra={"reason": reject.reason})
                continue
            await out.dead_letters(
                DeadLetter(
                    stage=IMPORT_STAGE,
                    error_class="telegram_export_message",
                    error=reject.reason,
                    value=reject.raw,
                    key=str(reject.chat_id).encode() if reject.chat_id is not None else None,
                )
            )

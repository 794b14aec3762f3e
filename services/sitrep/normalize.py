"""Stage 1 of the processor: a raw item becomes a report with its event candidates. Pure.

``build_report`` is the one place where a :class:`~sitrep.records.model.RawItem` meets the
source registry and the understanding code; the faust agent and ``sitrep label`` both call it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Final

from sitrep.records.codec import RecordError
from sitrep.records.model import RawItem, Report
from sitrep.records.times import parse_iso, to_iso
from sitrep.sources import Source
from sitrep.understand import ReportContext, Understander

MAX_TEXT_CHARS: Final = 200_000
"""Longer texts are dead-lettered: no post or wire story is that long (Telegram caps posts at
4,096 characters), so such an item is a collector bug or an attack, not reporting."""
EARLIEST: Final = datetime(1990, 1, 1, tzinfo=UTC)
MAX_CLOCK_SKEW: Final = timedelta(days=1)


def _time(raw: RawItem, field: str, value: str) -> datetime:
    try:
        return parse_iso(value)
    except ValueError:
        raise RecordError(f"{field}: {value[:40]!r} is not an ISO-8601 time") from None


def item_times(raw: RawItem) -> tuple[datetime, datetime]:
    """(published, collected) of an item, checked for plausibility.

    A publication time after the collection time (beyond a day of clock skew) or before 1990
    would corrupt event-time windows downstream, so it is refused with :class:`RecordError`.
    An item without a publication time is taken as published when it was collected.
    """
    collected = _time(raw, "collected_at", raw.collected_at)
    if raw.published_at is None:
        return collected, collected
    published = _time(raw, "published_at", raw.published_at)
    if published > collected + MAX_CLOCK_SKEW:
        raise RecordError(
            f"published_at {raw.published_at} is after collected_at {raw.collected_at}: "
            "fix the collector's clock or the source's dates"
        )
    if published < EARLIEST:
        raise RecordError(f"published_at {raw.published_at} is before 1990")
    return published, collected


def forward_origin_id(raw: RawItem) -> str | None:
    """The report id of the post a Telegram forward copies, when the header names it."""
    fwd = raw.provenance.forward
    if raw.source_kind != "telegram" or fwd is None:
        return None
    if fwd.channel_id is None or fwd.message_id is None:
        return None
    return f"telegram:{fwd.channel_id}:{fwd.message_id}"


def build_report(
    raw: RawItem, source: Source | None, understander: Understander, now: datetime
) -> Report:
    """Normalize ``raw`` and find its event candidates.

    ``source`` is the registry entry (role, side, outlet, region) or ``None`` for an unknown
    source (role ``other``). ``now`` is the processing time. A deleted item (tombstone) yields
    a report with ``deleted=True`` and no candidates. Raises :class:`RecordError` for an item
    that cannot be a report: implausible times, a text over :data:`MAX_TEXT_CHARS`.
    """
    published, _collected = item_times(raw)
    if len(raw.text) > MAX_TEXT_CHARS:
        raise RecordError(
            f"text has {len(raw.text)} characters, over the limit of {MAX_TEXT_CHARS}"
        )
    role = source.role if source is not None else "other"
    side = source.side if source is not None else None
    outlet = (
        raw.provenance.outlet
        or (source.outlet if source is not None else None)
        or raw.provenance.channel_title
    )
    origin = forward_origin_id(raw)
    common = {
        "report_id": raw.item_id,
        "item_id": raw.item_id,
        "source_kind": raw.source_kind,
        "source_id": raw.source_id,
        "native_id": raw.native_id,
        "version": raw.version,
        "collected_at": raw.collected_at,
        "processed_at": to_iso(now),
        "source_role": role,
        "published_at": to_iso(published),
        "title": raw.title,
        "url": raw.url,
        "outlet": outlet,
        "source_side": side,
        "origin_id": origin,
        "copy_reason": "forward" if origin else None,
        "provenance": raw.provenance,
    }
    if raw.deleted:
        return Report(language="und", text="", deleted=True, **common)  # type: ignore[arg-type]
    understanding = understander.understand(
        ReportContext(
            report_id=raw.item_id,
            text=raw.text,
            published_at=published,
            source_role=role,
            source_side=side,
            source_name=outlet,
            title=raw.title,
            lang_hint=raw.lang or (source.language if source is not None else None),
            region=source.region if source is not None else None,
        )
    )
    return Report(
        language=understanding.language,
        text=understanding.clean_text,
        candidates=understanding.candidates,
        **common,  # type: ignore[arg-type]
    )

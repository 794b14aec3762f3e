"""Stage 1 of the processor: a raw item becomes a report with its event candidates. Pure.

``build_report`` is the one place where a :class:`~sitrep.records.model.RawItem` meets the
source registry and the understanding code; the faust agent and ``sitrep label`` both call it.
"""

from __future__ import annotations

from datetime import datetime

from sitrep.records.model import RawItem, Report
from sitrep.records.times import parse_iso, to_iso
from sitrep.sources import Source
from sitrep.understand import ReportContext, Understander


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
    a report with ``deleted=True`` and no candidates. Raises ``ValueError`` only for a
    ``published_at``/``collected_at`` that is not an ISO time (the decoder checked the types).
    """
    published = parse_iso(raw.published_at) if raw.published_at else parse_iso(raw.collected_at)
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

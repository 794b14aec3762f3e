"""Shared helpers: understand a text with the real, process-wide understander."""

from __future__ import annotations

from datetime import UTC, datetime

from sitrep.records.model import EventCandidate, SourceRole
from sitrep.understand import ReportContext, Understanding, default_understander

PUBLISHED = datetime(2024, 11, 30, 10, 0, tzinfo=UTC)  # a Saturday, 13:00 in Syria


def understand(
    text: str,
    *,
    role: SourceRole = "wire",
    source: str | None = None,
    title: str | None = None,
    published: datetime = PUBLISHED,
    region: str | None = None,
) -> Understanding:
    return default_understander().understand(
        ReportContext(
            report_id="r1",
            text=text,
            published_at=published,
            source_role=role,
            source_name=source,
            title=title,
            region=region,
        )
    )


def events(text: str, **kwargs: object) -> tuple[EventCandidate, ...]:
    return understand(text, **kwargs).candidates  # type: ignore[arg-type]


def only(text: str, **kwargs: object) -> EventCandidate:
    found = events(text, **kwargs)
    assert len(found) == 1, [(c.sub_event_type, c.location and c.location.name) for c in found]
    return found[0]

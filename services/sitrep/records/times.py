"""UTC timestamps as ISO-8601 strings with a ``Z`` suffix, the only time format on the wire."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_now() -> datetime:
    return datetime.now(UTC)


def to_iso(moment: datetime) -> str:
    """Render an aware datetime as ``YYYY-MM-DDTHH:MM:SS[.ffffff]Z``; naive input is refused."""
    if moment.tzinfo is None:
        raise ValueError(f"naive datetime {moment!r}: sitrep only handles aware UTC times")
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def now_iso() -> str:
    return to_iso(utc_now())


def parse_iso(text: str) -> datetime:
    """Parse an ISO-8601 time; a time without offset is taken as UTC. Raises ``ValueError``."""
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)

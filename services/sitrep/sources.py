"""The source registry: which Telegram channels and feeds sitrep follows, with role and side.

Loaded from the sources file (YAML, ``SITREP_SOURCES_FILE``)::

    telegram:
      - id: militaryops            # source id: the Kafka key and the name in metrics
        channel: "@MilitaryOps"    # username or numeric channel id
        role: party                # party | state_media | wire | monitor | local_media | other
        side: opposition           # free text, compared for "independent sides"
        outlet: Military Operations Command
        language: ar
    feeds:
      - id: sana-en
        url: https://example.org/rss
        format: auto               # auto | rss | atom | ninjs | newsml
        outlet: SANA
        role: state_media
        side: government
        language: en
        poll_seconds: 300
        full_text: false

Unknown sources are looked up gracefully: role ``other``, no side.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from sitrep.records.model import SOURCE_ROLES, SourceKind, SourceRole


class SourcesError(ValueError):
    """The sources file is malformed; the message names the entry and the field."""


@dataclass(frozen=True, slots=True)
class Source:
    id: str
    kind: SourceKind
    role: SourceRole = "other"
    side: str | None = None
    outlet: str | None = None
    language: str | None = None
    # telegram
    channel: str | None = None
    # wire
    url: str | None = None
    format: str = "auto"
    poll_seconds: float = 300.0
    full_text: bool = False
    region: str | None = None  # ISO country code the source mostly reports on (place context)


UNKNOWN_ROLE: SourceRole = "other"


class SourceRegistry:
    """Lookup of sources by id, by Telegram channel id or username (case-insensitive)."""

    def __init__(self, sources: Iterable[Source] = ()) -> None:
        self._by_id: dict[tuple[str, str], Source] = {}
        self._by_channel: dict[str, Source] = {}
        for source in sources:
            key = (source.kind, source.id)
            if key in self._by_id:
                raise SourcesError(f"source id {source.id!r} ({source.kind}) is listed twice")
            self._by_id[key] = source
            if source.channel:
                self._by_channel[source.channel.lstrip("@").lower()] = source

    def __iter__(self) -> Iterator[Source]:
        return iter(self._by_id.values())

    def __len__(self) -> int:
        return len(self._by_id)

    def of_kind(self, kind: SourceKind) -> list[Source]:
        return [s for s in self._by_id.values() if s.kind == kind]

    def lookup(self, kind: str, source_id: str, channel: str | None = None) -> Source | None:
        found = self._by_id.get((kind, source_id))
        if found is None and kind == "telegram":
            found = self._by_channel.get(source_id.lstrip("@").lower())
            if found is None and channel:
                found = self._by_channel.get(channel.lstrip("@").lower())
        return found

    @classmethod
    def load(cls, path: str | Path | None) -> SourceRegistry:
        if path is None:
            return cls()
        try:
            data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        except OSError as exc:
            raise SourcesError(
                f"sources file {str(path)!r} cannot be read: {exc.strerror}"
            ) from None
        except yaml.YAMLError as exc:
            raise SourcesError(f"sources file {str(path)!r} is not valid YAML: {exc}") from None
        return cls.from_dict(data, origin=str(path))

    @classmethod
    def from_dict(cls, data: Any, origin: str = "sources") -> SourceRegistry:
        if not isinstance(data, dict):
            raise SourcesError(f"{origin}: expected a mapping with 'telegram' and/or 'feeds'")
        unknown = set(data) - {"telegram", "feeds"}
        if unknown:
            raise SourcesError(
                f"{origin}: unknown section(s) {sorted(unknown)}; use telegram, feeds"
            )
        sources: list[Source] = []
        for kind, section in (("telegram", "telegram"), ("wire", "feeds")):
            for n, entry in enumerate(data.get(section) or []):
                sources.append(_parse_entry(entry, kind, f"{origin}: {section}[{n}]"))
        return cls(sources)


_FIELDS = {
    "id", "channel", "role", "side", "outlet", "language", "url", "format",
    "poll_seconds", "full_text", "region",
}  # fmt: skip


def _parse_entry(entry: Any, kind: str, where: str) -> Source:
    if not isinstance(entry, dict):
        raise SourcesError(f"{where}: expected a mapping")
    unknown = set(entry) - _FIELDS
    if unknown:
        raise SourcesError(f"{where}: unknown field(s) {sorted(unknown)}")
    sid = entry.get("id")
    if not sid or not isinstance(sid, str | int):
        raise SourcesError(f"{where}: 'id' is required")
    role = entry.get("role", "other")
    if role not in SOURCE_ROLES:
        raise SourcesError(f"{where} ({sid}): role {role!r} is not one of {list(SOURCE_ROLES)}")
    if kind == "telegram" and not entry.get("channel"):
        raise SourcesError(f"{where} ({sid}): 'channel' (username or numeric id) is required")
    if kind == "wire" and not entry.get("url"):
        raise SourcesError(f"{where} ({sid}): 'url' is required")
    fmt = entry.get("format", "auto")
    if fmt not in {"auto", "rss", "atom", "ninjs", "newsml"}:
        raise SourcesError(f"{where} ({sid}): format {fmt!r}: use auto, rss, atom, ninjs, newsml")
    try:
        poll = float(entry.get("poll_seconds", 300))
    except (TypeError, ValueError):
        raise SourcesError(f"{where} ({sid}): poll_seconds must be a number") from None
    return Source(
        id=str(sid),
        kind=kind,  # type: ignore[arg-type]
        role=role,
        side=entry.get("side"),
        outlet=entry.get("outlet"),
        language=entry.get("language"),
        channel=str(entry["channel"]) if entry.get("channel") is not None else None,
        url=entry.get("url"),
        format=fmt,
        poll_seconds=poll,
        full_text=bool(entry.get("full_text", False)),
        region=entry.get("region"),
    )

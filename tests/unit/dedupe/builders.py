"""Hand-made reports and candidates for the dedupe tests (real records, realistic places)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from sitrep.records.model import Actor, EventCandidate, Location, Report

NOW = datetime(2024, 11, 30, 12, 0, tzinfo=UTC)

SARAQIB = Location("Saraqib", "Syria", 35.86447, 36.80591, 1, 164816, "Idlib", None, "SY")
BINNISH = Location("Binnish", "Syria", 35.95664, 36.7138, 1, 171451, "Idlib", None, "SY")
KAFR_NUBL = Location("Kafr Nubl", "Syria", 35.61376, 36.56449, 1, 168661, "Idlib", None, "SY")
IDLIB_GOVERNORATE = Location("Idlib", "Syria", 35.83, 36.63, 3, 169388, "Idlib", None, "SY")
SARAQIB_COUNTRYSIDE = Location("Saraqib", "Syria", 35.88, 36.84, 2, None, "Idlib", None, "SY")
DARAA = Location("Daraa", "Syria", 32.61889, 36.10213, 1, 170905, "Daraa", None, "SY")
SYRIA = Location("Syria", "Syria", 35.0, 38.0, 3, 163843, None, None, "SY")

HTS = Actor("Hayat Tahrir al-Sham", 2, "actor1")
ARMY = Actor("Military Forces of Syria (2000-2024)", 1, "actor2")
ARMY_ACTOR1 = Actor("Military Forces of Syria (2000-2024)", 1, "actor1")
RUSSIA = Actor("Military Forces of Russia (2000-)", 8, "actor1")
CIVILIANS = Actor("Civilians (Syria)", 7, "actor2")
PROTESTERS = Actor("Protesters (Syria)", 6, "actor1")

CAPTURE = ("Battles", "Non-state actor overtakes territory")
WITHDRAWAL = ("Strategic developments", "Non-violent transfer of territory")
SHELLING = ("Explosions/Remote violence", "Shelling/artillery/missile attack")
AIR_STRIKE = ("Explosions/Remote violence", "Air/drone strike")
CLASH = ("Battles", "Armed clash")


def candidate(
    report_id: str,
    n: int = 0,
    kind: tuple[str, str] = CAPTURE,
    location: Location | None = SARAQIB,
    occurred_on: str = "2024-11-30",
    actors: tuple[Actor, ...] = (HTS, ARMY),
    **fields: Any,
) -> EventCandidate:
    values: dict[str, Any] = {
        "time_precision": 1,
        "fatalities": 0,
        "claim_status": "reported",
    }
    values.update(fields)
    return EventCandidate(
        candidate_id=f"{report_id}#{n}",
        event_type=kind[0],
        sub_event_type=kind[1],
        occurred_on=occurred_on,
        location=location,
        actors=actors,
        **values,
    )


def report(
    source_id: str,
    native_id: str,
    text: str,
    *candidates_fields: dict[str, Any],
    source_kind: str = "telegram",
    role: str = "monitor",
    side: str | None = None,
    published_at: str = "2024-11-30T10:00:00Z",
    version: int = 1,
    **fields: Any,
) -> Report:
    """A report with one candidate per ``candidates_fields`` mapping (kwargs of
    :func:`candidate`); with none given, one default candidate."""
    report_id = f"{source_kind}:{source_id}:{native_id}"
    specs = candidates_fields or ({},)
    return Report(
        report_id=report_id,
        item_id=report_id,
        source_kind=source_kind,  # type: ignore[arg-type]
        source_id=source_id,
        native_id=native_id,
        version=version,
        language="en",
        text=text,
        collected_at=published_at,
        processed_at=published_at,
        source_role=role,  # type: ignore[arg-type]
        source_side=side,
        published_at=published_at,
        candidates=tuple(candidate(report_id, n, **spec) for n, spec in enumerate(specs)),
        **fields,
    )


def edited(base: Report, version: int, **fields: Any) -> Report:
    return replace(base, version=version, **fields)


def deleted(base: Report, version: int | None = None) -> Report:
    return replace(
        base,
        version=base.version if version is None else version,
        text="",
        candidates=(),
        deleted=True,
    )

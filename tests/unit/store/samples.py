"""Event and report records for the store's tests, built with the real record types.

``event(...)`` and ``report(...)`` take keyword overrides for any field; ``located(...)``
builds a :class:`Location`. ``ANALYST_EVENTS`` is a small, realistic set of Syrian events
(places and coordinates from GeoNames) that the query tests and ``docs/storage.md`` use.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sitrep.records.codec import encode
from sitrep.records.model import (
    Actor,
    Corroboration,
    Event,
    EventReportLink,
    Location,
    MergeReason,
    Report,
)
from sitrep.store.sink import ConsumedRecord

EVENTS_TOPIC = "t.events.v1"
REPORTS_TOPIC = "t.reports.v1"


def located(
    name: str = "Saraqib",
    admin1: str | None = "Idlib",
    lat: float = 35.8647,
    lon: float = 36.8006,
    country: str = "Syria",
    country_code: str | None = "SY",
    geo_precision: int = 1,
    geonames_id: int | None = 163270,
    admin2: str | None = None,
) -> Location:
    return Location(
        name=name,
        country=country,
        latitude=lat,
        longitude=lon,
        geo_precision=geo_precision,
        geonames_id=geonames_id,
        admin1=admin1,
        admin2=admin2,
        country_code=country_code,
    )


def link(
    report_id: str = "telegram:militaryops:101",
    n: int = 0,
    source_id: str = "militaryops",
    source_kind: str = "telegram",
    source_role: str = "party",
    outlet: str | None = None,
    rule: str = "seed",
    copy_of: str | None = None,
    side: str | None = None,
) -> EventReportLink:
    return EventReportLink(
        report_id=report_id,
        candidate_id=f"{report_id}#{n}",
        source_id=source_id,
        source_kind=source_kind,  # type: ignore[arg-type]
        source_role=source_role,  # type: ignore[arg-type]
        reason=MergeReason(rule=rule, score=1.0 if rule == "seed" else 0.82, distance_km=None),
        outlet=outlet,
        source_side=side,
        copy_of=copy_of,
        published_at="2024-12-01T08:00:00Z",
    )


def event(**overrides: Any) -> Event:
    """A valid event; every field can be overridden by keyword."""
    base = Event(
        event_id="ev-0000000000000001",
        version=1,
        event_type="Explosions/Remote violence",
        sub_event_type="Air/drone strike",
        occurred_on="2024-12-01",
        time_precision=1,
        location=located(),
        actors=(
            Actor("Military Forces of Russia (2000-)", 8, "actor1"),
            Actor("Civilians (Syria)", 7, "actor2"),
        ),
        fatalities=3,
        claim_status="reported",
        corroboration=Corroboration(independent_sources=1, outlets=("Military Ops",), reports=1),
        reports=(link(),),
        first_seen="2024-12-01T08:01:00Z",
        last_seen="2024-12-01T08:01:00Z",
        updated_at="2024-12-01T08:01:05Z",
    )
    return replace(base, **overrides)


def report(**overrides: Any) -> Report:
    """A valid report; every field can be overridden by keyword."""
    base = Report(
        report_id="telegram:militaryops:101",
        item_id="telegram:militaryops:101",
        source_kind="telegram",
        source_id="militaryops",
        native_id="101",
        version=0,
        language="ar",
        text="غارات جوية على سراقب",
        collected_at="2024-12-01T08:00:30Z",
        processed_at="2024-12-01T08:00:31Z",
        source_role="party",
        published_at="2024-12-01T08:00:00Z",
        outlet="Military Operations Command",
        source_side="opposition",
    )
    return replace(base, **overrides)


def consumed(
    record: Event | Report | None,
    offset: int = 0,
    key: str | None = None,
    partition: int = 0,
    value: bytes | None = None,
) -> ConsumedRecord:
    """A record as the sink would consume it from the events or reports topic."""
    if isinstance(record, Event):
        topic, record_key = EVENTS_TOPIC, record.event_id
    elif isinstance(record, Report):
        topic, record_key = REPORTS_TOPIC, record.report_id
    else:
        topic, record_key = EVENTS_TOPIC, key or ""
    data = value if value is not None else (encode(record) if record is not None else None)
    return ConsumedRecord(topic, partition, offset, (key or record_key).encode(), data)


def _ev(n: int, **overrides: Any) -> Event:
    return event(event_id=f"ev-{n:016x}", **overrides)


ANALYST_EVENTS: tuple[Event, ...] = (
    _ev(
        1,
        occurred_on="2024-11-28",
        event_type="Explosions/Remote violence",
        sub_event_type="Air/drone strike",
        location=located("Saraqib", "Idlib", 35.8647, 36.8006),
        actors=(
            Actor("Military Forces of Russia (2000-)", 8, "actor1"),
            Actor("Civilians (Syria)", 7, "actor2"),
        ),
        fatalities=4,
        claim_status="corroborated",
        corroboration=Corroboration(
            independent_sources=3, outlets=("SOHR", "Reuters", "Syria TV"), reports=4, copies=1
        ),
        reports=(
            link("telegram:sohr:5501", source_id="sohr", source_role="monitor", outlet="SOHR"),
            link(
                "wire:reuters:a1",
                source_id="reuters",
                source_kind="wire",
                source_role="wire",
                outlet="Reuters",
                rule="same_event",
            ),
            link(
                "telegram:syriatv:88",
                source_id="syriatv",
                source_role="local_media",
                outlet="Syria TV",
                rule="same_event",
            ),
        ),
    ),
    _ev(
        2,
        occurred_on="2024-11-29",
        event_type="Battles",
        sub_event_type="Non-state actor overtakes territory",
        location=located("Aleppo", "Aleppo", 36.2021, 37.1343, geonames_id=170063),
        actors=(
            Actor("Hayat Tahrir al-Sham", 2, "actor1"),
            Actor("Syrian National Army", 2, "assoc"),
            Actor("Military Forces of Syria (2000-2024)", 1, "actor2"),
        ),
        fatalities=12,
        claim_status="claimed",
        claimed_by=("Military Operations Command",),
        corroboration=Corroboration(
            independent_sources=1, outlets=("Military Ops",), reports=2, copies=1
        ),
    ),
    _ev(
        3,
        occurred_on="2024-11-30",
        event_type="Battles",
        sub_event_type="Armed clash",
        location=located("Hama", "Hama", 35.1318, 36.7578, geonames_id=170017),
        actors=(
            Actor("Military Forces of Syria (2000-2024)", 1, "actor1"),
            Actor("Hayat Tahrir al-Sham", 2, "actor2"),
        ),
        fatalities=20,
        claim_status="disputed",
        corroboration=Corroboration(
            independent_sources=2,
            outlets=("SANA", "SOHR"),
            reports=2,
            denials=1,
            sides=("government", "opposition"),
        ),
    ),
    _ev(
        4,
        occurred_on="2024-12-02",
        event_type="Protests",
        sub_event_type="Peaceful protest",
        location=located("Al Hasakah", "Al-Hasakah", 36.5024, 40.7477, geonames_id=173576),
        actors=(Actor("Protesters (Syria)", 6, "actor1"),),
        fatalities=0,
        claim_status="reported",
        corroboration=Corroboration(independent_sources=1, outlets=("North Press",), reports=1),
    ),
    _ev(
        5,
        occurred_on="2024-12-03",
        event_type="Explosions/Remote violence",
        sub_event_type="Shelling/artillery/missile attack",
        location=located(
            "Tall Rif'at", "Aleppo", 36.4697, 37.0973, geonames_id=163105, geo_precision=2
        ),
        actors=(
            Actor("Syrian National Army", 2, "actor1"),
            Actor("SDF: Syrian Democratic Forces", 3, "actor2"),
        ),
        fatalities=2,
        claim_status="corroborated",
        corroboration=Corroboration(
            independent_sources=2, outlets=("Hawar News", "SOHR"), reports=2
        ),
    ),
    _ev(
        6,
        occurred_on="2024-12-05",
        event_type="Strategic developments",
        sub_event_type="Non-violent transfer of territory",
        location=located("Hama", "Hama", 35.1318, 36.7578, geonames_id=170017, geo_precision=1),
        actors=(Actor("Hayat Tahrir al-Sham", 2, "actor1"),),
        fatalities=0,
        claim_status="corroborated",
        corroboration=Corroboration(
            independent_sources=4, outlets=("Reuters", "AFP", "SANA", "SOHR"), reports=6
        ),
    ),
    _ev(
        7,
        occurred_on="2024-12-06",
        event_type="Violence against civilians",
        sub_event_type="Attack",
        location=None,
        actors=(
            Actor("Unidentified Armed Group (Syria)", 3, "actor1"),
            Actor("Civilians (Syria)", 7, "actor2"),
        ),
        fatalities=1,
        claim_status="reported",
        corroboration=Corroboration(independent_sources=1, outlets=("Syria TV",), reports=1),
    ),
)

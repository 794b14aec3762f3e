"""The analyst's questions about events, as SQL with parameters (pure: builds, never runs).

:class:`EventQuery` holds the filters of ``sitrep events``; :func:`select_events` turns them
into one ``SELECT`` for a dialect. Every filter maps to an index (see ``docs/storage.md``).
The "near a point" filter needs no PostGIS: SQL narrows the rows to a bounding box on the
indexed latitude/longitude columns, then :func:`haversine_km` keeps those really within the
radius and gives their distance.

Matching rules: type and sub-type match ACLED's names case-insensitively; country matches the
name (case-insensitive) or the ISO 3166-1 alpha-2 code; admin1 matches the name
case-insensitively; actor matches the beginning of an actor's name case-insensitively
(``"Military Forces of Syria"`` finds ``"Military Forces of Syria (2024-)"``); dates are
inclusive; ``min_sources`` counts independent sources (copies and forwards count once).
"""

# ruff: noqa: S608 - SQL text is built from constant table and column names; values are bound

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Final

from sitrep.records.model import CLAIM_STATUSES, ClaimStatus, Event
from sitrep.store.acled import canonical_event_type, canonical_sub_event_type
from sitrep.store.rows import SqlValue, name_key
from sitrep.store.sql import Dialect, placeholder

EARTH_RADIUS_KM: Final = 6371.0088
# the largest code point: every string starting with a prefix sorts below prefix + this
_PREFIX_END: Final = "\U0010ffff"


class QueryError(ValueError):
    """A filter value is out of range or contradicts another; the message names the filter."""


@dataclass(frozen=True, slots=True)
class GeoPoint:
    latitude: float
    longitude: float


@dataclass(frozen=True, slots=True)
class EventQuery:
    """Filters over current events; ``None`` means "any". Raises :class:`QueryError` if invalid."""

    since: date | None = None
    until: date | None = None
    event_type: str | None = None
    sub_event_type: str | None = None
    country: str | None = None
    admin1: str | None = None
    near: GeoPoint | None = None
    within_km: float = 25.0
    actor: str | None = None
    min_sources: int | None = None
    claim_status: ClaimStatus | None = None
    limit: int | None = None

    def __post_init__(self) -> None:
        if self.since and self.until and self.since > self.until:
            raise QueryError(f"--since {self.since} is after --until {self.until}")
        if self.near is not None:
            if not -90 <= self.near.latitude <= 90 or not -180 <= self.near.longitude <= 180:
                raise QueryError("--near LAT,LON: latitude in [-90, 90], longitude in [-180, 180]")
            if not self.within_km > 0:
                raise QueryError("--within KM must be a positive distance")
        if self.min_sources is not None and self.min_sources < 0:
            raise QueryError("--min-sources must be 0 or more")
        if self.claim_status is not None and self.claim_status not in CLAIM_STATUSES:
            raise QueryError(f"--claim-status: use one of {', '.join(CLAIM_STATUSES)}")
        if self.limit is not None and self.limit < 1:
            raise QueryError("--limit must be at least 1")


@dataclass(frozen=True, slots=True)
class FoundEvent:
    """An event that matched, with its distance from the ``near`` point when one was given."""

    event: Event
    distance_km: float | None = None


@dataclass(frozen=True, slots=True)
class BoundingBox:
    """Latitude range and longitude ranges (two when the box crosses the antimeridian, none
    when it contains a pole: then every longitude is in)."""

    min_lat: float
    max_lat: float
    lon_ranges: tuple[tuple[float, float], ...]


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance on a sphere of the Earth's mean radius, in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def bounding_box(center: GeoPoint, km: float) -> BoundingBox:
    """The smallest latitude/longitude box holding every point within ``km`` of ``center``."""
    angular = km / EARTH_RADIUS_KM
    dlat = math.degrees(angular)
    min_lat, max_lat = center.latitude - dlat, center.latitude + dlat
    ratio = (
        math.sin(angular) / math.cos(math.radians(center.latitude)) if angular < math.pi / 2 else 2
    )
    if max_lat >= 90 or min_lat <= -90 or ratio >= 1:
        return BoundingBox(max(min_lat, -90.0), min(max_lat, 90.0), ())
    dlon = math.degrees(math.asin(ratio))
    west, east = center.longitude - dlon, center.longitude + dlon
    if west < -180:
        ranges: tuple[tuple[float, float], ...] = ((west + 360, 180.0), (-180.0, east))
    elif east > 180:
        ranges = ((west, 180.0), (-180.0, east - 360))
    else:
        ranges = ((west, east),)
    return BoundingBox(min_lat, max_lat, ranges)


def select_events(query: EventQuery, dialect: Dialect) -> tuple[str, list[SqlValue]]:
    """``SELECT record, latitude, longitude FROM events ...`` with the query's filters.

    Newest first (``occurred_on`` descending, then ``event_id``). The ``LIMIT`` is left out when
    a ``near`` filter is set: the radius check happens after the query, then the limit.
    """
    p = placeholder(dialect)
    where: list[str] = []
    params: list[SqlValue] = []
    if query.since is not None:
        where.append(f"e.occurred_on >= {p}")
        params.append(query.since.isoformat())
    if query.until is not None:
        where.append(f"e.occurred_on <= {p}")
        params.append(query.until.isoformat())
    if query.event_type:
        where.append(f"e.event_type = {p}")
        params.append(canonical_event_type(query.event_type))
    if query.sub_event_type:
        where.append(f"e.sub_event_type = {p}")
        params.append(canonical_sub_event_type(query.sub_event_type))
    if query.country:
        where.append(f"(e.country_key = {p} OR e.country_code = {p})")
        params.extend([name_key(query.country), query.country.strip().upper()])
    if query.admin1:
        where.append(f"e.admin1_key = {p}")
        params.append(name_key(query.admin1))
    if query.actor:
        key = name_key(query.actor) or ""
        where.append(
            "EXISTS (SELECT 1 FROM event_actors a WHERE a.event_id = e.event_id"
            f" AND a.actor_key >= {p} AND a.actor_key < {p})"
        )
        params.extend([key, key + _PREFIX_END])
    if query.min_sources is not None:
        where.append(f"e.independent_sources >= {p}")
        params.append(query.min_sources)
    if query.claim_status is not None:
        where.append(f"e.claim_status = {p}")
        params.append(query.claim_status)
    if query.near is not None:
        box = bounding_box(query.near, query.within_km)
        where.append(f"e.latitude BETWEEN {p} AND {p}")
        params.extend([box.min_lat, box.max_lat])
        if box.lon_ranges:
            where.append(
                "(" + " OR ".join(f"e.longitude BETWEEN {p} AND {p}" for _ in box.lon_ranges) + ")"
            )
            for west, east in box.lon_ranges:
                params.extend([west, east])
    sql = "SELECT e.record, e.latitude, e.longitude FROM events e"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY e.occurred_on DESC, e.event_id"
    if query.limit is not None and query.near is None:
        sql += f" LIMIT {int(query.limit)}"
    return sql, params


def within_radius(
    query: EventQuery, events: list[tuple[Event, float | None, float | None]]
) -> list[FoundEvent]:
    """Apply the exact radius check (and then the limit) to rows from :func:`select_events`."""
    if query.near is None:
        return [FoundEvent(event) for event, _, _ in events]
    found: list[FoundEvent] = []
    for event, lat, lon in events:
        if lat is None or lon is None:
            continue
        distance = haversine_km(query.near.latitude, query.near.longitude, lat, lon)
        if distance <= query.within_km:
            found.append(FoundEvent(event, distance))
            if query.limit is not None and len(found) >= query.limit:
                break
    return found

"""Query building and the near-a-point geometry (pure)."""

from __future__ import annotations

import math
from datetime import date

import pytest

from sitrep.store.queries import (
    EARTH_RADIUS_KM,
    EventQuery,
    GeoPoint,
    QueryError,
    bounding_box,
    haversine_km,
    select_events,
    within_radius,
)
from tests.unit.store.samples import event, located


def _destination(start: GeoPoint, bearing_deg: float, km: float) -> tuple[float, float]:
    """The point ``km`` from ``start`` on ``bearing_deg`` (spherical direct formula)."""
    d = km / EARTH_RADIUS_KM
    b = math.radians(bearing_deg)
    p1, l1 = math.radians(start.latitude), math.radians(start.longitude)
    p2 = math.asin(math.sin(p1) * math.cos(d) + math.cos(p1) * math.sin(d) * math.cos(b))
    l2 = l1 + math.atan2(
        math.sin(b) * math.sin(d) * math.cos(p1), math.cos(d) - math.sin(p1) * math.sin(p2)
    )
    lon = (math.degrees(l2) + 540) % 360 - 180
    return math.degrees(p2), lon


def _in_box(lat: float, lon: float, center: GeoPoint, km: float) -> bool:
    box = bounding_box(center, km)
    if not box.min_lat - 1e-9 <= lat <= box.max_lat + 1e-9:
        return False
    return not box.lon_ranges or any(w - 1e-9 <= lon <= e + 1e-9 for w, e in box.lon_ranges)


def test_one_degree_of_latitude_is_about_111_km() -> None:
    assert haversine_km(35.0, 36.0, 36.0, 36.0) == pytest.approx(111.195, abs=0.01)


def test_haversine_between_aleppo_and_damascus() -> None:
    assert haversine_km(36.2021, 37.1343, 33.5102, 36.2913) == pytest.approx(310, abs=5)


@pytest.mark.parametrize(
    "center", [GeoPoint(36.2, 37.1), GeoPoint(-33.9, 18.4), GeoPoint(64.1, -21.9), GeoPoint(0, 0)]
)
def test_bounding_box_holds_every_point_on_the_circle(center: GeoPoint) -> None:
    for bearing in range(0, 360, 5):
        lat, lon = _destination(center, bearing, 50.0)
        assert _in_box(lat, lon, center, 50.0), (bearing, lat, lon)


def test_bounding_box_splits_at_the_antimeridian() -> None:
    center = GeoPoint(-17.7, 179.9)  # Fiji
    box = bounding_box(center, 100.0)
    assert len(box.lon_ranges) == 2
    lat, lon = _destination(center, 90, 99.0)
    assert lon < 0
    assert _in_box(lat, lon, center, 100.0)


def test_bounding_box_around_a_pole_spans_every_longitude() -> None:
    box = bounding_box(GeoPoint(89.9, 10.0), 50.0)
    assert box.lon_ranges == ()
    assert box.max_lat == 90.0


def test_query_refuses_since_after_until() -> None:
    with pytest.raises(QueryError, match="--since"):
        EventQuery(since=date(2024, 12, 2), until=date(2024, 12, 1))


def test_query_refuses_a_point_off_the_globe() -> None:
    with pytest.raises(QueryError, match="--near"):
        EventQuery(near=GeoPoint(95.0, 10.0))


def test_query_without_filters_selects_everything_newest_first() -> None:
    sql, params = select_events(EventQuery(), "postgres")
    assert "WHERE" not in sql
    assert sql.endswith("ORDER BY e.occurred_on DESC, e.event_id")
    assert params == []


def test_query_binds_every_value_as_a_parameter() -> None:
    sql, params = select_events(EventQuery(country="Syria'; DROP TABLE events; --"), "sqlite")
    assert "DROP" not in sql
    assert params == ["syria'; drop table events; --", "SYRIA'; DROP TABLE EVENTS; --"]


def test_query_spells_event_types_the_acled_way() -> None:
    _, params = select_events(EventQuery(event_type="explosions/remote VIOLENCE"), "sqlite")
    assert params == ["Explosions/Remote violence"]


def test_limit_applies_after_the_radius_check() -> None:
    near = GeoPoint(35.8647, 36.8006)
    far, close = event(event_id="ev-far"), event(event_id="ev-close")
    rows = [(far, 36.9, 36.8), (close, 35.87, 36.80)]
    sql, _ = select_events(EventQuery(near=near, within_km=10, limit=1), "sqlite")
    assert "LIMIT" not in sql
    found = within_radius(EventQuery(near=near, within_km=10, limit=1), rows)
    assert [f.event.event_id for f in found] == ["ev-close"]
    assert found[0].distance_km == pytest.approx(0.6, abs=0.1)


def test_events_without_coordinates_are_never_near() -> None:
    rows = [(event(location=None), None, None)]
    assert within_radius(EventQuery(near=GeoPoint(0, 0), within_km=20000), rows) == []


def test_without_near_every_row_is_found() -> None:
    rows = [(event(location=located()), 35.86, 36.8), (event(location=None), None, None)]
    assert len(within_radius(EventQuery(), rows)) == 2

"""Exports: table, JSON, GeoJSON (validated against a GeoJSON schema), ACLED CSV."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import jsonschema
import orjson

from sitrep.records.codec import decode_event
from sitrep.store.acled import ACLED_COLUMNS
from sitrep.store.exports import render, render_table, to_acled_csv, to_geojson, to_json
from sitrep.store.queries import FoundEvent
from tests.unit.store.samples import ANALYST_EVENTS, event

GEOJSON_SCHEMA = json.loads((Path(__file__).parent / "geojson.schema.json").read_text())
FOUND = [FoundEvent(e) for e in ANALYST_EVENTS]


def test_geojson_validates_as_a_feature_collection() -> None:
    jsonschema.validate(json.loads(to_geojson(FOUND)), GEOJSON_SCHEMA)


def test_geojson_schema_rejects_latitude_first_coordinates() -> None:
    bad = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [36.2, 137.1]},
                "properties": {},
            }
        ],
    }
    validator = jsonschema.Draft202012Validator(GEOJSON_SCHEMA)
    assert not validator.is_valid(bad)


def test_geojson_point_is_longitude_then_latitude() -> None:
    feature = json.loads(to_geojson([FoundEvent(event())]))["features"][0]
    assert feature["geometry"] == {"type": "Point", "coordinates": [36.8006, 35.8647]}
    assert feature["id"] == "ev-0000000000000001"


def test_event_without_location_has_null_geometry() -> None:
    feature = json.loads(to_geojson([FoundEvent(event(location=None))]))["features"][0]
    assert feature["geometry"] is None


def test_geojson_carries_the_distance_from_the_near_point() -> None:
    feature = json.loads(to_geojson([FoundEvent(event(), 3.14159)]))["features"][0]
    assert feature["properties"]["distance_km"] == 3.142


def test_csv_round_trips_through_the_csv_module_with_acled_header() -> None:
    rows = list(csv.DictReader(io.StringIO(to_acled_csv(FOUND), newline="")))
    assert len(rows) == len(ANALYST_EVENTS)
    with io.StringIO(to_acled_csv(FOUND), newline="") as f:
        assert tuple(next(csv.reader(f))) == ACLED_COLUMNS
    by_id = {r["event_id_cnty"]: r for r in rows}
    aleppo = by_id["ev-0000000000000002"]
    assert aleppo["assoc_actor_1"] == "Syrian National Army"
    assert aleppo["interaction"] == "12"
    assert float(aleppo["latitude"]) == 36.2021


def test_csv_quotes_commas_and_quotes_in_values() -> None:
    text = to_acled_csv([FoundEvent(event(sub_event_type='Air/drone strike, "reported"'))])
    row = next(csv.DictReader(io.StringIO(text, newline="")))
    assert row["sub_event_type"] == 'Air/drone strike, "reported"'


def test_json_is_an_array_of_event_records() -> None:
    records = orjson.loads(to_json(FOUND))
    assert [decode_event(r) for r in records] == list(ANALYST_EVENTS)


def test_table_has_a_line_per_event_and_a_count() -> None:
    lines = render_table(FOUND).splitlines()
    assert lines[0].split()[:3] == ["DATE", "TYPE", "SUB-TYPE"]
    assert len(lines) == 2 + len(ANALYST_EVENTS) + 1
    assert lines[-1] == f"{len(ANALYST_EVENTS)} events"


def test_table_shortens_long_cells() -> None:
    long_name = "A" * 200
    text = render_table([FoundEvent(event(sub_event_type=long_name))])
    assert long_name not in text
    assert "…" in text


def test_empty_result_says_so() -> None:
    assert render([], "table") == "No events match.\n"
    assert json.loads(render([], "geojson")) == {"type": "FeatureCollection", "features": []}

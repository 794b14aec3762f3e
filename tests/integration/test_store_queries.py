"""``sitrep events``: every filter, on real PostgreSQL and SQLite, and the command's formats.

The database holds :data:`ANALYST_EVENTS` (seven Syrian events, 28 Nov - 6 Dec 2024):

    1  11-28  Explosions/Remote violence / Air/drone strike   Saraqib, Idlib      corroborated 3
    2  11-29  Battles / Non-state actor overtakes territory   Aleppo, Aleppo      claimed      1
    3  11-30  Battles / Armed clash                           Hama, Hama          disputed     2
    4  12-02  Protests / Peaceful protest                     Al Hasakah          reported     1
    5  12-03  Explosions/Remote violence / Shelling/...       Tall Rif'at, Aleppo corroborated 2
    6  12-05  Strategic developments / Non-violent transfer   Hama, Hama          corroborated 4
    7  12-06  Violence against civilians / Attack             (no location)       reported     1
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import jsonschema
import pytest
from tests.unit.store.samples import (
    ANALYST_EVENTS,
    EVENTS_TOPIC,
    REPORTS_TOPIC,
    consumed,
)

from sitrep.cli import main
from sitrep.ops.settings import Secret, Settings
from sitrep.records.codec import decode_event
from sitrep.store.acled import ACLED_COLUMNS
from sitrep.store.connection import database_target
from sitrep.store.database import Store
from sitrep.store.queries import EventQuery, GeoPoint
from sitrep.store.sink import Sink

pytestmark = pytest.mark.integration

GEOJSON_SCHEMA = json.loads(
    (Path(__file__).parent.parent / "unit" / "store" / "geojson.schema.json").read_text()
)
ALEPPO = GeoPoint(36.2021, 37.1343)


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    store = Store(database_target(Settings.from_env({}).with_(database_url=Secret(database_url))))
    store.migrate()
    plan = Sink(EVENTS_TOPIC, REPORTS_TOPIC).plan(
        [consumed(e, n) for n, e in enumerate(ANALYST_EVENTS)]
    )
    assert store.write(plan.writes).rejected == ()
    yield store
    store.close()


def ids(store: Store, **filters: object) -> list[int]:
    """The sample numbers (1-7) of the events a query finds, in the order found."""
    return [int(f.event.event_id[3:], 16) for f in store.find_events(EventQuery(**filters))]  # type: ignore[arg-type]


def test_no_filter_finds_every_event_newest_first(store: Store) -> None:
    assert ids(store) == [7, 6, 5, 4, 3, 2, 1]


def test_since_keeps_events_on_or_after_the_day(store: Store) -> None:
    assert ids(store, since=date(2024, 12, 2)) == [7, 6, 5, 4]


def test_until_keeps_events_on_or_before_the_day(store: Store) -> None:
    assert ids(store, until=date(2024, 11, 29)) == [2, 1]


def test_since_and_until_bound_a_range(store: Store) -> None:
    assert ids(store, since=date(2024, 11, 29), until=date(2024, 12, 2)) == [4, 3, 2]


def test_type_matches_in_any_case(store: Store) -> None:
    assert ids(store, event_type="battles") == [3, 2]


def test_sub_type_matches(store: Store) -> None:
    assert ids(store, sub_event_type="Air/drone strike") == [1]


def test_country_matches_by_name(store: Store) -> None:
    assert ids(store, country="syria") == [6, 5, 4, 3, 2, 1]


def test_country_matches_by_iso_code(store: Store) -> None:
    assert ids(store, country="sy") == [6, 5, 4, 3, 2, 1]


def test_country_without_events_finds_nothing(store: Store) -> None:
    assert ids(store, country="Iraq") == []


def test_admin1_matches_in_any_case(store: Store) -> None:
    assert ids(store, admin1="ALEPPO") == [5, 2]


def test_near_finds_events_within_the_radius(store: Store) -> None:
    assert ids(store, near=ALEPPO, within_km=40) == [5, 2]
    assert ids(store, near=ALEPPO, within_km=10) == [2]


def test_near_reports_the_distance(store: Store) -> None:
    (found,) = store.find_events(EventQuery(near=ALEPPO, within_km=10))
    assert found.distance_km == pytest.approx(0.0, abs=0.01)


def test_actor_matches_the_start_of_a_name(store: Store) -> None:
    assert ids(store, actor="hayat tahrir") == [6, 3, 2]
    assert ids(store, actor="Military Forces of Syria") == [3, 2]


def test_actor_matches_associated_actors_too(store: Store) -> None:
    assert ids(store, actor="Syrian National Army") == [5, 2]


def test_min_sources_counts_independent_sources(store: Store) -> None:
    assert ids(store, min_sources=3) == [6, 1]
    assert ids(store, min_sources=2) == [6, 5, 3, 1]


def test_claim_status_matches(store: Store) -> None:
    assert ids(store, claim_status="corroborated") == [6, 5, 1]


def test_limit_keeps_the_newest(store: Store) -> None:
    assert ids(store, limit=2) == [7, 6]


def test_filters_combine(store: Store) -> None:
    assert ids(store, event_type="Battles", admin1="Hama") == [3]
    assert ids(store, near=ALEPPO, within_km=40, claim_status="claimed") == [2]


# --- the command


@pytest.fixture
def cli_env(store: Store, database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SITREP_DATABASE_URL", database_url)
    monkeypatch.setenv("SITREP_LOG_FORMAT", "text")


def test_command_prints_a_table_by_default(
    cli_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["events", "--type", "battles"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("DATE")
    assert "ev-0000000000000003" in out and "ev-0000000000000002" in out
    assert out.splitlines()[-1] == "2 events"


def test_command_geojson_validates_as_geojson(
    cli_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["events", "--format", "geojson"]) == 0
    collection = json.loads(capsys.readouterr().out)
    jsonschema.validate(collection, GEOJSON_SCHEMA)
    assert len(collection["features"]) == 7


def test_command_csv_round_trips_with_acled_header(
    cli_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["events", "--country", "Syria", "--format", "csv"]) == 0
    reader = csv.DictReader(io.StringIO(capsys.readouterr().out, newline=""))
    assert tuple(reader.fieldnames or ()) == ACLED_COLUMNS
    rows = list(reader)
    assert [r["event_id_cnty"] for r in rows] == [e.event_id for e in ANALYST_EVENTS[5::-1]]
    assert {r["iso"] for r in rows} == {"760"}


def test_command_writes_json_records_to_a_file(
    cli_env: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "events.json"
    assert (
        main(
            [
                "events",
                "--near",
                "36.2021,37.1343",
                "--within",
                "10",
                "--format",
                "json",
                "-o",
                str(out),
            ]
        )
        == 0
    )
    (record,) = json.loads(out.read_text())
    assert record.pop("distance_km") == 0.0
    assert decode_event(record) == ANALYST_EVENTS[1]


def test_command_refuses_within_without_near(
    cli_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["events", "--within", "10"]) == 2
    assert "--within KM needs --near" in capsys.readouterr().err


def test_command_without_a_schema_says_how_to_create_it(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SITREP_DATABASE_URL", postgres_url)
    assert main(["events"]) == 2
    assert "run `sitrep db migrate`" in capsys.readouterr().err

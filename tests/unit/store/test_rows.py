"""Rows match their column lists, and lookup keys fold case."""

from __future__ import annotations

from sitrep.sources import Source
from sitrep.store.rows import (
    ACTOR_COLUMNS,
    EVENT_COLUMNS,
    LINK_COLUMNS,
    REPORT_COLUMNS,
    REVISION_COLUMNS,
    SOURCE_COLUMNS,
    actor_rows,
    event_row,
    link_rows,
    name_key,
    registry_source_row,
    report_row,
    report_source_rows,
    revision_row,
)
from tests.unit.store.samples import event, report


def test_every_row_has_one_value_per_column() -> None:
    ev, rp = event(), report()
    assert len(event_row(ev)) == len(EVENT_COLUMNS)
    assert len(revision_row(ev)) == len(REVISION_COLUMNS)
    assert {len(r) for r in actor_rows(ev)} == {len(ACTOR_COLUMNS)}
    assert {len(r) for r in link_rows(ev)} == {len(LINK_COLUMNS)}
    assert len(report_row(rp)) == len(REPORT_COLUMNS)
    assert {len(r) for r in report_source_rows([rp])} == {len(SOURCE_COLUMNS)}
    assert len(registry_source_row(Source("a", "wire", url="https://x"))) == len(SOURCE_COLUMNS)


def test_event_without_location_has_empty_place_columns() -> None:
    row = dict(zip(EVENT_COLUMNS, event_row(event(location=None)), strict=True))
    assert [row[c] for c in ("location_name", "latitude", "longitude", "country_key")] == [None] * 4


def test_name_key_folds_case_and_spaces() -> None:
    assert name_key("  Deir  ez-Zor ") == "deir ez-zor"
    assert name_key("STRASSE") == name_key("straße")


def test_one_source_row_per_source_spanning_its_reports() -> None:
    early = report(collected_at="2024-11-30T23:00:00+00:00", outlet="Old name")
    late = report(collected_at="2024-12-02T00:00:00Z", outlet="New name")
    other = report(source_id="aaa", collected_at="2024-12-01T00:00:00Z")
    rows = report_source_rows([late, other, early])
    assert [r[:2] for r in rows] == [("telegram", "aaa"), ("telegram", "militaryops")]
    by_column = dict(zip(SOURCE_COLUMNS, rows[1], strict=True))
    assert by_column["outlet"] == "New name"
    assert (by_column["first_report_at"], by_column["last_report_at"]) == (
        "2024-11-30T23:00:00+00:00",
        "2024-12-02T00:00:00Z",
    )

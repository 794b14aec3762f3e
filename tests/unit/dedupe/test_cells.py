from __future__ import annotations

from sitrep.dedupe import NO_PLACE, place_cell, report_cells
from tests.unit.dedupe.builders import DARAA, SARAQIB, SYRIA, deleted, report


def test_place_cell_of_a_town_is_its_country_and_first_level_division() -> None:
    assert place_cell(SARAQIB) == "SY:Idlib"


def test_place_cell_of_a_country_wide_place_is_the_country_cell() -> None:
    assert place_cell(SYRIA) == "SY:*"


def test_place_cell_without_a_place_is_the_coarse_cell() -> None:
    assert place_cell(None) == NO_PLACE == "*"


def test_report_cells_are_the_cells_of_its_candidates() -> None:
    post = report("obs", "1", "text", {"location": SARAQIB}, {"location": DARAA})

    assert report_cells(post) == ("SY:Daraa", "SY:Idlib")


def test_report_cells_include_where_an_earlier_version_went() -> None:
    post = report("obs", "1", "text", {"location": DARAA})

    assert report_cells(post, previous=("SY:Idlib",)) == ("SY:Daraa", "SY:Idlib")


def test_deleted_report_goes_only_to_its_previous_cells() -> None:
    post = deleted(report("obs", "1", "text", {"location": DARAA}))

    assert report_cells(post, previous=("SY:Idlib",)) == ("SY:Idlib",)

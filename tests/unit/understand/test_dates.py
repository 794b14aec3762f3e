from __future__ import annotations

from datetime import UTC, datetime

import pytest

from sitrep.understand.taxonomy import TIME_DAY, TIME_WEEK
from tests.unit.understand.helpers import only


@pytest.mark.parametrize(
    ("cue", "day"),
    [
        ("on Saturday", "2024-11-30"),
        ("late Friday", "2024-11-29"),
        ("yesterday", "2024-11-29"),
        ("overnight", "2024-11-29"),
        ("on November 26", "2024-11-26"),
        ("أمس", "2024-11-29"),
        ("يوم الخميس", "2024-11-28"),
    ],
)
def test_the_event_date_comes_from_the_cue_relative_to_publication(cue: str, day: str) -> None:
    assert only(f"Airstrikes hit Saraqib {cue}.").occurred_on == day


def test_without_a_cue_the_event_happened_on_the_local_publication_day() -> None:
    late = datetime(2024, 11, 30, 22, 30, tzinfo=UTC)  # 01:30 on Sunday in Syria
    event = only("Airstrikes hit Saraqib.", published=late)
    assert (event.occurred_on, event.time_precision) == ("2024-12-01", TIME_DAY)


def test_last_week_is_coded_with_week_precision() -> None:
    assert only("Airstrikes hit Saraqib last week.").time_precision == TIME_WEEK

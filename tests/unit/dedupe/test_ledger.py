from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from sitrep.dedupe import EventLedger
from sitrep.records.model import Report
from tests.unit.dedupe.builders import DARAA, NOW, SARAQIB, SHELLING, deleted, edited, report

POST = report("obs", "1", "Regime artillery shelled Saraqib", {"kind": SHELLING})


def test_ledger_gives_merged_reports_one_event_id() -> None:
    ledger = EventLedger()
    other = report(
        "sohr",
        "9",
        "Shells fell on Saraqib's market",
        {"kind": SHELLING},
        published_at="2024-11-30T11:00:00Z",
    )
    ledger.add(POST, NOW)
    ledger.add(other, NOW)

    assert ledger.event_of(POST, f"{POST.report_id}#0") == ledger.event_of(
        other, f"{other.report_id}#0"
    )


def test_ledger_sends_an_edit_to_the_cell_its_earlier_version_went_to() -> None:
    ledger = EventLedger()
    ledger.add(POST, NOW)
    moved = edited(POST, 2, candidates=(replace(POST.candidates[0], location=DARAA),))

    events = ledger.add(moved, NOW)

    assert {(e.location, e.claim_status) for e in events} == {
        (SARAQIB, "retracted"),
        (DARAA, "reported"),
    }


def test_ledger_sends_a_deletion_to_the_cells_of_the_deleted_report() -> None:
    ledger = EventLedger()
    ledger.add(POST, NOW)

    events = ledger.add(deleted(POST), NOW)

    assert [e.claim_status for e in events] == ["retracted"]


def _month_of_reports() -> list[Report]:
    return [
        report(
            "obs",
            f"{day}-{n}",
            f"report {day} {n}",
            {"kind": SHELLING, "occurred_on": f"2024-11-{day:02d}"},
            {"kind": SHELLING, "occurred_on": f"2024-11-{day:02d}", "location": DARAA},
            published_at=f"2024-11-{day:02d}T{n:02d}:00:00Z",
        )
        for day in range(1, 31)
        for n in range(10)
    ]


def test_ledger_state_stays_bounded_by_the_window() -> None:
    unbounded = EventLedger()
    bounded = EventLedger(window=timedelta(hours=24), expire_every=10)
    for post in _month_of_reports():
        unbounded.add(post, NOW)
        bounded.add(post, NOW)

    assert unbounded.open_events() == 30 * 2
    assert bounded.open_events() <= 2 * 2

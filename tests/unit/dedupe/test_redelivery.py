"""A report delivered again after a crash re-emits the events it supports (no lost version)."""

from __future__ import annotations

from sitrep.dedupe import merge_report
from sitrep.dedupe.redelivery import events_holding
from tests.unit.dedupe.builders import NOW, report

CELL = "SY:Idlib"
CLAIM = "Our forces liberated Saraqib after fierce clashes."
WIRE = "Rebels said they captured the town of Saraqib on Saturday, Reuters reported."


def test_a_redelivered_report_changes_nothing_but_names_its_events_at_their_version() -> None:
    first = report("1500000001", "1", CLAIM, role="party")
    second = report("reuters", "a", WIRE, source_kind="wire", role="wire")
    state, _ = merge_report(None, first, CELL, NOW)
    state, emitted = merge_report(state, second, CELL, NOW)
    assert [e.version for e in emitted] == [2]

    again, nothing = merge_report(state, second, CELL, NOW)
    assert again is state
    assert nothing == []
    replayed = events_holding(again, second, NOW)
    assert [(e.event_id, e.version) for e in replayed] == [(emitted[0].event_id, 2)]
    assert {link.report_id for link in replayed[0].reports} == {
        "telegram:1500000001:1",
        "wire:reuters:a",
    }


def test_a_report_the_cell_never_saw_holds_no_events() -> None:
    state, _ = merge_report(None, report("1500000001", "1", CLAIM, role="party"), CELL, NOW)
    stranger = report("1500000009", "9", "Good morning, subscribe to our channel")
    assert events_holding(state, stranger, NOW) == []

"""Which link rows a new event version changes, and the memory of what was written."""

from __future__ import annotations

from dataclasses import replace

from sitrep.records.model import MergeReason
from sitrep.store.links import HeldLinks, LinkMemory, link_changes, link_digests
from sitrep.store.rows import link_rows
from tests.unit.store.samples import event, link

A, B, C, D = (link(f"telegram:a:{n}", source_id="a") for n in range(4))


def held(*links, version: int = 1) -> HeldLinks:  # type: ignore[no-untyped-def]
    return HeldLinks(version, link_digests(link_rows(event(version=version, reports=links))))


def test_a_version_that_adds_a_link_inserts_only_that_link() -> None:
    rows = link_rows(event(version=2, reports=(A, B, C)))
    changes = link_changes(rows, held(A, B))
    assert changes.deleted == ()
    assert changes.inserted == (rows[2],)
    assert changes.digests == link_digests(rows)


def test_a_link_gone_is_deleted_and_a_changed_one_is_replaced() -> None:
    changed = replace(B, reason=MergeReason(rule="same_event", score=0.7))
    rows = link_rows(event(version=2, reports=(A, changed, D)))
    changes = link_changes(rows, held(A, B, C))
    assert sorted(changes.deleted) == [B.candidate_id, C.candidate_id]
    assert changes.inserted == (rows[1], rows[2])


def test_the_same_links_change_nothing() -> None:
    changes = link_changes(link_rows(event(version=2, reports=(A, B))), held(A, B))
    assert changes.deleted == () and changes.inserted == ()


def test_the_memory_forgets_the_least_recently_written_events_beyond_its_capacity() -> None:
    memory = LinkMemory(capacity=5)
    memory.record({"ev-1": held(A, B), "ev-2": held(A, B)})
    memory.record({"ev-1": held(A, B, C, version=2)})  # ev-1 is now the most recent
    assert memory.links == 5
    memory.record({"ev-3": held(A)})
    assert memory.get("ev-2") is None
    assert memory.get("ev-1") == held(A, B, C, version=2)
    assert memory.links == 4 and len(memory) == 2


def test_an_event_larger_than_the_memory_or_unknown_is_not_kept() -> None:
    memory = LinkMemory(capacity=2)
    memory.record({"ev-1": held(A)})
    memory.record({"ev-1": held(A, B, C, version=2), "ev-2": None})
    assert memory.get("ev-1") is None and memory.links == 0
    memory.record({"ev-2": held(A)})
    memory.record({"ev-2": None})
    assert memory.get("ev-2") is None and len(memory) == 0

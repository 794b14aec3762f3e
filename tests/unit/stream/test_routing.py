"""The normalize step's core: where a report goes, and the index that remembers it.

An edit that moves a report to another governorate must withdraw it where it was merged; a
deletion goes only where it was; the index forgets reports one window after their partition
moved past them, survives a restart through its changelog, and keeps only owned partitions.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import orjson
import pytest

from sitrep.dedupe import copies, merge_report
from sitrep.records import encode
from sitrep.records.codec import RecordError
from sitrep.records.model import Provenance
from sitrep.sources import SourceRegistry
from sitrep.stream import routing
from sitrep.stream.routing import ReportCells, Router, group_candidates, split_candidates
from sitrep.understand import default_understander
from tests.faults.corpus import item

DAY = 86400.0
NOW = datetime(2026, 11, 27, tzinfo=UTC)


@pytest.fixture(scope="module")
def router_parts() -> tuple[SourceRegistry, object]:
    return SourceRegistry.load(None), default_understander()


def make_router(parts: tuple[SourceRegistry, object], window_days: float = 3) -> Router:
    registry, understander = parts
    return Router(registry, understander, window_days * DAY)  # type: ignore[arg-type]


def test_a_report_goes_to_the_cells_of_its_candidates_and_is_remembered(
    router_parts: tuple[SourceRegistry, object],
) -> None:
    router = make_router(router_parts)
    report = router.decode(encode(item(0)), NOW)  # an air strike on Saraqib (Idlib)

    routed = router.route(report, partition=2)

    assert routed.cells == ("SY:Idleb",)
    assert routed.key == report.report_id.encode()
    assert router.index.previous(routed.key) == ("SY:Idleb",)
    [(key, value)] = routed.changelog
    assert key == routed.key
    assert value is not None
    assert orjson.loads(value) == {"c": ["SY:Idleb"], "t": routed.published, "p": 2}


def test_an_edit_that_moves_the_place_also_goes_where_the_report_was(
    router_parts: tuple[SourceRegistry, object],
) -> None:
    router = make_router(router_parts)
    first = item(0)  # Saraqib, Idlib
    elsewhere = item(4)  # the next group: Rastan, Homs
    router.route(router.decode(encode(first), NOW), partition=0)

    edit = replace(first, text=elsewhere.text, version=1)
    routed = router.route(router.decode(encode(edit), NOW), partition=0)

    assert routed.cells == ("SY:Homs", "SY:Idleb")  # withdrawn from Idleb, merged in Homs
    assert router.index.previous(routed.key) == ("SY:Homs",)


def test_a_deletion_goes_only_where_the_report_was_and_is_forgotten(
    router_parts: tuple[SourceRegistry, object],
) -> None:
    router = make_router(router_parts)
    first = item(0)
    router.route(router.decode(encode(first), NOW), partition=1)

    gone = replace(first, deleted=True, version=1)
    routed = router.route(router.decode(encode(gone), NOW), partition=1)

    assert routed.cells == ("SY:Idleb",)
    assert router.index.previous(routed.key) == ()
    assert routed.changelog == [(routed.key, None)]  # a tombstone
    assert len(router.index) == 0


def test_a_deleted_report_never_seen_goes_nowhere(
    router_parts: tuple[SourceRegistry, object],
) -> None:
    router = make_router(router_parts)
    gone = replace(item(0), deleted=True, version=1)

    routed = router.route(router.decode(encode(gone), NOW), partition=0)

    assert routed.cells == ()
    assert routed.changelog == []


def test_bytes_that_are_not_a_raw_item_are_a_record_error(
    router_parts: tuple[SourceRegistry, object],
) -> None:
    router = make_router(router_parts)
    with pytest.raises(RecordError):
        router.decode(b"\xff not json", NOW)
    assert len(router.index) == 0


def test_entries_expire_one_window_after_their_partition_moved_past_them() -> None:
    index = ReportCells(window_seconds=3 * DAY)
    index.update(b"old", ["SY:Idlib"], published=0.0, partition=0)
    index.update(b"other-partition", ["SY:Homs"], published=0.0, partition=1)
    index.update(b"edited-later", ["SY:Hama"], published=0.0, partition=0)
    index.update(b"edited-later", ["SY:Hama"], published=2 * DAY, partition=0)

    out = index.update(b"new", ["SY:Daraa"], published=3.5 * DAY, partition=0)

    assert out[0][0] == b"new"
    assert out[1:] == [(b"old", None)]  # a tombstone for the expired entry only
    assert index.previous(b"old") == ()
    assert index.previous(b"edited-later") == ("SY:Hama",)  # its newest version is recent
    assert index.previous(b"other-partition") == ("SY:Homs",)  # partition 1 did not move
    assert len(index) == 3


def test_the_changelog_restores_the_index_after_a_restart() -> None:
    index = ReportCells(window_seconds=3 * DAY)
    changelog: list[tuple[bytes, bytes | None]] = []
    changelog += index.update(b"a", ["SY:Idlib"], published=0.0, partition=0)
    changelog += index.update(b"b", ["SY:Homs", "SY:Hama"], published=DAY, partition=0)
    changelog += index.update(b"a", ["SY:Aleppo"], published=DAY, partition=0)
    changelog += index.update(b"b", [], published=DAY, partition=0)  # deleted
    changelog += index.update(b"c", ["SY:Daraa"], published=4 * DAY, partition=0)  # expires none

    restored = ReportCells(window_seconds=3 * DAY)
    for key, value in changelog:
        restored.restore(key, value, partition=0)

    for key in (b"a", b"b", b"c"):
        assert restored.previous(key) == index.previous(key)
    assert len(restored) == len(index) == 2
    # and it goes on expiring what it restored
    out = restored.update(b"d", ["SY:Idlib"], published=4.5 * DAY, partition=0)
    assert (b"a", None) in out


def test_a_revoked_partition_is_forgotten() -> None:
    index = ReportCells(window_seconds=3 * DAY)
    index.update(b"a", ["SY:Idlib"], published=0.0, partition=0)
    index.update(b"b", ["SY:Homs"], published=0.0, partition=1)

    index.keep_only({1})

    assert index.previous(b"a") == ()
    assert index.previous(b"b") == ("SY:Homs",)
    assert len(index) == 1


def test_a_batch_goes_to_each_cell_as_one_record_in_order(
    router_parts: tuple[SourceRegistry, object],
) -> None:
    router = make_router(router_parts)
    routed = [router.route(router.decode(encode(item(i)), NOW), partition=0) for i in range(12)]
    by_cell: dict[str, list[str]] = {}
    for r in routed:
        for cell in r.cells:
            by_cell.setdefault(cell, []).append(r.report.report_id)

    records = group_candidates(routed)

    assert [cell for cell, _ in records] == list(by_cell)  # one record per cell
    for cell, value in records:
        parts = split_candidates(value)
        assert [p.report.report_id for p in parts if not isinstance(p.report, RecordError)] == (
            by_cell[cell]
        )


def test_a_cell_whose_reports_exceed_the_group_size_gets_several_records(
    router_parts: tuple[SourceRegistry, object], monkeypatch: pytest.MonkeyPatch
) -> None:
    router = make_router(router_parts)
    first = router.route(router.decode(encode(item(0)), NOW), partition=0)
    monkeypatch.setattr(routing, "GROUP_BYTES", 2 * len(first.candidate) + 10)
    same_cell = [first] + [
        router.route(router.decode(encode(item(i)), NOW), partition=0) for i in (1, 2, 3)
    ]

    records = group_candidates(same_cell)

    assert [len(split_candidates(value)) for _, value in records] == [2, 2]


def test_a_single_report_record_is_still_read(
    router_parts: tuple[SourceRegistry, object],
) -> None:
    router = make_router(router_parts)
    routed = router.route(router.decode(encode(item(0)), NOW), partition=0)

    # a whole report, as versions before grouping (and before the candidate form) wrote
    [(_, report, text_print)] = split_candidates(routed.value)

    assert not isinstance(report, RecordError)
    assert report == routed.report
    assert text_print is None  # the cluster step fingerprints its text


def test_a_bad_report_in_a_group_fails_alone_with_its_own_bytes(
    router_parts: tuple[SourceRegistry, object],
) -> None:
    router = make_router(router_parts)
    good = router.route(router.decode(encode(item(0)), NOW), partition=0)
    value = b"[" + good.candidate + b',{"schema": {"name": "sitrep.report", "version": 99}}]'

    (_, first, _), (raw, second, _) = split_candidates(value)

    assert not isinstance(first, RecordError)
    assert isinstance(second, RecordError)
    assert "unknown version 99" in str(second)
    assert orjson.loads(raw) == {"schema": {"name": "sitrep.report", "version": 99}}


@pytest.mark.parametrize("value", [b"\xff\xfe", b"42", b'"text"', b"null"])
def test_a_candidates_record_that_is_neither_report_nor_array_is_a_record_error(
    value: bytes,
) -> None:
    with pytest.raises(RecordError):
        split_candidates(value)


def test_a_report_that_fails_to_route_leaves_the_index_as_it_was(
    router_parts: tuple[SourceRegistry, object], monkeypatch: pytest.MonkeyPatch
) -> None:
    router = make_router(router_parts)
    report = router.decode(encode(item(0)), NOW)

    def broken(_: object) -> bytes:
        raise ValueError("cannot encode")

    monkeypatch.setattr(routing, "encode", broken)
    with pytest.raises(ValueError, match="cannot encode"):
        router.route(report, partition=0)

    assert len(router.index) == 0


def test_the_candidate_form_carries_the_texts_fingerprint_instead_of_the_text(
    router_parts: tuple[SourceRegistry, object],
) -> None:
    router = make_router(router_parts)
    routed = router.route(router.decode(encode(item(0)), NOW), partition=0)
    report = routed.report
    assert report.text and report.candidates

    [(raw, slim, text_print)] = split_candidates(b"[" + routed.candidate + b"]")

    assert raw == b""
    assert slim == replace(
        report,
        text="",
        provenance=Provenance(),
        candidates=tuple(replace(c, evidence="") for c in report.candidates),
    )
    assert all(c.evidence for c in report.candidates)
    assert text_print == copies.fingerprint_and_kind(report.text)
    assert report.text.encode() not in routed.candidate
    assert len(routed.candidate) < len(routed.value)


def test_reports_merged_from_their_candidate_form_give_the_same_events(
    router_parts: tuple[SourceRegistry, object],
) -> None:
    """The cluster step's result does not depend on whether it got the text or its print
    (reposts among the items: the copy rule uses the fingerprints)."""
    router = make_router(router_parts)
    items = [item(i) for i in range(40)]
    # reposts of the first reports by another source, with a footer: copies by fingerprint
    items += [
        replace(
            original,
            item_id=f"telegram:1700000099:{n}",
            source_kind="telegram",
            source_id="1700000099",
            native_id=str(n),
            text=original.text + " Follow us: t.me/monitor",
            provenance=Provenance(),
        )
        for n, original in enumerate(items[:8])
    ]
    routed = [router.route(router.decode(encode(raw), NOW), partition=0) for raw in items]
    whole: dict[str, object] = {}
    slim: dict[str, object] = {}
    events_whole, events_slim = [], []
    for r in routed:
        [part] = split_candidates(r.candidate)
        for cell in r.cells:
            state, changed = merge_report(whole.get(cell), r.report, cell, NOW)  # type: ignore[arg-type]
            whole[cell] = state
            events_whole.extend(changed)
            state, changed = merge_report(
                slim.get(cell),  # type: ignore[arg-type]
                part.report,  # type: ignore[arg-type]
                cell,
                NOW,
                text_print=part.text_print,
            )
            slim[cell] = state
            events_slim.extend(changed)

    assert [encode(e) for e in events_slim] == [encode(e) for e in events_whole]
    copied = [link for e in events_slim for link in e.reports if link.copy_of is not None]
    assert len(copied) >= 8


def test_a_deletion_s_candidate_form_has_no_print_and_is_read(
    router_parts: tuple[SourceRegistry, object],
) -> None:
    router = make_router(router_parts)
    router.route(router.decode(encode(item(0)), NOW), partition=0)
    deleted = replace(router.decode(encode(item(0)), NOW), deleted=True, candidates=(), version=1)

    routed = router.route(deleted, partition=0)

    assert routed.cells == ("SY:Idleb",)  # where it was merged
    assert b'"print"' not in routed.candidate
    [(_, report, text_print)] = split_candidates(routed.candidate)
    assert report == replace(deleted, text="", provenance=Provenance())
    assert text_print is None


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"print": None, "short": None}, "needs its text's print"),
        ({"print": "xyz"}, "32 hex digits"),
        ({"print": "0x" + "0" * 30}, "32 hex digits"),
        ({"short": "no"}, "32 hex digits and short true or false"),
        ({"extra": 1}, "unknown field(s) ['extra']"),
    ],
)
def test_a_bad_candidate_form_fails_alone_with_its_reason(
    router_parts: tuple[SourceRegistry, object], change: dict[str, object], reason: str
) -> None:
    router = make_router(router_parts)
    good = router.route(router.decode(encode(item(0)), NOW), partition=0)
    bad = {k: v for k, v in {**orjson.loads(good.candidate), **change}.items() if v is not None}
    value = b"[" + good.candidate + b"," + orjson.dumps(bad) + b"]"

    (_, first, _), (raw, second, text_print) = split_candidates(value)

    assert not isinstance(first, RecordError)
    assert isinstance(second, RecordError)
    assert reason in str(second)
    assert orjson.loads(raw) == bad
    assert text_print is None

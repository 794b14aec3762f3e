"""The sink core: consumed records -> writes and dead letters, and the batch phases."""

from __future__ import annotations

import random
from dataclasses import replace

from sitrep.records.codec import encode
from sitrep.records.model import Event, Report
from sitrep.store.sink import (
    ConsumedRecord,
    EventRemoval,
    EventVersion,
    ReportRemoval,
    ReportVersion,
    Sink,
    Write,
    event_versions,
    phases,
)
from tests.unit.store.samples import EVENTS_TOPIC, REPORTS_TOPIC, consumed, event, report

SINK = Sink(EVENTS_TOPIC, REPORTS_TOPIC)


def test_event_record_becomes_event_version() -> None:
    plan = SINK.plan([consumed(event(version=4))])
    assert plan.dead_letters == ()
    (write,) = plan.writes
    assert isinstance(write, EventVersion)
    assert write.event == event(version=4)


def test_report_record_becomes_report_version() -> None:
    (write,) = SINK.plan([consumed(report())]).writes
    assert isinstance(write, ReportVersion)
    assert write.report == report()


def test_undecodable_value_is_dead_lettered_with_original_bytes() -> None:
    record = ConsumedRecord(EVENTS_TOPIC, 1, 17, b"ev-1", b'{"schema": 5')
    plan = SINK.plan([record])
    assert plan.writes == ()
    (letter,) = plan.dead_letters
    assert letter.value == b'{"schema": 5'
    assert letter.key == b"ev-1"
    assert (letter.stage, letter.error_class) == ("sink", "undecodable")
    assert (letter.topic, letter.partition, letter.offset) == (EVENTS_TOPIC, 1, 17)
    assert "not a valid Event record" in letter.error


def test_report_on_events_topic_is_dead_lettered() -> None:
    wrong = ConsumedRecord(EVENTS_TOPIC, 0, 0, b"k", encode(report()))
    (letter,) = SINK.plan([wrong]).dead_letters
    assert "schema" in letter.error


def test_tombstone_on_events_topic_is_event_removal() -> None:
    (write,) = SINK.plan([ConsumedRecord(EVENTS_TOPIC, 0, 3, b"ev-9", None)]).writes
    assert write == EventRemoval(write.origin, "ev-9")


def test_tombstone_on_reports_topic_is_report_removal() -> None:
    (write,) = SINK.plan([ConsumedRecord(REPORTS_TOPIC, 0, 3, b"telegram:a:1", None)]).writes
    assert write == ReportRemoval(write.origin, "telegram:a:1")


def test_tombstone_without_key_is_dead_lettered() -> None:
    (letter,) = SINK.plan([ConsumedRecord(EVENTS_TOPIC, 0, 3, None, None)]).dead_letters
    assert "without a UTF-8 key" in letter.error


def test_record_from_unknown_topic_is_dead_lettered() -> None:
    (letter,) = SINK.plan([ConsumedRecord("other.v1", 0, 0, b"k", b"{}")]).dead_letters
    assert letter.error_class == "unknown_topic"
    assert "other.v1" in letter.error


def test_nul_character_is_dead_lettered_as_unstorable() -> None:
    (letter,) = SINK.plan([consumed(report(text="a\x00b"))]).dead_letters
    assert letter.error_class == "unstorable"
    assert "NUL" in letter.error


def test_backslash_u0000_typed_as_text_is_stored() -> None:
    plan = SINK.plan([consumed(report(text="the escape \\u0000 written out"))])
    assert plan.dead_letters == ()
    assert len(plan.writes) == 1


def test_next_offsets_cover_dead_lettered_records() -> None:
    batch = [
        consumed(event(), offset=5, partition=0),
        ConsumedRecord(EVENTS_TOPIC, 0, 6, b"k", b"garbage"),
        consumed(event(), offset=2, partition=1),
    ]
    plan = SINK.plan(batch)
    assert plan.next_offsets == {(EVENTS_TOPIC, 0): 7, (EVENTS_TOPIC, 1): 3}
    assert plan.consumed == 3


def _writes(*items: Event | Report | tuple[str, str]) -> list[Write]:
    out: list[Write] = []
    for n, item in enumerate(items):
        origin = ConsumedRecord(EVENTS_TOPIC, 0, n, None, None)
        if isinstance(item, Event):
            out.append(EventVersion(origin, item))
        elif isinstance(item, Report):
            out.append(ReportVersion(origin, item))
        elif item[0] == "event":
            out.append(EventRemoval(origin, item[1]))
        else:
            out.append(ReportRemoval(origin, item[1]))
    return out


def test_phases_keep_the_highest_version_of_each_event() -> None:
    (phase,) = phases(_writes(event(version=2), event(version=5), event(version=3)))
    assert phase.events["ev-0000000000000001"].version == 5


def test_phases_keep_the_first_of_equal_versions() -> None:
    first, second = event(version=2, fatalities=1), event(version=2, fatalities=9)
    (phase,) = phases(_writes(first, second))
    assert phase.events[first.event_id] is first


def test_phases_prefer_a_report_tombstone_of_equal_version() -> None:
    (phase,) = phases(_writes(report(version=3, deleted=True, text=""), report(version=3)))
    assert phase.reports["telegram:militaryops:101"].deleted


def test_phases_split_where_a_removal_follows_an_upsert_of_the_same_key() -> None:
    split = phases(_writes(event(version=1), ("event", "ev-0000000000000001"), event(version=2)))
    assert [list(p.events) for p in split] == [["ev-0000000000000001"], ["ev-0000000000000001"]]
    assert split[1].event_removals == ["ev-0000000000000001"]


def test_phases_keep_a_removal_before_an_upsert_in_one_phase() -> None:
    (phase,) = phases(_writes(("event", "ev-0000000000000001"), event(version=2)))
    assert phase.event_removals == ["ev-0000000000000001"]
    assert phase.events["ev-0000000000000001"].version == 2


def test_event_versions_list_each_version_once() -> None:
    versions = event_versions(_writes(event(version=1), event(version=2), event(version=1)))
    assert [e.version for e in versions] == [1, 2]


# --- phases are equivalent to applying the writes one by one (checked against a model)

Events = dict[str, int]
Reports = dict[str, tuple[int, bool]]


def _apply_one(events: Events, reports: Reports, write: Write) -> None:
    if isinstance(write, EventVersion):
        held = events.get(write.event.event_id)
        if held is None or held < write.event.version:
            events[write.event.event_id] = write.event.version
    elif isinstance(write, EventRemoval):
        events.pop(write.event_id, None)
    elif isinstance(write, ReportVersion):
        rank = (write.report.version, write.report.deleted)
        held_report = reports.get(write.report.report_id)
        if held_report is None or held_report < rank:
            reports[write.report.report_id] = rank
    elif write.report_id in reports:
        reports[write.report_id] = (reports[write.report_id][0], True)


def _apply_phases(events: Events, reports: Reports, writes: list[Write]) -> None:
    origin = ConsumedRecord(EVENTS_TOPIC, 0, 0, None, None)
    for phase in phases(writes):
        for event_id in phase.event_removals:
            _apply_one(events, reports, EventRemoval(origin, event_id))
        for ev in phase.events.values():
            _apply_one(events, reports, EventVersion(origin, ev))
        for report_id in phase.report_removals:
            _apply_one(events, reports, ReportRemoval(origin, report_id))
        for rp in phase.reports.values():
            _apply_one(events, reports, ReportVersion(origin, rp))


def test_phases_leave_the_same_state_as_writes_applied_in_order() -> None:
    rng = random.Random(7)
    for _ in range(500):
        items: list[Event | Report | tuple[str, str]] = []
        for _ in range(rng.randint(1, 12)):
            n = rng.randint(1, 3)
            pick = rng.random()
            if pick < 0.35:
                items.append(event(event_id=f"ev-{n}", version=rng.randint(0, 4)))
            elif pick < 0.45:
                items.append(("event", f"ev-{n}"))
            elif pick < 0.9:
                items.append(
                    replace(
                        report(),
                        report_id=f"r-{n}",
                        version=rng.randint(0, 4),
                        deleted=rng.random() < 0.3,
                    )
                )
            else:
                items.append(("report", f"r-{n}"))
        start_events: Events = {"ev-1": rng.randint(0, 4)}
        start_reports: Reports = {"r-1": (rng.randint(0, 4), rng.random() < 0.3)}
        in_order = (dict(start_events), dict(start_reports))
        by_phase = (dict(start_events), dict(start_reports))
        writes = _writes(*items)
        for write in writes:
            _apply_one(*in_order, write)
        _apply_phases(*by_phase, writes)
        assert by_phase == in_order, items

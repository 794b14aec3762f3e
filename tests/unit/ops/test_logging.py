"""Client-library log storms are thinned to one line per template per interval."""

from __future__ import annotations

import logging

from sitrep.ops.logging import RepeatFilter


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def record(name: str, msg: str, *args: object, level: int = logging.ERROR) -> logging.LogRecord:
    return logging.LogRecord(name, level, __file__, 1, msg, args, None)


def test_a_broker_outage_logs_one_unable_connect_line_per_interval_with_the_count() -> None:
    clock = Clock()
    keep = RepeatFilter(every=30.0, clock=clock)
    template = "Unable connect to node with id %s: %s"

    passed = []
    for second in range(60):
        clock.now = float(second)
        for _ in range(4):  # several clients, several attempts a second
            rec = record("aiokafka.conn", template, 1, "Connect call failed")
            if keep.filter(rec):
                passed.append(rec)

    assert len(passed) == 2  # at 0 s and at 30 s
    assert not hasattr(passed[0], "repeated")
    assert passed[1].repeated == 119  # type: ignore[attr-defined]


def test_different_messages_and_sitrep_lines_are_never_held_back() -> None:
    keep = RepeatFilter(every=30.0, clock=Clock())

    assert keep.filter(record("aiokafka.conn", "Unable connect to %s", "a"))
    assert keep.filter(record("faust.transport.producer", "producer buffer full size %s", 5))
    assert all(keep.filter(record("sitrep.stream.app", "dead-lettered")) for _ in range(10))
    assert all(
        keep.filter(record("faust.worker", "crash", level=logging.CRITICAL)) for _ in range(3)
    )

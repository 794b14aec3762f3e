"""Dead letters carry their origin and reason; the breaker stops a worker fed mostly garbage."""

from __future__ import annotations

import pytest

from sitrep.records.dlq import DeadLetter, DlqBreaker, DlqBreakerOpen


def test_dead_letter_headers_name_stage_error_and_origin() -> None:
    letter = DeadLetter(
        stage="process.decode",
        error_class="invalid_record",
        error="RecordError: not valid JSON",
        value=b"\x00garbage",
        key=b"k",
        topic="sitrep.raw.v1",
        partition=3,
        offset=17,
    )
    headers = dict(letter.headers())
    assert headers["sitrep-stage"] == b"process.decode"
    assert headers["sitrep-error"] == b"RecordError: not valid JSON"
    assert headers["sitrep-topic"] == b"sitrep.raw.v1"
    assert headers["sitrep-partition"] == b"3"
    assert headers["sitrep-offset"] == b"17"
    assert headers["sitrep-attempt"] == b"1"


def test_breaker_stays_closed_while_failures_are_a_minority() -> None:
    breaker = DlqBreaker("process", window=10, max_ratio=0.5)
    for i in range(100):
        breaker.record(ok=i % 3 != 0)
    assert breaker.failure_ratio < 0.5


def test_breaker_opens_when_most_recent_input_is_bad() -> None:
    breaker = DlqBreaker("process", window=10, max_ratio=0.5)
    for _ in range(10):
        breaker.record(ok=True)
    with pytest.raises(DlqBreakerOpen, match="dead-lettered"):
        for _ in range(10):
            breaker.record(ok=False)


def test_breaker_does_not_open_before_the_window_is_full() -> None:
    breaker = DlqBreaker("process", window=50, max_ratio=0.5)
    for _ in range(49):
        breaker.record(ok=False)
    assert breaker.failure_ratio == 1.0

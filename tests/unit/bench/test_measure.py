"""Benchmark measurement helpers: pacing, percentiles, spans and process memory."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from bench.measure import Span, TokenBucket, peak_rss_bytes, percentile, rss_bytes


def test_token_bucket_hands_out_rate_tokens_per_second() -> None:
    bucket = TokenBucket(rate=200, burst=50, now=0.0)
    taken = sum(bucket.take(t / 100) for t in range(1, 101))
    assert taken == 200


def test_token_bucket_catches_up_by_at_most_its_burst() -> None:
    bucket = TokenBucket(rate=1000, burst=50, now=0.0)
    assert bucket.take(10.0) == 50
    assert bucket.take(10.0) == 0


def test_token_bucket_says_how_long_until_the_next_token() -> None:
    bucket = TokenBucket(rate=100, burst=5, now=0.0)
    assert bucket.wait() == pytest.approx(0.01)
    assert bucket.take(0.01) == 1
    assert bucket.wait() == pytest.approx(0.01)


def test_token_bucket_refuses_a_rate_it_cannot_pace() -> None:
    with pytest.raises(ValueError, match="rate must be positive"):
        TokenBucket(rate=0, burst=1, now=0.0)


def test_percentile_is_the_nearest_rank() -> None:
    values = [float(v) for v in range(100, 0, -1)]
    assert percentile(values, 50) == 50.0
    assert percentile(values, 99) == 99.0
    assert percentile(values, 100) == 100.0
    assert percentile([7.0], 99) == 7.0


def test_percentile_of_nothing_is_an_error() -> None:
    with pytest.raises(ValueError, match="no values"):
        percentile([], 50)


def test_span_rate_is_items_over_the_span_in_seconds() -> None:
    assert Span(count=10, first_ms=1_000, last_ms=3_000).rate(500) == 250.0
    assert Span(count=1, first_ms=5, last_ms=5).seconds == 0.001


def test_peak_rss_of_a_live_process_is_at_least_its_rss() -> None:
    pid = os.getpid()
    assert peak_rss_bytes(pid) >= rss_bytes(pid) > 1024 * 1024


def test_memory_of_a_finished_process_is_a_lookup_error() -> None:
    done = subprocess.run([sys.executable, "-c", "pass"], check=True)
    assert done.returncode == 0
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    with pytest.raises(ProcessLookupError):
        peak_rss_bytes(child.pid)

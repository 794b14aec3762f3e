"""What the benchmarks measure with, apart from Kafka: process memory, pacing, percentiles.

Pure helpers (no Kafka, no database): ``/proc`` readers for a process's resident memory, a
token bucket that paces a producer at a steady rate, and nearest-rank percentiles.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


def _status_kib(pid: int, key: str) -> int:
    """A ``kB`` line of ``/proc/<pid>/status``; raises ``ProcessLookupError`` once it is gone."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except (FileNotFoundError, ProcessLookupError):
        raise ProcessLookupError(f"process {pid} is gone") from None
    for line in text.splitlines():
        if line.startswith(f"{key}:"):
            return int(line.split()[1])
    raise ProcessLookupError(f"process {pid} has no {key} (a zombie?)")


def peak_rss_bytes(pid: int) -> int:
    """The process's peak resident set size so far (``VmHWM``), in bytes."""
    return _status_kib(pid, "VmHWM") * 1024


def rss_bytes(pid: int) -> int:
    """The process's resident set size now (``VmRSS``), in bytes."""
    return _status_kib(pid, "VmRSS") * 1024


def mib(n_bytes: int | None) -> float | None:
    return None if n_bytes is None else n_bytes / (1024 * 1024)


class TokenBucket:
    """Paces a producer at ``rate`` items per second, steadily.

    Tokens accrue continuously at ``rate``; the bucket holds at most ``burst`` of them, so a
    producer that fell behind (a slow send, a busy machine) catches up by at most ``burst``
    items at once instead of flooding. Time is passed in (monotonic seconds) to keep it pure.
    """

    def __init__(self, rate: float, burst: float, now: float) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be positive and burst at least 1")
        self.rate = rate
        self.burst = burst
        self._tokens = 0.0
        self._last = now

    def take(self, now: float) -> int:
        """Refill up to ``now`` and take every whole token available: how many to send now."""
        self._tokens = min(self.burst, self._tokens + (now - self._last) * self.rate)
        self._last = now
        whole = int(self._tokens)
        self._tokens -= whole
        return whole

    def wait(self) -> float:
        """Seconds until the next whole token (0 when one is available)."""
        return max(0.0, (1.0 - self._tokens) / self.rate)


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (``q`` in 0..100) of ``values``; raises ``ValueError`` if empty."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


@dataclass(frozen=True, slots=True)
class Span:
    """Records and their first and last Kafka timestamps (milliseconds) on some topics."""

    count: int
    first_ms: int
    last_ms: int

    @property
    def seconds(self) -> float:
        return max(self.last_ms - self.first_ms, 1) / 1000.0

    def rate(self, items: int) -> float:
        """``items`` per second over the span (the span is at least a millisecond)."""
        return items / self.seconds

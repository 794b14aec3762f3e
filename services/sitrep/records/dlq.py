"""Dead letters: what travels with a record that could not be processed, and the breaker.

Pure code. The Kafka side (producing the dead letter) is :func:`sitrep.ops.kafka.send_dead_letter`.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

MAX_ERROR_CHARS = 2000


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """A record that failed, with where it came from and why.

    ``value`` and ``key`` are the original bytes, untouched. ``error_class`` is a short, bounded
    name (used as a metric label); ``error`` is the human-readable reason.
    """

    stage: str
    error_class: str
    error: str
    value: bytes | None
    key: bytes | None = None
    topic: str | None = None
    partition: int | None = None
    offset: int | None = None
    attempt: int = 1

    def headers(self) -> list[tuple[str, bytes]]:
        out = [
            ("sitrep-stage", self.stage.encode()),
            ("sitrep-error-class", self.error_class.encode()),
            ("sitrep-error", self.error[:MAX_ERROR_CHARS].encode("utf-8", "replace")),
            ("sitrep-attempt", str(self.attempt).encode()),
        ]
        if self.topic is not None:
            out.append(("sitrep-topic", self.topic.encode()))
        if self.partition is not None:
            out.append(("sitrep-partition", str(self.partition).encode()))
        if self.offset is not None:
            out.append(("sitrep-offset", str(self.offset).encode()))
        return out


class DlqBreakerOpen(RuntimeError):
    """Raised when most of a stage's recent input was dead-lettered: stop, do not go on."""


class DlqBreaker:
    """A circuit breaker over the last ``window`` inputs of a stage.

    ``record(ok)`` is called once per input. When the window is full and the share of failures
    exceeds ``max_ratio``, it raises :class:`DlqBreakerOpen`: a bad deploy or a poisoned topic
    should stop the worker (and page someone) rather than dead-letter everything after it.
    """

    def __init__(self, stage: str, window: int = 200, max_ratio: float = 0.8) -> None:
        self.stage = stage
        self.window = window
        self.max_ratio = max_ratio
        self._recent: deque[bool] = deque(maxlen=window)
        self._failures = 0

    def record(self, ok: bool) -> None:
        if len(self._recent) == self.window and not self._recent[0]:
            self._failures -= 1
        self._recent.append(ok)
        if not ok:
            self._failures += 1
        if len(self._recent) == self.window and self._failures > self.max_ratio * self.window:
            raise DlqBreakerOpen(
                f"{self.stage}: {self._failures} of the last {self.window} inputs were "
                f"dead-lettered (limit {self.max_ratio:.0%}); stopping. Inspect the DLQ topic, "
                "fix the producer or the deploy, then restart."
            )

    @property
    def failure_ratio(self) -> float:
        return self._failures / len(self._recent) if self._recent else 0.0

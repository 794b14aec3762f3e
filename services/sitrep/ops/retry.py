"""Capped exponential backoff, shared by the services' retry loops."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True)
class Backoff:
    """Capped exponential backoff: ``initial``, doubled after every failure, at most ``cap``."""

    initial: float = 0.5
    cap: float = 30.0
    current: float = 0.0

    def next(self) -> float:
        self.current = self.initial if self.current == 0 else min(self.cap, self.current * 2)
        return self.current

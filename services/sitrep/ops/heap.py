"""Keep the garbage collector's full collections short in long-running workers.

CPython's full (generation 2) collections walk every container object alive, and they stall
the whole event loop while they do (every stage in the process waits). Two kinds of objects
make them long:

- **what a worker loads at start**: the understanding's lexicon and gazetteer and the modules
  of faust, aiokafka and psycopg, ~150-300k container objects that live as long as the
  process (45-220 ms per collection in a processor at 1,000 reports/s). :func:`freeze_loaded`
  moves everything alive at that moment to the permanent generation (:func:`gc.freeze`).
- **the state that grows while it runs**: the cluster step's open events (members, links,
  candidates, marks: ~6 container objects per report held). On a live stream nothing expires
  for the length of the window, so every full collection walks more: in the latency benchmark
  at 1,000/s they grew from 25 ms to 322 ms within 50 s, one every ~5 s, each collecting
  nothing, and they were the processor's share of the end-to-end p99. :class:`SurvivorFreezer`
  freezes what survived each full collection, so the next one walks only what was allocated
  since: a survivor of a full collection is, by then, likely to stay.

A frozen object is still freed when its last reference goes (reference counting); only a
*cycle* of frozen objects that becomes garbage is left for the collector, which no longer looks
at it. To reclaim those, the freezer thaws everything every ``thaw_seconds`` (an hour by
default): the next full collection then walks the whole heap once (a pause as long as before,
once an hour instead of every few seconds) and its survivors are frozen again.

Every collection's pause is counted in ``sitrep_gc_pause_seconds{generation}`` and the frozen
objects in ``sitrep_gc_frozen_objects``.
"""

from __future__ import annotations

import asyncio
import collections
import gc
import logging
import threading
import time
from collections.abc import Callable
from typing import Any, Final

from sitrep.ops import metrics

log = logging.getLogger(__name__)

THAW_SECONDS: Final = 3600.0
"""How often :class:`SurvivorFreezer` thaws the frozen objects so that a full collection can
reclaim the cycles among them that became garbage."""


def freeze_loaded() -> int:
    """Collect once, then freeze every object alive (call after loading the long-lived data,
    before processing). Returns how many objects are frozen."""
    started = time.perf_counter()
    gc.collect()
    gc.freeze()
    frozen = gc.get_freeze_count()
    metrics.GC_FROZEN.set(frozen)
    log.info(
        "long-lived objects frozen out of garbage collection",
        extra={"objects": frozen, "seconds": round(time.perf_counter() - started, 3)},
    )
    return frozen


class SurvivorFreezer:
    """After every full collection, freeze its survivors (see the module docstring).

    The collector's callback only notes the pause and asks the event loop to settle (it may run
    in any thread, in the middle of any code: it takes no lock and touches no metric); the
    loop then records the pauses and, after a full collection, calls :func:`gc.freeze` — or
    :func:`gc.unfreeze` once ``thaw_seconds`` have passed since the last thaw.
    """

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        *,
        thaw_seconds: float = THAW_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._loop = loop
        self._thread = threading.get_ident()
        self._thaw_seconds = thaw_seconds
        self._clock = clock
        self._last_thaw = clock()
        self._started = 0.0
        self._pauses: collections.deque[tuple[int, float]] = collections.deque(maxlen=10_000)
        self._scheduled = False
        self.freezes = 0
        self.thaws = 0

    def install(self) -> SurvivorFreezer:
        if self._on_gc not in gc.callbacks:
            gc.callbacks.append(self._on_gc)
        return self

    def uninstall(self) -> None:
        while self._on_gc in gc.callbacks:
            gc.callbacks.remove(self._on_gc)

    def _on_gc(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
            return
        self._pauses.append((info["generation"], time.perf_counter() - self._started))
        if self._scheduled or self._loop.is_closed():
            return
        self._scheduled = True
        try:
            if threading.get_ident() == self._thread:
                self._loop.call_soon(self.settle)
            else:
                self._loop.call_soon_threadsafe(self.settle)
        except RuntimeError:  # the loop closed meanwhile: nothing left to keep short
            self._scheduled = False

    def settle(self) -> None:
        """Record the pauses noted since the last call; freeze (or thaw) after a full one."""
        self._scheduled = False
        full = False
        while self._pauses:
            generation, seconds = self._pauses.popleft()
            metrics.GC_PAUSE_SECONDS.labels(generation=str(generation)).observe(seconds)
            full = full or generation == 2
        if not full:
            return
        now = self._clock()
        if now - self._last_thaw >= self._thaw_seconds:
            self._last_thaw = now
            self.thaws += 1
            thawed = gc.get_freeze_count()
            gc.unfreeze()
            log.info(
                "frozen objects thawed: the next full collection walks them all once",
                extra={"objects": thawed},
            )
        else:
            gc.freeze()
            self.freezes += 1
        metrics.GC_FROZEN.set(gc.get_freeze_count())


def freeze_survivors(loop: asyncio.AbstractEventLoop | None = None) -> SurvivorFreezer:
    """Install a :class:`SurvivorFreezer` on ``loop`` (the running loop by default)."""
    return SurvivorFreezer(loop or asyncio.get_running_loop()).install()

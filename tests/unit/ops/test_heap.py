"""Long-lived objects are frozen out of the garbage collector's full collections."""

from __future__ import annotations

import asyncio
import gc
import sys
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from sitrep.ops import metrics
from sitrep.ops.heap import SurvivorFreezer, freeze_loaded


def test_objects_alive_at_the_freeze_are_no_longer_walked_by_collections() -> None:
    loaded = [{"gazetteer": n} for n in range(1000)]  # stands for the long-lived data
    try:
        frozen = freeze_loaded()
        assert frozen >= len(loaded)
        walked = {id(o) for o in gc.get_objects()}
        assert not any(id(o) in walked for o in loaded)
        later = [["report"]]
        assert any(o is later[0] for o in gc.get_objects())  # new objects are collected as ever
    finally:
        gc.unfreeze()


class _Node:
    """A container object that can be part of a reference cycle."""

    def __init__(self) -> None:
        self.other: object = None


def _walked(objects: list[object]) -> bool:
    ids = {id(o) for o in gc.get_objects()}
    return any(id(o) in ids for o in objects)


def _pauses(generation: str) -> float:
    value = metrics.REGISTRY.get_sample_value(
        "sitrep_gc_pause_seconds_count", {"generation": generation}
    )
    return value or 0.0


@contextmanager
def _installed(**options: Any) -> Iterator[tuple[asyncio.AbstractEventLoop, SurvivorFreezer]]:
    """A fresh event loop with a freezer on it; afterwards nothing stays frozen or installed."""
    loop = asyncio.new_event_loop()
    freezer = SurvivorFreezer(loop, **options).install()
    try:
        yield loop, freezer
    finally:
        freezer.uninstall()
        gc.unfreeze()
        loop.close()


def _settled(loop: asyncio.AbstractEventLoop) -> None:
    """Run the loop until the callbacks the collector scheduled have run."""
    loop.run_until_complete(asyncio.sleep(0))


def test_survivors_of_a_full_collection_are_frozen_and_its_garbage_is_not() -> None:
    with _installed() as (loop, freezer):
        state = [_Node() for _ in range(500)]  # stands for the cell states that grow
        garbage = _Node()
        garbage.other = garbage  # a cycle only a collection frees
        probe = weakref.ref(garbage)
        del garbage
        before = _pauses("2")
        gc.collect()
        _settled(loop)
        assert probe() is None  # collected, not frozen
        assert freezer.freezes == 1
        assert not _walked(state)  # the next full collections skip them
        assert gc.get_freeze_count() >= len(state)
        assert _pauses("2") == before + 1
        gauge = metrics.REGISTRY.get_sample_value("sitrep_gc_frozen_objects")
        assert gauge is not None
        assert gauge >= len(state)
        later = [_Node()]
        assert _walked(later)  # what is allocated after the freeze is collected as ever


def test_a_thaw_lets_the_next_full_collection_reclaim_frozen_cycles() -> None:
    now = [0.0]
    with _installed(thaw_seconds=60.0, clock=lambda: now[0]) as (loop, freezer):
        node = _Node()
        node.other = node
        probe = weakref.ref(node)
        gc.collect()
        _settled(loop)  # the cycle was alive: frozen
        del node
        gc.collect()
        _settled(loop)
        assert probe() is not None  # garbage now, but frozen: no collection looks at it
        now[0] = 61.0
        gc.collect()
        _settled(loop)  # the thaw, after this full collection
        assert freezer.thaws == 1
        assert gc.get_freeze_count() == 0
        gc.collect()
        assert probe() is None
        _settled(loop)  # and the survivors are frozen again
        assert gc.get_freeze_count() > 0
        assert freezer.freezes == 3


def test_a_collection_in_another_thread_is_settled_on_the_loop() -> None:
    with _installed() as (loop, freezer):

        async def collect_in_a_thread() -> None:
            await asyncio.to_thread(gc.collect)
            for _ in range(100):  # call_soon_threadsafe: within a few loop iterations
                if freezer.freezes:
                    return
                await asyncio.sleep(0.01)

        loop.run_until_complete(collect_in_a_thread())
        assert freezer.freezes >= 1


def test_after_the_loop_closed_collections_are_harmless(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    raised: list[object] = []  # an exception in a gc callback only reaches this hook
    monkeypatch.setattr(sys, "unraisablehook", raised.append)
    with _installed() as (loop, freezer):
        loop.close()
        gc.collect()
        assert raised == []
        assert freezer.freezes == 0

"""Long-lived objects are frozen out of the garbage collector's full collections."""

from __future__ import annotations

import gc

from sitrep.ops.heap import freeze_loaded


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

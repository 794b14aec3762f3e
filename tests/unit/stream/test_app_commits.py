"""The processor's faust app sends the broker no commit past what its cluster agent finished."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from faust.types import TP

from sitrep.ops.settings import Settings
from sitrep.records.topics import CANDIDATES
from sitrep.sources import SourceRegistry
from sitrep.stream.app import create_app


def _commits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, guarantee: str, finished: int | None
) -> tuple[bool, list[dict[Any, int]]]:
    """Ask the app's consumer to commit offset 5 of a candidates partition whose agent
    finished up to ``finished``; what reached the broker's commit."""
    settings = Settings.from_env({}).with_(
        data_dir=str(tmp_path), topic_prefix="tc", group_prefix="tc", processing_guarantee=guarantee
    )
    sent: list[dict[Any, int]] = []

    async def to_broker(self: Any, offsets: dict[Any, int]) -> bool:
        sent.append(dict(offsets))
        return True

    async def main() -> bool:
        app = create_app(settings, SourceRegistry.load(None))
        monkeypatch.setattr(app.transport.Consumer, "_commit", to_broker)
        consumer: Any = app._new_consumer()
        candidates = TP(settings.topic(CANDIDATES.suffix), 0)
        if finished is not None:
            assert app.commit_bound is not None
            app.commit_bound.finished[(candidates.topic, 0)] = finished  # type: ignore[index]
        return bool(await consumer._commit({candidates: 5}))

    return asyncio.run(main()), sent


def test_a_commit_stops_where_the_agent_stopped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    done, sent = _commits(tmp_path, monkeypatch, "at_least_once", finished=3)
    assert done
    assert [{tp.partition: offset for tp, offset in s.items()} for s in sent] == [{0: 3}]


def test_nothing_is_committed_of_a_partition_the_agent_finished_nothing_of(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    done, sent = _commits(tmp_path, monkeypatch, "at_least_once", finished=None)
    assert not done
    assert sent == []


def test_under_exactly_once_the_transaction_decides(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    done, sent = _commits(tmp_path, monkeypatch, "exactly_once", finished=None)
    assert done
    assert [{tp.partition: offset for tp, offset in s.items()} for s in sent] == [{0: 5}]

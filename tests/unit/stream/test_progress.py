"""Waiting for a drained pipeline rides out a broker that is still starting."""

from __future__ import annotations

import asyncio

import pytest
from aiokafka.errors import CoordinatorNotAvailableError

from sitrep.ops.settings import Settings
from sitrep.stream import progress
from sitrep.stream.progress import GroupLag, wait_drained


def test_a_fresh_broker_without_a_group_coordinator_yet_is_waited_for(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = Settings.from_env({})
    answers: list[object] = [
        CoordinatorNotAvailableError(),
        CoordinatorNotAvailableError(),
        [GroupLag("g", settings.topic("raw.v1"), 5, 5)],
        [GroupLag("g", settings.topic("raw.v1"), 5, 5)],
    ]

    async def measure(_: Settings) -> list[GroupLag]:
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        assert isinstance(answer, list)
        return answer

    monkeypatch.setattr(progress, "measure_lag", measure)

    lags = asyncio.run(wait_drained(settings, within=30.0, min_input=5))

    assert [g.lag for g in lags] == [0]
    assert answers == []


def test_a_broker_that_never_answers_times_out_naming_the_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def measure(_: Settings) -> list[GroupLag]:
        raise CoordinatorNotAvailableError()

    monkeypatch.setattr(progress, "measure_lag", measure)

    with pytest.raises(TimeoutError, match="CoordinatorNotAvailableError"):
        asyncio.run(wait_drained(Settings.from_env({}), within=1.2))

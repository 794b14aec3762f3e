"""Pacing of Telegram requests: flood waits, backoff, authorization and refusals."""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable

import pytest
from telethon import errors
from tests.fixtures.telegram.fake_telegram import VirtualClock, flood_wait

from sitrep.collect.telegram.pacing import ChannelUnavailable, Pacing, TelegramAuthorizationError
from sitrep.ops import metrics


def failing(
    *failures: BaseException, result: str = "ok"
) -> tuple[Callable[[], Awaitable[str]], list[int]]:
    """A request that raises ``failures`` in turn, then returns ``result``; counts its calls."""
    calls = [0]
    pending = list(failures)

    async def request() -> str:
        calls[0] += 1
        if pending:
            raise pending.pop(0)
        return result

    return request, calls


def count(name: str) -> float:
    return metrics.REGISTRY.get_sample_value(name) or 0.0


async def test_flood_wait_sleeps_at_least_the_seconds_asked_then_repeats_the_request() -> None:
    clock = VirtualClock()
    pacing = Pacing(clock=clock, rng=random.Random(1))
    request, calls = failing(flood_wait(3600))
    waits, seconds = (
        count("sitrep_telegram_flood_waits_total"),
        count("sitrep_telegram_flood_wait_seconds_total"),
    )
    assert await pacing.call("get_messages", request) == "ok"
    assert calls == [2]
    [slept] = clock.sleeps
    assert 3600 <= slept <= 3600 + pacing.flood_jitter_max
    assert count("sitrep_telegram_flood_waits_total") == waits + 1
    assert count("sitrep_telegram_flood_wait_seconds_total") == pytest.approx(seconds + slept)


async def test_flood_wait_jitter_spreads_the_retries() -> None:
    pacing = Pacing(clock=VirtualClock(), rng=random.Random(3))
    waits = {pacing.flood_wait_seconds(60) for _ in range(20)}
    assert len(waits) > 1 and min(waits) >= 60 and max(waits) <= 60 + 7


async def test_other_rpc_errors_back_off_exponentially() -> None:
    clock = VirtualClock()
    pacing = Pacing(clock=clock, rng=random.Random(2), backoff_base=1.0)
    request, calls = failing(*(errors.ServerError(None, "RPC_CALL_FAIL") for _ in range(4)))
    assert await pacing.call("get_messages", request) == "ok"
    assert calls == [5]
    for attempt, slept in enumerate(clock.sleeps, start=1):
        assert 2 ** (attempt - 1) / 2 <= slept <= 2 ** (attempt - 1)


async def test_rpc_errors_give_up_after_max_attempts() -> None:
    pacing = Pacing(clock=VirtualClock(), rng=random.Random(2), max_attempts=3)
    request, calls = failing(*(errors.ServerError(None, "RPC_CALL_FAIL") for _ in range(5)))
    with pytest.raises(errors.ServerError):
        await pacing.call("get_messages", request)
    assert calls == [3]


async def test_authorization_error_stops_with_what_to_do() -> None:
    pacing = Pacing(clock=VirtualClock())
    request, calls = failing(errors.SessionRevokedError(request=None))
    with pytest.raises(TelegramAuthorizationError, match="sitrep telegram login") as caught:
        await pacing.call("get_messages", request)
    assert "SessionRevokedError" in str(caught.value)
    assert calls == [1]


async def test_refused_request_is_not_retried() -> None:
    clock = VirtualClock()
    pacing = Pacing(clock=clock)
    request, calls = failing(errors.ChannelPrivateError(request=None))
    with pytest.raises(ChannelUnavailable, match="ChannelPrivateError"):
        await pacing.call("get_messages", request)
    assert calls == [1]
    assert clock.sleeps == []

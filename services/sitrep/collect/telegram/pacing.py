"""How the collector paces its calls to Telegram, so that the account is never banned.

Every request the collector makes goes through :meth:`Pacing.call`:

- ``FloodWaitError`` (and its premium and slow-mode cousins) is **honoured**: the collector sleeps
  the seconds Telegram asked for plus a random jitter, counts the wait in
  ``sitrep_telegram_flood_waits_total`` / ``sitrep_telegram_flood_wait_seconds_total`` and
  repeats the same request. Flood waits are never capped or cut short.
- authorization errors (401 and auth-key errors: revoked or expired session, deleted or banned
  account, a session used from two places) raise :class:`TelegramAuthorizationError`: the
  collector stops with a message saying what to do. Retrying would only make things worse.
- requests Telegram refuses for good (400 Bad Request, 403 Forbidden: a private channel, a
  username nobody holds) raise :class:`ChannelUnavailable` at once, without retrying.
- other RPC errors (500s, timeouts, unexpected codes) are retried with exponential backoff and
  full jitter (1 s, 2 s, 4 s ... capped), ``max_attempts`` times, then re-raised.
- connection errors (``ConnectionError``, ``OSError``) pass through: the collector's reconnect
  loop owns them.

Time comes from an injected :class:`Clock` so that tests run flood waits on a virtual clock.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol, TypeVar

from telethon import errors

from sitrep.ops import metrics
from sitrep.records.times import utc_now

log = logging.getLogger(__name__)

T = TypeVar("T")


class Clock(Protocol):
    """Wall time and sleeping, injected so that waits can run on a virtual clock in tests."""

    def now(self) -> datetime:
        """The current time, timezone-aware UTC."""
        ...

    async def sleep(self, seconds: float) -> None:
        """Return after ``seconds`` (cancellable)."""
        ...


class SystemClock:
    """The real clock: :func:`~sitrep.records.times.utc_now` and :func:`asyncio.sleep`."""

    def now(self) -> datetime:
        return utc_now()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


class TelegramAuthorizationError(RuntimeError):
    """The session cannot be used (not logged in, revoked, expired, account banned): stop."""


class ChannelUnavailable(RuntimeError):
    """Telegram refused a request about one channel for good (private, unknown, banned...)."""


AUTHORIZATION_ERRORS = (errors.UnauthorizedError, errors.AuthKeyError)
REFUSED_ERRORS = (errors.BadRequestError, errors.ForbiddenError, errors.NotFoundError)

AUTHORIZATION_HELP = (
    "Telegram refused the session ({name}). The session string was revoked or expired, the "
    "account was deactivated or banned, or the same session is used by another process. Stop "
    "every other collector using this session, then create a new one with "
    "`sitrep telegram login` and store it in the Kubernetes Secret (SITREP_TELEGRAM_SESSION)."
)


@dataclass(slots=True)
class Pacing:
    """Runs Telegram requests under the flood-wait, backoff and authorization rules above.

    ``flood_jitter_max`` bounds the random extra added to every flood wait (at most 10 % of the
    wait plus one second, never more than this). ``backoff_base`` and ``backoff_max`` shape the
    exponential backoff of other RPC errors, tried ``max_attempts`` times in all.
    """

    clock: Clock = field(default_factory=SystemClock)
    rng: random.Random = field(default_factory=random.Random)
    flood_jitter_max: float = 30.0
    backoff_base: float = 1.0
    backoff_max: float = 300.0
    max_attempts: int = 6

    def flood_wait_seconds(self, seconds: int) -> float:
        """The time to sleep for a flood wait of ``seconds``: never less than Telegram asked."""
        jitter = self.rng.uniform(0.0, min(self.flood_jitter_max, 1.0 + 0.1 * seconds))
        return max(0, seconds) + jitter

    def backoff_seconds(self, attempt: int) -> float:
        """Full-jitter exponential backoff for the ``attempt``-th failure (1-based)."""
        ceiling = min(self.backoff_max, self.backoff_base * 2 ** (attempt - 1))
        return self.rng.uniform(ceiling / 2, ceiling)

    async def honour_flood_wait(self, what: str, seconds: int) -> None:
        wait = self.flood_wait_seconds(seconds)
        metrics.TELEGRAM_FLOOD_WAITS.inc()
        metrics.TELEGRAM_FLOOD_WAIT_SECONDS.inc(wait)
        log.warning(
            "telegram flood wait: sleeping as asked",
            extra={"request": what, "flood_wait_seconds": seconds, "sleep_seconds": round(wait, 3)},
        )
        await self.clock.sleep(wait)

    async def call(self, what: str, request: Callable[[], Awaitable[T]]) -> T:
        """Run ``request()`` until it succeeds or fails for good; ``what`` names it in logs."""
        failures = 0
        while True:
            try:
                return await request()
            except errors.FloodError as exc:
                seconds = getattr(exc, "seconds", None)
                if seconds is None:  # a 420 without a wait time: back off like any RPC error
                    failures = await self._back_off(what, exc, failures)
                    continue
                await self.honour_flood_wait(what, int(seconds))
            except AUTHORIZATION_ERRORS as exc:
                raise TelegramAuthorizationError(
                    AUTHORIZATION_HELP.format(name=type(exc).__name__)
                ) from None
            except REFUSED_ERRORS as exc:
                raise ChannelUnavailable(f"{what}: {type(exc).__name__}: {exc.message}") from None
            except errors.RPCError as exc:
                failures = await self._back_off(what, exc, failures)

    async def _back_off(self, what: str, exc: errors.RPCError, failures: int) -> int:
        failures += 1
        if failures >= self.max_attempts:
            raise exc
        delay = self.backoff_seconds(failures)
        log.warning(
            "telegram request failed; backing off",
            extra={
                "request": what,
                "error": type(exc).__name__,
                "attempt": failures,
                "sleep_seconds": round(delay, 3),
            },
        )
        await self.clock.sleep(delay)
        return failures

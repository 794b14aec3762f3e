"""Telegram credentials: sessions from settings, the login helper, and no secret in any log."""

from __future__ import annotations

import asyncio
import io
import logging
import os
import random
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from telethon import errors
from telethon.crypto import AuthKey
from telethon.sessions import StringSession
from tests.fixtures.telegram.fake_telegram import (
    FakeTelegram,
    MemoryCheckpointStore,
    MemorySink,
    VirtualClock,
    channel,
    flood_wait,
    message,
    wait_until,
)

from sitrep.collect.telegram.client import make_client, session_from_secret
from sitrep.collect.telegram.collector import BackfillDepth, TelegramCollector
from sitrep.collect.telegram.login import login
from sitrep.collect.telegram.pacing import Pacing, TelegramAuthorizationError
from sitrep.ops.logging import JsonFormatter, register_secret
from sitrep.ops.settings import Secret, Settings, SettingsError
from sitrep.sources import Source

API_HASH = "0123456789abcdef0123456789abcdef"


def session_string() -> str:
    session = StringSession()
    session.set_dc(2, "149.154.167.51", 443)
    session.auth_key = AuthKey(os.urandom(256))
    saved: str = session.save()
    return saved


def telegram_settings(session: str) -> Settings:
    return Settings.from_env(
        {
            "SITREP_TELEGRAM_API_ID": "123456",
            "SITREP_TELEGRAM_API_HASH": API_HASH,
            "SITREP_TELEGRAM_SESSION": session,
        }
    )


@pytest.fixture
def all_logs() -> Iterator[io.StringIO]:
    """Every log record of every logger at DEBUG, formatted by the service's JSON formatter
    *without* the redaction net (nothing is registered as secret), as operators would see it."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)


def test_session_string_is_read_as_a_string_session() -> None:
    assert isinstance(session_from_secret(Secret(session_string())), StringSession)


def test_session_file_path_is_passed_through() -> None:
    assert (
        session_from_secret(Secret("/var/lib/sitrep/collector.session"))
        == "/var/lib/sitrep/collector.session"
    )


def test_malformed_session_error_names_the_variable_not_the_value() -> None:
    bad = "1" + "A" * 40
    with pytest.raises(SettingsError, match="SITREP_TELEGRAM_SESSION") as caught:
        session_from_secret(Secret(bad))
    assert bad not in str(caught.value)


def test_missing_api_credentials_say_where_to_get_them() -> None:
    with pytest.raises(SettingsError, match=r"my\.telegram\.org"):
        make_client(Settings.from_env({"SITREP_TELEGRAM_SESSION": session_string()}))


async def test_session_string_never_appears_in_logs_or_errors(all_logs: io.StringIO) -> None:
    secret = session_string()
    settings = telegram_settings(secret)
    make_client(settings)  # the real Telethon client, built offline from the settings

    fake = FakeTelegram(channel(1001, "Chan", "Chan"))
    fake.post(*(message(1001, i, f"post {i}") for i in range(1, 4)))
    fake.fail("get_messages", flood_wait(30), errors.ServerError(None, "RPC_CALL_FAIL"))
    sink, store = MemorySink(), MemoryCheckpointStore()
    collector = TelegramCollector(
        fake,
        [Source(id="chan", kind="telegram", channel="@Chan")],
        sink,
        store,
        lambda letter: asyncio.sleep(0),
        pacing=Pacing(clock=VirtualClock(), rng=random.Random(1)),
        backfill=BackfillDepth(10),
    )
    stop = asyncio.Event()
    task = asyncio.create_task(collector.run(stop))
    await wait_until(lambda: len(sink.items) == 3, what="collection")
    fake.drop_connection()
    await wait_until(lambda: fake.connects == 2, what="reconnect")
    fake.fail("get_messages", errors.AuthKeyUnregisteredError(request=None))
    fake.post(message(1001, 5, "after a gap"))
    await fake.publish(message(1001, 6, "pushed"))
    with pytest.raises(TelegramAuthorizationError) as caught:
        await asyncio.wait_for(task, 10)

    logged = all_logs.getvalue()
    assert "flood wait" in logged and "reconnecting" in logged  # the paths above did log
    for value in (secret, secret[1:40], API_HASH):
        assert value not in logged
        assert value not in str(caught.value)
        assert value not in repr(settings)


class FakeLoginClient:
    """The login's Telegram edge: ``start`` asks its callbacks as Telethon's would."""

    def __init__(self, session: str) -> None:
        self.asked: list[str] = []
        self._session = session
        self.disconnected = False

    @property
    def session(self) -> Any:
        outer = self

        class _Session:
            def save(self) -> str:
                return outer._session

        return _Session()

    async def start(
        self,
        phone: Callable[[], str],
        password: Callable[[], str],
        *,
        code_callback: Callable[[], str],
    ) -> None:
        self.asked = [phone(), code_callback(), password()]

    async def disconnect(self) -> None:
        self.disconnected = True


async def test_login_prints_the_session_once_on_stdout_and_the_advice_on_stderr() -> None:
    secret = session_string()
    client = FakeLoginClient(secret)
    out, err = io.StringIO(), io.StringIO()
    answers = {"Phone": "+441234567890", "Login code": "12345", "Two-step": "hunter2"}

    def ask(prompt: str) -> str:
        return next(v for k, v in answers.items() if prompt.startswith(k))

    await login(client, ask, ask, out, err)
    assert client.asked == ["+441234567890", "12345", "hunter2"]
    assert out.getvalue() == secret + "\n"
    assert "Kubernetes Secret" in err.getvalue()
    assert secret not in err.getvalue()
    assert client.disconnected


def test_registered_secrets_are_redacted_as_a_second_line_of_defence() -> None:
    secret = session_string()
    register_secret(secret)
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, f"oops {secret}", None, None)
    assert secret not in JsonFormatter().format(record)

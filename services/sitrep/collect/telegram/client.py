"""The Telegram edge: which client methods the collector calls, and how the client is built.

:class:`TelegramApi` lists the few ``TelegramClient`` methods the collector uses, with the
meaning it relies on. Telethon's ``TelegramClient`` satisfies it; the tests use an offline fake
that returns real Telethon TL objects. Nothing else in the collector touches the network.

Credentials come from :class:`~sitrep.ops.settings.Settings` (``SITREP_TELEGRAM_API_ID``,
``SITREP_TELEGRAM_API_HASH``, ``SITREP_TELEGRAM_SESSION``, each hash/session also as a mounted
file with ``..._FILE``). The session is either a Telethon ``StringSession`` string (what
``sitrep telegram login`` prints) or the path of a Telethon ``.session`` file. Error messages
name the variable, never its value.
"""

from __future__ import annotations

import asyncio
import binascii
import struct
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, Protocol

from telethon import TelegramClient
from telethon.sessions import StringSession

import sitrep
from sitrep.ops.settings import Secret, Settings, SettingsError

UpdateHandler = Callable[[Any], Awaitable[None]]


class TelegramApi(Protocol):
    """The part of ``telethon.TelegramClient`` the collector calls."""

    async def connect(self) -> None:
        """Open the connection; raises ``ConnectionError``/``OSError`` when it cannot."""
        ...

    async def disconnect(self) -> None: ...

    def is_connected(self) -> bool: ...

    @property
    def disconnected(self) -> asyncio.Future[None]:
        """A future that completes when the connection is lost (or closed)."""
        ...

    async def is_user_authorized(self) -> bool: ...

    async def get_entity(self, entity: Any) -> Any:
        """Resolve a username (``"name"``) or peer (``PeerChannel``/``InputPeerChannel``) to a
        ``types.Channel`` (or another entity type, which the collector refuses)."""
        ...

    async def get_dialogs(self) -> Any:
        """List the account's dialogs (fills the entity cache with their access hashes)."""
        ...

    async def get_messages(
        self,
        entity: Any,
        limit: int | None = ...,
        *,
        min_id: int = ...,
        reverse: bool = ...,
        offset_date: datetime | None = ...,
        ids: list[int] | None = ...,
    ) -> Any:
        """Messages of a channel: with ``reverse=True`` those with id > ``min_id``, oldest first,
        at most ``limit``; without it the newest first (before ``offset_date`` if given); with
        ``ids`` those messages in that order, ``None`` (or ``MessageEmpty``) for deleted ones."""
        ...

    def add_event_handler(self, callback: UpdateHandler, event: Any = ...) -> None:
        """Call ``callback(update)`` for every raw update (``events.Raw``)."""
        ...


def session_from_secret(session: Secret) -> StringSession | str:
    """A Telethon session from ``SITREP_TELEGRAM_SESSION``: a session-file path (it ends with
    ``.session`` or contains a ``/``) or a ``StringSession`` string. Raises
    :class:`~sitrep.ops.settings.SettingsError` without echoing the value."""
    value = session.reveal().strip()
    if not value:
        raise SettingsError(
            "SITREP_TELEGRAM_SESSION (or SITREP_TELEGRAM_SESSION_FILE) is empty: create a session "
            "with `sitrep telegram login` and store it in a Kubernetes Secret"
        )
    if value.endswith(".session") or "/" in value:
        return value
    try:
        return StringSession(value)
    except (ValueError, binascii.Error, struct.error):
        raise SettingsError(
            "SITREP_TELEGRAM_SESSION is neither a Telethon session string nor a .session file "
            "path; create a new one with `sitrep telegram login`"
        ) from None


def require_api_credentials(settings: Settings) -> tuple[int, str]:
    """The api id and hash, or a :class:`SettingsError` saying where to get them."""
    if settings.telegram_api_id <= 0 or not settings.telegram_api_hash:
        raise SettingsError(
            "SITREP_TELEGRAM_API_ID and SITREP_TELEGRAM_API_HASH (or SITREP_TELEGRAM_API_HASH_FILE) "
            "are required: create an application at https://my.telegram.org (API development tools)"
        )
    return settings.telegram_api_id, settings.telegram_api_hash.reveal()


def make_client(settings: Settings, session: StringSession | str | None = None) -> TelegramClient:
    """A ``TelegramClient`` for the collector (nothing is sent until ``connect()``).

    Telethon's own automatic reconnects and flood sleeps are off: the collector reconnects
    itself (to catch up every channel from its checkpoint after each reconnect) and honours
    every flood wait itself (to count it in metrics).
    """
    api_id, api_hash = require_api_credentials(settings)
    return TelegramClient(
        session if session is not None else session_from_secret(settings.telegram_session),
        api_id,
        api_hash,
        auto_reconnect=False,
        flood_sleep_threshold=0,
        request_retries=1,
        connection_retries=1,
        receive_updates=True,
        catch_up=False,
        device_model="sitrep collector",
        system_version="sitrep",
        app_version=sitrep.__version__,
        base_logger="telethon",
    )

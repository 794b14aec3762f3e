"""``sitrep telegram login``: create a Telethon session string interactively, print it once.

The session string is a full login to the Telegram account: whoever holds it reads what the
account reads and can act as it. It is printed exactly once, on stdout (so it can be piped
straight into a secret store), and never logged; the guidance goes to stderr.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, TextIO

STORE_HINT = """\
sitrep: this is the Telegram session string for the collector. It is a full login to the
account: anyone who has it can read and act as this account. Do not paste it into chats, tickets
or shell history. Store it as a Kubernetes Secret and mount it, for example:

  kubectl create secret generic sitrep-telegram \\
      --from-literal=session="$(cat session.txt)" \\
      --from-literal=api-hash=... && shred -u session.txt

then set SITREP_TELEGRAM_SESSION_FILE (or SITREP_TELEGRAM_SESSION) from it. Revoke it any time
in Telegram under Settings > Devices. The session string follows on stdout:"""


class LoginClient(Protocol):
    """The part of ``TelegramClient`` (with a ``StringSession``) the login uses."""

    @property
    def session(self) -> Any: ...

    def start(
        self,
        phone: Callable[[], str],
        password: Callable[[], str],
        *,
        code_callback: Callable[[], str],
    ) -> Any: ...

    async def disconnect(self) -> None: ...


async def login(
    client: LoginClient,
    ask: Callable[[str], str],
    ask_secret: Callable[[str], str],
    out: TextIO,
    err: TextIO,
) -> str:
    """Log in (phone, the code Telegram sends, and the 2FA password if the account has one),
    print the guidance to ``err`` and the session string once to ``out``; return the string."""
    try:
        await client.start(
            phone=lambda: ask("Phone number, international format (+44...): "),
            password=lambda: ask_secret("Two-step verification password: "),
            code_callback=lambda: ask("Login code Telegram sent you: "),
        )
        session: str = client.session.save()
    finally:
        await client.disconnect()
    if not session:
        raise RuntimeError("Telegram did not authorize the session; nothing to print")
    print(STORE_HINT, file=err, flush=True)
    print(session, file=out, flush=True)
    return session

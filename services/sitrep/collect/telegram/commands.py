"""Commands: ``sitrep collect telegram``, ``sitrep telegram login``,
``sitrep import telegram-export``."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import signal
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from telethon import errors
from telethon.sessions import StringSession

from sitrep.cli import Commands, UsageError
from sitrep.collect.output import add_output_arguments
from sitrep.collect.telegram.client import make_client
from sitrep.collect.telegram.collector import BackfillDepth
from sitrep.collect.telegram.export import ExportError, read_export
from sitrep.collect.telegram.login import login
from sitrep.collect.telegram.pacing import TelegramAuthorizationError
from sitrep.collect.telegram.service import deliver_export, run_collector
from sitrep.ops.settings import Settings
from sitrep.records.codec import RecordError, loads
from sitrep.records.dlq import DlqBreakerOpen
from sitrep.records.times import now_iso, parse_iso
from sitrep.sources import SourceRegistry, SourcesError

EXIT_AUTHORIZATION = 3
EXIT_BREAKER = 4


def register(commands: Commands) -> None:
    collect = commands.add(
        "collect telegram",
        _collect,
        help="follow the Telegram channels of the sources file into the raw topic",
        description="Follow the Telegram channels listed in the sources file (SITREP_SOURCES_FILE) "
        "and produce their posts, edits and deletions to the raw topic. Each channel resumes "
        "from its checkpoint; a new channel is backfilled first.",
    )
    collect.add_argument(
        "--sources", metavar="FILE", help="sources file (default: SITREP_SOURCES_FILE)"
    )
    collect.add_argument(
        "--backfill-limit",
        type=int,
        metavar="N",
        help="a new channel is read from about its N-th newest message "
        "(default: SITREP_TELEGRAM_BACKFILL_LIMIT)",
    )
    collect.add_argument(
        "--backfill-since",
        metavar="TIME",
        help="a new channel is read from this ISO date or time on (instead of --backfill-limit)",
    )
    commands.add(
        "telegram login",
        _login,
        help="log in to Telegram interactively and print a session string once",
        description="Ask for the phone number, the login code and the two-step verification "
        "password, then print a Telethon session string for SITREP_TELEGRAM_SESSION.",
    )
    export = commands.add(
        "import telegram-export",
        _import_export,
        help="import a Telegram Desktop export (result.json) as raw items",
        description="Read a Telegram Desktop JSON export (one channel or a whole account) into "
        "the same raw items the collector produces; albums become one item each.",
    )
    export.add_argument("path", metavar="RESULT_JSON", help="the export's result.json")
    export.add_argument(
        "--username",
        metavar="NAME",
        help="the channel's public username (exports do not record it), for t.me links; "
        "only for an export of one channel",
    )
    add_output_arguments(export)


def _backfill(args: argparse.Namespace, settings: Settings) -> BackfillDepth:
    limit = settings.telegram_backfill_limit if args.backfill_limit is None else args.backfill_limit
    if limit < 0:
        raise UsageError("--backfill-limit must not be negative")
    since: datetime | None = None
    if args.backfill_since:
        try:
            since = parse_iso(args.backfill_since)
        except ValueError:
            raise UsageError(
                f"--backfill-since {args.backfill_since!r}: use an ISO date or time, "
                "e.g. 2024-12-01 or 2024-12-01T06:00:00Z"
            ) from None
    return BackfillDepth(messages=limit, since=since)


def _collect(args: argparse.Namespace, settings: Settings) -> int:
    path = args.sources or settings.sources_file
    if not path:
        raise UsageError("no sources file: set SITREP_SOURCES_FILE or pass --sources FILE")
    try:
        sources = SourceRegistry.load(path).of_kind("telegram")
    except SourcesError as exc:
        raise UsageError(str(exc)) from None
    if not sources:
        raise UsageError(f"the sources file {path!r} lists no telegram channels")
    backfill = _backfill(args, settings)
    client = make_client(settings)

    async def main() -> None:
        stop = asyncio.Event()
        task = asyncio.current_task()
        loop = asyncio.get_running_loop()

        def on_signal() -> None:
            if stop.is_set() and task is not None:
                task.cancel()  # a second signal: do not wait for a flood wait to end
            stop.set()

        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, on_signal)
        await run_collector(settings, client, sources, stop, backfill=backfill)

    try:
        asyncio.run(main())
    except TelegramAuthorizationError as exc:
        print(f"sitrep: {exc}", file=sys.stderr)
        return EXIT_AUTHORIZATION
    except DlqBreakerOpen as exc:
        print(f"sitrep: {exc}", file=sys.stderr)
        return EXIT_BREAKER
    except asyncio.CancelledError:
        return 130
    return 0


def _login(args: argparse.Namespace, settings: Settings) -> int:
    client: Any = make_client(settings, session=StringSession())
    try:
        asyncio.run(login(client, input, getpass.getpass, sys.stdout, sys.stderr))
    except errors.RPCError as exc:
        print(
            f"sitrep: telegram login failed: {type(exc).__name__}: {exc.message}", file=sys.stderr
        )
        return 1
    except (ConnectionError, OSError) as exc:
        print(
            f"sitrep: cannot reach Telegram ({type(exc).__name__}); check the network",
            file=sys.stderr,
        )
        return 1
    return 0


def _usernames(data: bytes, username: str | None) -> dict[int, str]:
    if not username:
        return {}
    try:
        root = loads(data)
    except RecordError as exc:
        raise UsageError(f"not a Telegram Desktop export: {exc}") from None
    if not isinstance(root, dict) or not isinstance(root.get("id"), int):
        raise UsageError("--username needs an export of one channel (with a top-level 'id')")
    return {root["id"]: username.lstrip("@")}


def _import_export(args: argparse.Namespace, settings: Settings) -> int:
    try:
        data = Path(args.path).read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {args.path!r}: {exc.strerror}") from None
    try:
        result = read_export(
            data, collected_at=now_iso(), usernames=_usernames(data, args.username)
        )
    except ExportError as exc:
        raise UsageError(f"{args.path}: {exc}") from None
    asyncio.run(deliver_export(settings, result, args.jsonl))
    skipped = f", skipped chats: {', '.join(result.skipped_chats)}" if result.skipped_chats else ""
    print(
        f"sitrep: {len(result.items)} raw items from {result.messages} messages "
        f"({result.albums} albums as one item each, {result.service_messages} service messages "
        f"without item, {len(result.rejects)} rejected){skipped}",
        file=sys.stderr,
    )
    return 0

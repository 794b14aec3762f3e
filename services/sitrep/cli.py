"""``sitrep``: one command line for every service and tool.

Each command lives beside the code it runs and registers itself through a module-level
``register(commands: Commands)`` function; :data:`COMMAND_MODULES` lists those modules. A
handler gets the parsed arguments and the one :class:`~sitrep.ops.settings.Settings` object and
returns an exit code. Configuration mistakes print one clear line, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence
from typing import Final

from sitrep.ops.logging import configure_logging, register_secret
from sitrep.ops.settings import Settings, SettingsError

Handler = Callable[[argparse.Namespace, Settings], int]

COMMAND_MODULES: Final = (
    "sitrep.collect.replay",  # replay
    "sitrep.stream.commands",  # process
    "sitrep.stream.progress",  # lag
    "sitrep.store.commands",  # sink, events, db
    "sitrep.collect.telegram.commands",  # collect telegram, telegram login, import telegram-export
    "sitrep.collect.wire.commands",  # collect wire, import feed
    "sitrep.label",  # label
    "sitrep.records.commands",  # topics, schemas
)


class UsageError(Exception):
    """A mistake the user can fix (bad path, bad flag combination); printed without traceback."""


class Commands:
    """Collects subcommands by path (``"collect telegram"``) into nested argparse parsers."""

    def __init__(self, parser: argparse.ArgumentParser) -> None:
        self._root = parser.add_subparsers(dest="command", metavar="COMMAND")
        self._groups: dict[str, argparse._SubParsersAction[argparse.ArgumentParser]] = {}

    def add(
        self,
        path: str,
        handler: Handler,
        help: str,
        description: str | None = None,
    ) -> argparse.ArgumentParser:
        *groups, name = path.split()
        sub = self._root
        prefix = ""
        for group in groups:
            prefix = f"{prefix} {group}".strip()
            if prefix not in self._groups:
                gp = sub.add_parser(group, help=f"{group} commands")
                self._groups[prefix] = gp.add_subparsers(
                    dest=f"{prefix}_command", metavar="COMMAND"
                )
            sub = self._groups[prefix]
        parser = sub.add_parser(name, help=help, description=description or help)
        parser.set_defaults(handler=handler)
        return parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sitrep",
        description="Conflict reporting from Telegram and news wires to ACLED-coded events.",
    )
    commands = Commands(parser)
    for module in COMMAND_MODULES:
        importlib.import_module(module).register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        print(f"sitrep: configuration error: {exc}", file=sys.stderr)
        return 2
    for secret in (
        settings.telegram_api_hash,
        settings.telegram_session,
        settings.database_url,
        settings.kafka_security.sasl_password,
    ):
        register_secret(secret.reveal())
    configure_logging(settings.log_level, settings.log_format)
    try:
        return handler(args, settings)
    except (UsageError, SettingsError) as exc:
        print(f"sitrep: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())

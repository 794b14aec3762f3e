"""Names deployment files (Helm, compose, Dockerfile) must get right: the ``SITREP_*``
variables :meth:`Settings.from_env` reads, and the ``sitrep`` commands that exist."""

from __future__ import annotations

import argparse
import inspect
import re

from sitrep.cli import build_parser
from sitrep.ops.settings import Settings


def settings_variables() -> set[str]:
    source = inspect.getsource(Settings.from_env)
    direct = set(re.findall(r'"(SITREP_[A-Z0-9_]+)"', source))
    helpers = set(re.findall(r'_(?:int|float)\(e, "([A-Z0-9_]+)"', source))
    secrets = set(re.findall(r'_secret\(e, "([A-Z0-9_]+)"', source))
    return (
        direct
        | {f"SITREP_{name}" for name in helpers | secrets}
        | {f"SITREP_{name}_FILE" for name in secrets}
    )


def is_sitrep_command(args: list[str]) -> bool:
    """True when ``sitrep <args>`` names a registered command (argparse resolves it)."""
    parser = build_parser()
    try:
        namespace, _ = parser.parse_known_args(args)
    except SystemExit:
        return False
    return isinstance(namespace, argparse.Namespace) and hasattr(namespace, "handler")

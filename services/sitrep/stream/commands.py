"""``sitrep process``: the stream processor command (imports faust only when it runs)."""

from __future__ import annotations

import argparse
from typing import Any

from sitrep.ops.settings import Settings


def _process(args: argparse.Namespace, settings: Settings) -> int:
    from sitrep.stream.app import run_processor

    return run_processor(settings)


def register(commands: Any) -> None:
    commands.add(
        "process",
        _process,
        help="run the stream processor (normalize, understand, dedupe, cluster)",
        description="Run the faust worker: raw items in, reports and events out. Scale by "
        "starting more workers (up to the partition count).",
    )

"""Commands of this package (being built; see the issue tracker)."""

from __future__ import annotations

from typing import Any


def register(commands: Any) -> None:
    """Registers no command yet."""

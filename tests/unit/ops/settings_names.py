"""The ``SITREP_*`` environment variables :meth:`Settings.from_env` reads, found in its source,
so deployment files (Helm, compose, Dockerfile) can be checked for misspelt names."""

from __future__ import annotations

import inspect
import re

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

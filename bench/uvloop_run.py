"""Run a module under uvloop's event loop: ``python -m bench.uvloop_run MODULE [ARGS...]``.

Measures what the event loop costs a stage without changing the stage: the policy is set, then
``MODULE`` runs as ``python -m MODULE ARGS`` would (faust and mode create their loop through the
policy). Used by ``bench_throughput --uvloop``; needs the ``uvloop`` package.
"""

from __future__ import annotations

import asyncio
import runpy
import sys


def main() -> None:
    if len(sys.argv) < 2:
        raise SystemExit("usage: python -m bench.uvloop_run MODULE [ARGS...]")
    try:
        import uvloop
    except ImportError:
        raise SystemExit("bench.uvloop_run: the uvloop package is not installed") from None
    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    module = sys.argv[1]
    sys.argv = [module, *sys.argv[2:]]
    runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()

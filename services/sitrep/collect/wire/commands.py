"""``sitrep collect wire`` and ``sitrep import feed``.

``collect wire`` polls every feed of the sources file (``SITREP_SOURCES_FILE``, section
``feeds``) until SIGTERM or SIGINT, producing raw items to the raw topic keyed by feed id.
``import feed FILE_OR_URL`` does one pass over one feed; like every import command it takes
``--jsonl PATH`` (``-`` = stdout) to write JSON lines instead of producing to Kafka.
Heavy modules (httpx, feedparser, trafilatura) are imported when a command runs, not when the
CLI starts.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from sitrep.cli import UsageError
from sitrep.collect.output import add_output_arguments
from sitrep.ops.settings import Settings
from sitrep.sources import SourceRegistry, SourcesError

if TYPE_CHECKING:
    from sitrep.cli import Commands
    from sitrep.collect.wire.collector import PollResult

FORMATS = ("auto", "rss", "atom", "ninjs", "newsml")


def _registry(settings: Settings) -> SourceRegistry:
    try:
        return SourceRegistry.load(settings.sources_file)
    except SourcesError as exc:
        raise UsageError(str(exc)) from None


def _collect_wire(args: argparse.Namespace, settings: Settings) -> int:
    from sitrep.collect.wire.service import run_collector

    if settings.sources_file is None:
        raise UsageError(
            "collect wire: no sources file; set SITREP_SOURCES_FILE to a YAML file with a "
            "'feeds' section (see sitrep.sources)"
        )
    feeds = _registry(settings).of_kind("wire")
    if args.feed:
        by_id = {f.id: f for f in feeds}
        unknown = sorted(set(args.feed) - set(by_id))
        if unknown:
            raise UsageError(
                f"collect wire: feed id(s) {unknown} are not in {settings.sources_file}; "
                f"known: {sorted(by_id)}"
            )
        feeds = [by_id[i] for i in dict.fromkeys(args.feed)]
    if not feeds:
        raise UsageError(f"collect wire: {settings.sources_file} lists no feeds")

    async def main() -> int:
        stop = asyncio.Event()
        if not args.once:
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(sig, stop.set)
        results = await run_collector(
            settings,
            feeds,
            stop,
            jsonl=args.jsonl,
            once=args.once,
            stale_after=args.stale_after,
        )
        for result in results:
            _print_summary(f"collect wire: {result.feed_id}", result)
        return 0 if all(r.ok for r in results) else 1

    return asyncio.run(main())


def _import_feed(args: argparse.Namespace, settings: Settings) -> int:
    from sitrep.collect.wire.service import feed_for, import_feed, is_url

    target: str = args.feed
    body: bytes | None = None
    if not is_url(target):
        path = Path(target)
        if not path.is_file():
            raise UsageError(f"import feed: {target!r} is neither an http(s) URL nor a file")
        body = path.read_bytes()
    registry = _registry(settings) if settings.sources_file else SourceRegistry()
    feed = feed_for(
        target,
        registry,
        source_id=args.source,
        feed_format=args.format,
        full_text=args.full_text,
    )
    result = asyncio.run(
        import_feed(settings, feed, body=body, jsonl=args.jsonl, remember=args.remember)
    )
    _print_summary(f"import feed: {feed.id}", result)
    return 0 if result.ok else 1


def _print_summary(prefix: str, result: PollResult) -> None:
    if not result.ok:
        print(f"{prefix}: {result.outcome}: {result.reason}", file=sys.stderr)
        return
    if result.outcome == "not_modified":
        print(f"{prefix}: not modified since the last fetch", file=sys.stderr)
        return
    print(
        f"{prefix}: {result.format} document, {result.delivered} item(s) delivered "
        f"({result.new} new, {result.edited} changed, {result.deleted} withdrawn); "
        f"{result.unchanged} unchanged, {result.duplicates} duplicate(s), "
        f"{result.skipped} skipped without title or text",
        file=sys.stderr,
    )


def register(commands: Commands) -> None:
    collect = commands.add(
        "collect wire",
        _collect_wire,
        help="poll the news-wire feeds of the sources file and produce raw items",
        description="Poll every feed of the sources file (RSS, Atom, ninjs, NewsML-G2) on its "
        "interval and produce new and changed items to the raw topic, keyed by feed id. "
        "Stops on SIGTERM/SIGINT.",
    )
    collect.add_argument(
        "--feed",
        action="append",
        metavar="ID",
        help="poll only this feed id (repeatable; default: every feed)",
    )
    collect.add_argument(
        "--once", action="store_true", help="poll every feed once, then exit (1 if any failed)"
    )
    collect.add_argument(
        "--stale-after",
        type=float,
        default=3600.0,
        metavar="SECONDS",
        help="report a feed as stale after this long without a good fetch (default 3600)",
    )
    add_output_arguments(collect)

    one = commands.add(
        "import feed",
        _import_feed,
        help="one pass over one feed (a file or an http(s) URL)",
        description="Read one feed document (RSS, Atom, ninjs, NewsML-G2) from a file or a URL "
        "and deliver its items as raw items. Without --remember every item is delivered "
        "(version 0); with it, only what the feed's saved state has not seen.",
    )
    one.add_argument("feed", metavar="FILE_OR_URL")
    one.add_argument(
        "--source",
        metavar="ID",
        help="the feed id to use (and its sources-file entry, if any); default: the entry "
        "listing this URL, else a slug of the URL or file name",
    )
    one.add_argument("--format", choices=FORMATS, default=None, help="skip format detection")
    one.add_argument(
        "--full-text",
        action="store_true",
        help="fetch each summary-only item's page and extract its main text",
    )
    one.add_argument(
        "--remember",
        action="store_true",
        help="use and update the feed's seen-items record under SITREP_DATA_DIR",
    )
    add_output_arguments(one)

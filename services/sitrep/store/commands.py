"""Commands of the store: ``sitrep sink``, ``sitrep events``, ``sitrep db migrate``."""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from datetime import date
from pathlib import Path
from typing import Any

from sitrep.cli import UsageError
from sitrep.ops.settings import Settings
from sitrep.records.model import CLAIM_STATUSES
from sitrep.sources import SourcesError
from sitrep.store.connection import DatabaseConfigError, DatabaseUnavailable
from sitrep.store.database import SchemaMissing, Store
from sitrep.store.exports import FORMATS, render
from sitrep.store.migrations import MigrationError
from sitrep.store.queries import EventQuery, GeoPoint, QueryError


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date: write YYYY-MM-DD") from None


def _point(text: str) -> GeoPoint:
    try:
        lat, lon = (float(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a point: write LAT,LON in decimal degrees, e.g. 36.20,37.15"
        ) from None
    return GeoPoint(lat, lon)


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be more than 0")
    return value


# --- sitrep sink


async def _sink_until_signal(settings: Settings, idle_exit: float | None) -> int:
    from sitrep.store.service import run_sink

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    return await run_sink(settings, stop, idle_exit)


def _sink(args: argparse.Namespace, settings: Settings) -> int:
    try:
        return asyncio.run(_sink_until_signal(settings, args.until_idle))
    except (DatabaseConfigError, MigrationError, SourcesError) as exc:
        raise UsageError(str(exc)) from None


# --- sitrep events


def _events(args: argparse.Namespace, settings: Settings) -> int:
    if args.within is not None and args.near is None:
        raise UsageError("--within KM needs --near LAT,LON")
    try:
        query = EventQuery(
            since=args.since,
            until=args.until,
            event_type=args.type,
            sub_event_type=args.sub_type,
            country=args.country,
            admin1=args.admin1,
            near=args.near,
            within_km=args.within if args.within is not None else 25.0,
            actor=args.actor,
            min_sources=args.min_sources,
            claim_status=args.claim_status,
            limit=args.limit,
        )
        store = Store.from_settings(settings, application_name="sitrep-events")
    except (QueryError, DatabaseConfigError) as exc:
        raise UsageError(str(exc)) from None
    if store.target.dialect == "sqlite" and not Path(store.target.location).exists():
        raise UsageError(
            f"no SQLite database at {store.target.location}: run `sitrep sink` or "
            "`sitrep db migrate` first, or set SITREP_DATABASE_URL / SITREP_SQLITE_PATH"
        )
    try:
        found = store.find_events(query)
    except SchemaMissing as exc:
        raise UsageError(str(exc)) from None
    except DatabaseUnavailable as exc:
        print(f"sitrep events: {exc}", file=sys.stderr)
        return 1
    finally:
        store.close()
    text = render(found, args.format)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8", newline="")
    else:
        sys.stdout.write(text)
    return 0


# --- sitrep db migrate


def _migrate(args: argparse.Namespace, settings: Settings) -> int:
    try:
        store = Store.from_settings(settings, application_name="sitrep-migrate")
    except DatabaseConfigError as exc:
        raise UsageError(str(exc)) from None
    try:
        applied = store.migrate()
        version = store.schema_version()
    except MigrationError as exc:
        raise UsageError(str(exc)) from None
    except DatabaseUnavailable as exc:
        print(f"sitrep db migrate: {exc}", file=sys.stderr)
        return 1
    finally:
        store.close()
    for migration in applied:
        print(f"applied {migration.name}")
    print(f"{store.target.description}: schema at version {version}")
    return 0


def register(commands: Any) -> None:
    """Register ``sink``, ``events`` and ``db migrate``."""
    sink = commands.add(
        "sink",
        _sink,
        help="write reports and events from Kafka to PostgreSQL or SQLite",
        description=(
            "Consume the reports and events topics and write them to SITREP_DATABASE_URL "
            "(PostgreSQL) or the SQLite file SITREP_SQLITE_PATH (per batch one transaction for "
            "the reports, then one for the events), "
            "committing Kafka offsets after the database. Migrates the schema on start."
        ),
    )
    sink.add_argument(
        "--until-idle",
        type=_positive_float,
        metavar="SECONDS",
        default=None,
        help="exit once the input is drained and nothing arrived for SECONDS",
    )

    events = commands.add(
        "events",
        _events,
        help="query events: filters, and table, JSON, GeoJSON or ACLED CSV output",
        description=(
            "Print the current events matching every filter given, newest first. Names match "
            "case-insensitively; --actor matches the start of an actor's name."
        ),
    )
    events.add_argument("--since", type=_day, metavar="YYYY-MM-DD", help="occurred on or after")
    events.add_argument("--until", type=_day, metavar="YYYY-MM-DD", help="occurred on or before")
    events.add_argument("--type", metavar="TYPE", help='ACLED event type, e.g. "Battles"')
    events.add_argument(
        "--sub-type", metavar="SUB_TYPE", help='ACLED sub-event type, e.g. "Air/drone strike"'
    )
    events.add_argument("--country", metavar="NAME_OR_ISO2", help='e.g. "Syria" or SY')
    events.add_argument("--admin1", metavar="NAME", help='first-level region, e.g. "Idlib"')
    events.add_argument("--near", type=_point, metavar="LAT,LON", help="around this point ...")
    events.add_argument(
        "--within", type=_positive_float, metavar="KM", help="... within KM kilometres (25)"
    )
    events.add_argument("--actor", metavar="NAME", help="an actor whose name starts with NAME")
    events.add_argument(
        "--min-sources", type=int, metavar="N", help="at least N independent sources"
    )
    events.add_argument("--claim-status", choices=CLAIM_STATUSES, help="claim status")
    events.add_argument("--limit", type=int, metavar="N", help="at most N events")
    events.add_argument("--format", choices=FORMATS, default="table", help="output format")
    events.add_argument("--output", "-o", metavar="FILE", help="write to FILE, not stdout")

    commands.add(
        "db migrate",
        _migrate,
        help="create or upgrade the database schema",
        description="Apply the pending schema migrations to the configured database.",
    )

"""What writing one growing event costs the store: an event that gains a report per version.

    PYTHONPATH=services:. .venv/bin/python bench/profile_links.py [LINKS] [DATABASE_URL]

No Kafka. Writes versions 1..LINKS of one event, version ``v`` carrying ``v`` report links (as
the processor publishes a busy event), one version per ``Store.write`` (each its own
transaction, as a sink at a live rate does), into a fresh database: a PostgreSQL database
created on the server of DATABASE_URL (default: the test server,
``postgresql://sitrep:sitrep@127.0.0.1:5432/sitrep``) and dropped afterwards, or
``sqlite:///PATH``. Prints the time per version and, on PostgreSQL, the ``event_reports`` rows
inserted and dead (from ``pg_stat_user_tables``; the insert counter may lag) and the table's
size before any vacuum. Default: 300 links.
"""

from __future__ import annotations

import sys
import time
import uuid

import psycopg
from tests.unit.store.samples import EVENTS_TOPIC, REPORTS_TOPIC, consumed, event, link

from sitrep.ops.settings import Secret, Settings
from sitrep.store.connection import database_target
from sitrep.store.database import Store
from sitrep.store.sink import Sink

DEFAULT_SERVER = "postgresql://sitrep:sitrep@127.0.0.1:5432/sitrep"


def main(argv: list[str]) -> int:
    n = int(argv[0]) if argv else 300
    server = argv[1] if len(argv) > 1 else DEFAULT_SERVER
    postgres = server.startswith("postgresql")
    url, name = server, None
    if postgres:
        name = f"profile_links_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        url = server.rsplit("/", 1)[0] + f"/{name}"
    store = Store(database_target(Settings.from_env({}).with_(database_url=Secret(url))))
    try:
        store.migrate()
        sink = Sink(EVENTS_TOPIC, REPORTS_TOPIC)
        links = [link(f"telegram:a:{k}", source_id="a") for k in range(n)]
        started = time.perf_counter()
        for v in range(1, n + 1):
            store.write(sink.plan([consumed(event(version=v, reports=tuple(links[:v])), v)]).writes)
        took = time.perf_counter() - started
        print(f"{n} versions: {took:.2f} s, {took / n * 1000:.1f} ms per version")
        if postgres:
            with psycopg.connect(url, autocommit=True) as conn:
                inserted, dead = conn.execute(
                    "SELECT n_tup_ins, n_dead_tup FROM pg_stat_user_tables"
                    " WHERE relname = 'event_reports'"
                ).fetchone() or (None, None)
                size = conn.execute("SELECT pg_total_relation_size('event_reports')").fetchone()
            kib = size[0] / 1024 if size else float("nan")
            print(f"event_reports: {inserted} rows inserted, {dead} dead, {kib:.0f} KiB")
    finally:
        store.close()
        if name is not None:
            with psycopg.connect(server, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

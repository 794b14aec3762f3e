"""Versioned SQL migrations and the ``schema_migrations`` table that records them.

Why plain versioned SQL and not a migration tool: sitrep runs on PostgreSQL and on SQLite with
the same behaviour, and its schema is a handful of tables. Alembic would bring SQLAlchemy for
nothing else; yoyo or dbmate would be one more dependency and, for dbmate, one more binary in the
image. Plain SQL files keep every statement reviewable, and the runner is a page long.

Layout: ``migrations/{postgres,sqlite}/NNNN_name.sql``. Versions start at 1 and have no gaps;
both dialects have the same versions. A migration runs in one transaction together with its
``schema_migrations`` row, so it is applied entirely or not at all. Applied migrations must not
be edited: their SHA-256 is recorded, and :func:`migrate` refuses to run when a file changed.
Concurrent migrators serialize on a PostgreSQL advisory lock or SQLite's write lock.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Final

from sitrep.store.connection import Connection
from sitrep.store.sql import Dialect, now_sql

_NAME: Final = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
# pg_advisory_lock key: the first 8 bytes of sha256("sitrep.schema_migrations"), as a signed bigint
_LOCK_KEY: Final = int.from_bytes(
    hashlib.sha256(b"sitrep.schema_migrations").digest()[:8], "big", signed=True
)


class MigrationError(RuntimeError):
    """The migrations or the database's schema history are inconsistent; the message says how."""


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str
    checksum: str  # sha256 hex of the file's text


@cache
def load_migrations(dialect: Dialect) -> tuple[Migration, ...]:
    """The migrations shipped for ``dialect``, by version; raises on bad names or gaps."""
    folder = resources.files(__package__ or "sitrep.store.migrations").joinpath(dialect)
    found: list[Migration] = []
    for entry in folder.iterdir():
        if not entry.name.endswith(".sql"):
            continue
        match = _NAME.match(entry.name)
        if match is None:
            raise MigrationError(f"migration file {dialect}/{entry.name}: name it NNNN_name.sql")
        text = entry.read_text(encoding="utf-8")
        found.append(
            Migration(
                int(match.group(1)),
                entry.name,
                text,
                hashlib.sha256(text.encode("utf-8")).hexdigest(),
            )
        )
    found.sort(key=lambda m: m.version)
    for expected, migration in enumerate(found, start=1):
        if migration.version != expected:
            raise MigrationError(
                f"migrations/{dialect}: expected version {expected:04d}, found {migration.name}"
            )
    return tuple(found)


def _table_sql(dialect: Dialect) -> str:
    applied_type = "TIMESTAMPTZ" if dialect == "postgres" else "TEXT"
    return (
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL,"
        f" applied_at {applied_type} NOT NULL DEFAULT ({now_sql(dialect)}))"
    )


def _record(conn: Connection, migration: Migration) -> None:
    mark = "?" if conn.dialect == "sqlite" else "%s"
    conn.execute(
        f"INSERT INTO schema_migrations (version, name, checksum) VALUES ({mark}, {mark}, {mark})",  # noqa: S608 - placeholders only
        (migration.version, migration.name, migration.checksum),
    )


def _applied(conn: Connection) -> dict[int, tuple[str, str]]:
    rows = conn.execute("SELECT version, name, checksum FROM schema_migrations")
    return {int(v): (str(n), str(c)) for v, n, c in rows}


def _check_history(dialect: Dialect, applied: dict[int, tuple[str, str]]) -> list[Migration]:
    known = load_migrations(dialect)
    by_version = {m.version: m for m in known}
    newest = max(applied, default=0)
    if newest > len(known):
        raise MigrationError(
            f"the database schema is at version {newest}, newer than this sitrep knows "
            f"({len(known)}): run a newer sitrep against it"
        )
    for version, (name, checksum) in sorted(applied.items()):
        if by_version[version].checksum != checksum:
            raise MigrationError(
                f"migration {name} was changed after it was applied to this database; "
                "restore the file and add a new migration instead"
            )
    return [m for m in known if m.version not in applied]


def schema_version(conn: Connection) -> int:
    """The newest applied migration version; 0 when the database has no sitrep schema."""
    if conn.dialect == "postgres":
        exists = conn.execute("SELECT to_regclass('schema_migrations') IS NOT NULL")[0][0]
    else:
        exists = bool(
            conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
            )
        )
    if not exists:
        return 0
    return max(_applied(conn), default=0)


def latest_version(dialect: Dialect) -> int:
    return len(load_migrations(dialect))


def migrate(conn: Connection) -> list[Migration]:
    """Apply the pending migrations in order; return those applied (none when up to date).

    Safe to run concurrently from several processes and to re-run. Raises
    :class:`MigrationError` when the history does not match the shipped files, and the
    driver's errors when the database is unreachable or a statement fails (that migration is
    then rolled back).
    """
    if conn.dialect == "sqlite":
        return _migrate_sqlite(conn)
    return _migrate_postgres(conn)


def _migrate_sqlite(conn: Connection) -> list[Migration]:
    with conn.transaction():
        conn.execute(_table_sql("sqlite"))
        pending = _check_history("sqlite", _applied(conn))
        for migration in pending:
            conn.script(migration.sql)
            _record(conn, migration)
    return pending


def _migrate_postgres(conn: Connection) -> list[Migration]:
    conn.execute("SELECT pg_advisory_lock(%s)", (_LOCK_KEY,))
    try:
        conn.execute(_table_sql("postgres"))
        pending = _check_history("postgres", _applied(conn))
        for migration in pending:
            with conn.transaction():
                conn.script(migration.sql)
                _record(conn, migration)
        return pending
    finally:
        conn.unlock_quietly(_LOCK_KEY)

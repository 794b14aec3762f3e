"""Database connections: PostgreSQL (psycopg 3) and SQLite (stdlib) behind one small interface.

The thin I/O layer under :class:`~sitrep.store.database.Store`. It knows three things:

- which database ``SITREP_DATABASE_URL`` names (:func:`database_target`), described without
  credentials so that the description can go into logs and errors;
- how to open a connection with the settings the sink relies on (SQLite: WAL, full sync,
  foreign keys; PostgreSQL: autocommit driver mode with explicit ``BEGIN``/``COMMIT``,
  connect timeout, TCP keepalives);
- how to tell a row the database *rejects* (a constraint or a value it refuses: retrying will
  not help, the row goes to the DLQ) from a database that is *unavailable* (retrying later will
  help: the sink pauses). :func:`classify` makes that call.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import unquote, urlsplit

import psycopg

from sitrep.ops.logging import register_secret
from sitrep.ops.settings import Settings
from sitrep.store.rows import Row, SqlValue
from sitrep.store.sql import BulkStatement, Dialect, insert_sql

Failure = Literal["rejected", "unavailable"]


class DatabaseConfigError(ValueError):
    """``SITREP_DATABASE_URL`` names no database sitrep can use; the message says what to set."""


class DatabaseUnavailable(RuntimeError):
    """The database cannot be reached or refused work for a reason unrelated to the rows.

    The message names the database without credentials and the driver's error class and first
    line; it never contains a password.
    """


@dataclass(frozen=True, slots=True)
class DatabaseTarget:
    """Which database to use. ``location`` is a SQLite path or a PostgreSQL URL (a secret)."""

    dialect: Dialect
    location: str
    description: str  # safe for logs: no user, no password

    def __repr__(self) -> str:
        return f"DatabaseTarget({self.dialect}, {self.description})"


def database_target(settings: Settings) -> DatabaseTarget:
    """The database ``settings`` name.

    ``postgresql://`` or ``postgres://`` -> PostgreSQL; ``sqlite:///path`` -> that SQLite file;
    empty -> the SQLite file ``settings.sqlite_path``. Anything else raises
    :class:`DatabaseConfigError` naming only the URL's scheme.
    """
    url = settings.database_url.reveal().strip()
    if not url:
        return _sqlite(settings.sqlite_path)
    parts = urlsplit(url)
    if parts.scheme in ("postgresql", "postgres"):
        if parts.password:
            register_secret(unquote(parts.password))
        host = parts.hostname or "localhost"
        port = f":{parts.port}" if parts.port else ""
        return DatabaseTarget("postgres", url, f"postgresql://{host}{port}{parts.path}")
    if parts.scheme == "sqlite":
        # SQLAlchemy's convention: sqlite:///relative.db, sqlite:////absolute/path.db
        path = url[len("sqlite:///") :] if url.startswith("sqlite:///") else ""
        if not path:
            raise DatabaseConfigError(
                "SITREP_DATABASE_URL: write a SQLite file as sqlite:///relative.db or "
                "sqlite:////absolute/path.db"
            )
        return _sqlite(path)
    raise DatabaseConfigError(
        f"SITREP_DATABASE_URL has scheme {parts.scheme!r}: use postgresql://USER:PASSWORD@HOST/DB, "
        "sqlite:///PATH, or leave it empty for the SQLite file SITREP_SQLITE_PATH"
    )


def _sqlite(path: str) -> DatabaseTarget:
    return DatabaseTarget("sqlite", path, f"sqlite file {path}")


def classify(exc: BaseException) -> Failure | None:
    """``"rejected"`` for errors caused by the rows written, ``"unavailable"`` for any other
    database error (connection lost, server shutting down, locked, misconfigured), ``None`` for
    exceptions that are not database errors at all (bugs: let them propagate)."""
    if isinstance(exc, sqlite3.IntegrityError | sqlite3.DataError | sqlite3.InterfaceError):
        return "rejected"
    if isinstance(exc, sqlite3.Error):
        return "unavailable"
    if isinstance(exc, psycopg.IntegrityError | psycopg.DataError):
        return "rejected"
    if isinstance(exc, psycopg.Error):
        sqlstate = getattr(exc, "sqlstate", None) or ""
        # class 54: program limit exceeded (e.g. a value too large for an index row)
        return "rejected" if sqlstate.startswith("54") else "unavailable"
    return None


def describe_error(exc: BaseException) -> str:
    """The error class and first line of a driver error (PostgreSQL: with its SQLSTATE)."""
    first = (str(exc).strip().splitlines() or [""])[0]
    sqlstate = getattr(exc, "sqlstate", None)
    suffix = f" (SQLSTATE {sqlstate})" if sqlstate else ""
    return f"{exc.__class__.__name__}: {first}{suffix}"


def split_sqlite_script(script: str) -> list[str]:
    """Split a SQL script into complete statements (trigger bodies stay whole)."""
    statements: list[str] = []
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            text = "\n".join(
                ln for ln in buffer.splitlines() if not ln.strip().startswith("--")
            ).strip()
            if text and text != ";":
                statements.append(text)
            buffer = ""
    rest = "\n".join(ln for ln in buffer.splitlines() if not ln.strip().startswith("--")).strip()
    if rest:
        statements.append(rest)
    return statements


class Connection:
    """One open database connection with explicit transactions.

    Not thread-safe: one caller at a time (the sink calls it from one worker thread at a time).
    Every method may raise the driver's errors; pass them to :func:`classify`.
    """

    dialect: Dialect

    def execute(self, sql: str, params: Sequence[SqlValue] = ()) -> list[tuple[Any, ...]]:
        raise NotImplementedError

    def executemany(self, sql: str, rows: Sequence[Row]) -> None:
        raise NotImplementedError

    def bulk(self, statement: BulkStatement, rows: Sequence[Row]) -> list[Any]:
        """Write ``rows`` with as few statements as the parameter limit allows; returns the
        first column of every row the statement returned (``RETURNING``), in no set order."""
        out: list[Any] = []
        step = statement.rows_per_statement
        for start in range(0, len(rows), step):
            chunk = rows[start : start + step]
            params = [value for row in chunk for value in row]
            out.extend(row[0] for row in self._execute_bulk(statement.sql(len(chunk)), params))
        return out

    def _execute_bulk(self, sql: str, params: list[SqlValue]) -> list[tuple[Any, ...]]:
        return self.execute(sql, params)

    def execute_for_ids(self, sql: str, ids: Sequence[str]) -> list[tuple[Any, ...]]:
        """Run ``sql``, whose one parameter is a set of ids (``= ANY(%s)`` / ``json_each(?)``);
        returns the rows it selects, if any."""
        raise NotImplementedError

    def insert_rows(self, table: str, columns: Sequence[str], rows: Sequence[Row]) -> None:
        """Insert many rows at once (PostgreSQL: ``COPY``; SQLite: ``executemany``)."""
        raise NotImplementedError

    def script(self, sql: str) -> None:
        """Run a multi-statement script (a migration) inside the current transaction."""
        raise NotImplementedError

    def begin(self) -> None:
        raise NotImplementedError

    def commit(self) -> None:
        self.execute("COMMIT")

    def rollback(self) -> None:
        self.execute("ROLLBACK")

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """``BEGIN`` ... ``COMMIT``; on any exception ``ROLLBACK`` and re-raise it."""
        self.begin()
        try:
            yield
            self.commit()
        except BaseException:
            self.rollback_quietly()
            raise

    def rollback_quietly(self) -> None:
        """Roll back after a failure; a second failure (connection gone) is not raised over
        the first: the server drops the transaction of a lost connection anyway."""
        with contextlib.suppress(sqlite3.Error, psycopg.Error):
            self.rollback()

    def unlock_quietly(self, key: int) -> None:
        """Release a PostgreSQL session advisory lock; a lost session has released it already."""
        with contextlib.suppress(psycopg.Error):
            self.execute("SELECT pg_advisory_unlock(%s)", (key,))

    def savepoint(self, name: str) -> None:
        self.execute(f"SAVEPOINT {name}")

    def release(self, name: str) -> None:
        self.execute(f"RELEASE SAVEPOINT {name}")

    def rollback_to(self, name: str) -> None:
        self.execute(f"ROLLBACK TO SAVEPOINT {name}")

    def close(self) -> None:
        raise NotImplementedError


class SqliteConnection(Connection):
    """SQLite in WAL mode, ``synchronous=FULL`` (a commit survives power loss), foreign keys on.

    ``BEGIN IMMEDIATE`` takes the write lock up front; another writer waits up to
    ``busy_seconds`` and then gets "database is locked", which :func:`classify` calls
    unavailable, so the sink pauses and retries.
    """

    dialect: Dialect = "sqlite"

    def __init__(self, path: str, busy_seconds: float = 10.0) -> None:
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(
            path, timeout=busy_seconds, isolation_level=None, check_same_thread=False
        )
        try:
            self._conn.execute("PRAGMA journal_mode = WAL")
            self._conn.execute("PRAGMA synchronous = FULL")
            self._conn.execute("PRAGMA foreign_keys = ON")
        except sqlite3.Error:
            self._conn.close()
            raise

    def execute(self, sql: str, params: Sequence[SqlValue] = ()) -> list[tuple[Any, ...]]:
        return self._conn.execute(sql, tuple(params)).fetchall()

    def executemany(self, sql: str, rows: Sequence[Row]) -> None:
        if rows:
            self._conn.executemany(sql, rows)

    def execute_for_ids(self, sql: str, ids: Sequence[str]) -> list[tuple[Any, ...]]:
        if not ids:
            return []
        return self._conn.execute(sql, (json.dumps(list(ids)),)).fetchall()

    def insert_rows(self, table: str, columns: Sequence[str], rows: Sequence[Row]) -> None:
        self.executemany(insert_sql("sqlite", table, columns), rows)

    def script(self, sql: str) -> None:
        for statement in split_sqlite_script(sql):
            self._conn.execute(statement)

    def begin(self) -> None:
        self._conn.execute("BEGIN IMMEDIATE")

    def close(self) -> None:
        self._conn.close()


class PostgresConnection(Connection):
    """psycopg 3 in autocommit driver mode; transactions are explicit ``BEGIN``/``COMMIT``.

    ``executemany`` runs in psycopg's pipeline mode: one network round trip for the batch.
    """

    dialect: Dialect = "postgres"

    def __init__(
        self, url: str, connect_timeout: int = 5, application_name: str = "sitrep"
    ) -> None:
        self._conn = psycopg.connect(
            url,
            autocommit=True,
            connect_timeout=connect_timeout,
            application_name=application_name,
            keepalives=1,
            keepalives_idle=30,
            keepalives_interval=10,
            keepalives_count=3,
        )

    def execute(self, sql: str, params: Sequence[SqlValue] = ()) -> list[tuple[Any, ...]]:
        cur = self._conn.execute(sql, tuple(params) if params else None)
        return cur.fetchall() if cur.description else []

    def executemany(self, sql: str, rows: Sequence[Row]) -> None:
        if rows:
            with self._conn.cursor() as cur:
                cur.executemany(sql, rows)

    def _execute_bulk(self, sql: str, params: list[SqlValue]) -> list[tuple[Any, ...]]:
        with psycopg.RawCursor(self._conn) as cur:
            cur.execute(sql, params)
            return cur.fetchall() if cur.description else []

    def execute_for_ids(self, sql: str, ids: Sequence[str]) -> list[tuple[Any, ...]]:
        if not ids:
            return []
        cur = self._conn.execute(sql, (list(ids),))
        return cur.fetchall() if cur.description else []

    def insert_rows(self, table: str, columns: Sequence[str], rows: Sequence[Row]) -> None:
        if not rows:
            return
        with (
            self._conn.cursor() as cur,
            cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)

    def script(self, sql: str) -> None:
        self._conn.execute(sql)

    def begin(self) -> None:
        self._conn.execute("BEGIN")

    def close(self) -> None:
        self._conn.close()


def connect(target: DatabaseTarget, application_name: str = "sitrep") -> Connection:
    """Open a connection; driver errors propagate (see :func:`classify`)."""
    if target.dialect == "sqlite":
        return SqliteConnection(target.location)
    return PostgresConnection(target.location, application_name=application_name)

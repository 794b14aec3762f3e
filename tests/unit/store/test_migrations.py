"""The migration files and the runner (on SQLite files; PostgreSQL runs in integration)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from sitrep.store.connection import SqliteConnection, split_sqlite_script
from sitrep.store.migrations import (
    MigrationError,
    latest_version,
    load_migrations,
    migrate,
    schema_version,
)


def test_migrations_are_numbered_from_one_without_gaps() -> None:
    for dialect in ("postgres", "sqlite"):
        versions = [m.version for m in load_migrations(dialect)]
        assert versions == list(range(1, len(versions) + 1))


def test_both_dialects_have_the_same_migrations() -> None:
    names = {d: [m.name for m in load_migrations(d)] for d in ("postgres", "sqlite")}
    assert names["postgres"] == names["sqlite"]


def test_migrate_creates_the_schema_once(tmp_path: Path) -> None:
    conn = SqliteConnection(str(tmp_path / "s.db"))
    assert [m.version for m in migrate(conn)] == list(range(1, latest_version("sqlite") + 1))
    assert migrate(conn) == []
    assert schema_version(conn) == latest_version("sqlite")
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {
        "events",
        "event_revisions",
        "event_actors",
        "event_reports",
        "reports",
        "sources",
        "schema_migrations",
    } <= tables


def test_empty_database_is_at_version_zero(tmp_path: Path) -> None:
    assert schema_version(SqliteConnection(str(tmp_path / "s.db"))) == 0


def test_edited_migration_is_refused(tmp_path: Path) -> None:
    conn = SqliteConnection(str(tmp_path / "s.db"))
    migrate(conn)
    conn.execute("UPDATE schema_migrations SET checksum = 'x' WHERE version = 1")
    with pytest.raises(MigrationError, match="changed after it was applied"):
        migrate(conn)


def test_schema_newer_than_this_sitrep_is_refused(tmp_path: Path) -> None:
    conn = SqliteConnection(str(tmp_path / "s.db"))
    migrate(conn)
    conn.execute("INSERT INTO schema_migrations (version, name, checksum) VALUES (99, 'x', 'y')")
    with pytest.raises(MigrationError, match="newer than this sitrep"):
        migrate(conn)


def test_failed_migration_leaves_no_trace(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    blocker = sqlite3.connect(path)
    blocker.execute("CREATE TABLE events (x INTEGER)")  # the migration's CREATE TABLE fails
    blocker.commit()
    blocker.close()
    conn = SqliteConnection(str(path))
    with pytest.raises(sqlite3.OperationalError, match="already exists"):
        migrate(conn)
    assert schema_version(conn) == 0
    assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'reports'") == [(0,)]


def test_sqlite_script_split_keeps_trigger_bodies_whole() -> None:
    script = """
    -- a comment; with a semicolon
    CREATE TABLE a (x INTEGER);
    CREATE TRIGGER t BEFORE UPDATE ON a
    BEGIN
        SELECT RAISE(ABORT, 'no; never');
    END;
    """
    statements = split_sqlite_script(script)
    assert len(statements) == 2
    assert statements[1].startswith("CREATE TRIGGER") and statements[1].endswith("END;")

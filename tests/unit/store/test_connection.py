"""Which database a URL names, and how driver errors are classified."""

from __future__ import annotations

import sqlite3

import psycopg
import pytest

from sitrep.ops.settings import Secret, Settings
from sitrep.store.connection import DatabaseConfigError, classify, database_target, describe_error


def _settings(url: str, sqlite_path: str = "default.db") -> Settings:
    return Settings.from_env({}).with_(database_url=Secret(url), sqlite_path=sqlite_path)


def test_postgres_url_is_described_without_credentials() -> None:
    target = database_target(_settings("postgresql://sitrep:s3cret-pw@db.example:6432/sitrep"))
    assert target.dialect == "postgres"
    assert target.description == "postgresql://db.example:6432/sitrep"
    assert "s3cret" not in repr(target)


def test_sqlite_url_with_four_slashes_is_an_absolute_path() -> None:
    target = database_target(_settings("sqlite:////var/lib/sitrep/s.db"))
    assert (target.dialect, target.location) == ("sqlite", "/var/lib/sitrep/s.db")


def test_sqlite_url_with_three_slashes_is_a_relative_path() -> None:
    assert database_target(_settings("sqlite:///data/s.db")).location == "data/s.db"


def test_empty_url_means_the_sqlite_file_setting() -> None:
    target = database_target(_settings("", sqlite_path="/tmp/x.db"))
    assert (target.dialect, target.location) == ("sqlite", "/tmp/x.db")


def test_unknown_scheme_is_refused_without_echoing_the_url() -> None:
    with pytest.raises(DatabaseConfigError) as err:
        database_target(_settings("mysql://root:hunter22@db/x"))
    assert "'mysql'" in str(err.value)
    assert "hunter22" not in str(err.value)


def test_constraint_errors_are_rejections() -> None:
    assert classify(sqlite3.IntegrityError("CHECK constraint failed")) == "rejected"
    assert classify(psycopg.errors.CheckViolation("violates check constraint")) == "rejected"
    assert classify(psycopg.errors.InvalidDatetimeFormat("bad time")) == "rejected"


def test_connection_errors_mean_unavailable() -> None:
    assert classify(psycopg.OperationalError("connection refused")) == "unavailable"
    assert classify(psycopg.errors.AdminShutdown("terminating connection")) == "unavailable"
    assert classify(sqlite3.OperationalError("database is locked")) == "unavailable"


def test_errors_of_other_kinds_are_not_database_failures() -> None:
    assert classify(KeyError("x")) is None


def test_error_description_is_one_line_with_sqlstate() -> None:
    text = describe_error(psycopg.errors.CheckViolation("violates check\nDETAIL: row (...)"))
    assert text == "CheckViolation: violates check (SQLSTATE 23514)"

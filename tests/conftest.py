"""Shared test fixtures.

Integration tests use the real broker at ``SITREP_KAFKA_BOOTSTRAP`` (``make test`` and
``.ci/run`` start it) and the real PostgreSQL at ``SITREP_TEST_DATABASE_URL``. They never skip
when a service is missing: a missing service is a failed test, so CI cannot go green without them.
Each test gets its own topic prefix and consumer-group prefix.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from sitrep.ops.settings import Secret, Settings

REPO = Path(__file__).resolve().parent.parent
SHARED_FIXTURES = REPO.parent / "shared" / "fixtures"
FIXTURES = REPO / "tests" / "fixtures"


def _kafka_bootstrap() -> str:
    return os.environ.get("SITREP_KAFKA_BOOTSTRAP", "127.0.0.1:9092")


def _answers(hostport: str) -> bool:
    host, _, port = hostport.split(",", maxsplit=1)[0].rpartition(":")
    try:
        with socket.create_connection((host, int(port)), timeout=2):
            return True
    except OSError:
        return False


@pytest.fixture
def kafka_bootstrap() -> str:
    bootstrap = _kafka_bootstrap()
    if not _answers(bootstrap):
        pytest.fail(
            f"no Kafka broker answers at {bootstrap}: run `make kafka-up` (make test does it)"
        )
    return bootstrap


@pytest.fixture
def unique_prefix() -> str:
    return f"t{uuid.uuid4().hex[:10]}"


@pytest.fixture
def settings(kafka_bootstrap: str, unique_prefix: str, tmp_path: Path) -> Settings:
    """Settings for one test: its own topics, groups, data dir and SQLite file."""
    return Settings.from_env({}).with_(
        kafka_bootstrap=kafka_bootstrap,
        topic_prefix=unique_prefix,
        group_prefix=unique_prefix,
        partitions=2,
        data_dir=str(tmp_path / "data"),
        sqlite_path=str(tmp_path / "sitrep.db"),
        log_format="text",
    )


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL schema-less database URL for one test (dropped afterwards)."""
    import psycopg

    base = os.environ.get(
        "SITREP_TEST_DATABASE_URL", "postgresql://sitrep:sitrep@127.0.0.1:5432/sitrep"
    )
    name = f"t_{uuid.uuid4().hex[:12]}"
    try:
        with psycopg.connect(base, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        pytest.fail(
            f"PostgreSQL at SITREP_TEST_DATABASE_URL is not reachable ({exc.__class__.__name__}); "
            "run .ci/run or `make pg-up`"
        )
    url = base.rsplit("/", 1)[0] + f"/{name}"
    yield url
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Runs a test once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'sitrep.db'}"
    return str(request.getfixturevalue("postgres_url"))


def settings_with_db(settings: Settings, url: str) -> Settings:
    return settings.with_(database_url=Secret(url))

"""One benchmark run's world: its own topics, groups, working directory, database and services.

:func:`bench_run` gives each run a unique ``SITREP_TOPIC_PREFIX`` (so runs never see each
other's records or offsets), a temporary directory for service logs and state, the sources file
describing the corpus's outlets, and a database: a SQLite file in that directory, or a fresh
PostgreSQL database on the server named by ``SITREP_BENCH_DATABASE_URL`` (created for the run
and dropped afterwards). On the way out it stops the services it started, deletes the run's
topics and removes the directory — unless the run failed (or ``SITREP_BENCH_KEEP`` is set), when the
logs are kept and their paths printed.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import yaml
from tests.services import ServiceProcess

from bench.corpus import sources_document
from bench.results import REPO, Result
from bench.streams import delete_run_topics
from sitrep.ops.settings import Secret, Settings

BENCH_DATABASE_ENV: Final = "SITREP_BENCH_DATABASE_URL"
KEEP_ENV: Final = "SITREP_BENCH_KEEP"  # set to keep every run's directory and service logs


class ModuleProcess(ServiceProcess):
    """Like :class:`~tests.services.ServiceProcess`, for ``python -m <module> <args>``."""

    def __init__(self, settings: Settings, module: str, *args: str, log_dir: Path, **env: str):
        super().__init__(settings, module, *args, log_dir=log_dir, **env)
        self.command = [sys.executable, "-m", module, *args]
        self.log_path = log_dir / f"{module}-{time.monotonic_ns()}.log"

    def start(self) -> ModuleProcess:
        with self.log_path.open("wb") as log:
            self.proc = subprocess.Popen(
                self.command, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        return self


@dataclass(slots=True)
class BenchRun:
    """Settings and services of one run; start services with :meth:`start`."""

    name: str
    settings: Settings
    workdir: Path
    database: str  # "sqlite" or "postgres"
    services: list[ServiceProcess] = field(default_factory=list)

    @property
    def log_dir(self) -> Path:
        return self.workdir / "logs"

    def start(self, *args: str, **env: str) -> ServiceProcess:
        """Start ``sitrep <args>`` with this run's settings; it is stopped when the run ends."""
        service = ServiceProcess(self.settings, *args, log_dir=self.log_dir, **env)
        service.log_path = self.log_dir / f"{args[0]}-{time.monotonic_ns()}.log"  # args hold paths
        service.start()
        self.services.append(service)
        return service

    def start_module(self, module: str, *args: str, **env: str) -> ServiceProcess:
        """Start ``python -m <module> <args>`` with this run's settings (a reference stage)."""
        path = os.pathsep.join(filter(None, (os.environ.get("PYTHONPATH"), str(REPO))))
        service = ModuleProcess(
            self.settings, module, *args, log_dir=self.log_dir, PYTHONPATH=path, **env
        )
        service.start()
        self.services.append(service)
        return service

    def alive(self) -> bool:
        """True while every service started so far is running."""
        return all(s.alive() for s in self.services)

    def errors(self) -> list[str]:
        """Log lines of error or critical level from every service so far (JSON logs)."""
        found = []
        for service in self.services:
            for line in service.log().splitlines():
                if '"level":"error"' in line or '"level":"critical"' in line:
                    found.append(line)
        return found

    def record_errors(self, result: Result) -> None:
        """Add the services' error count to ``result``, with the first error as a note: a
        figure measured while a service was crashing is not the service's real figure."""
        errors = self.errors()
        result.add("service_errors", len(errors), "log lines")
        if errors:
            result.note(f"{len(errors)} error lines in the service logs; first: {errors[0][:400]}")

    def logs(self, tail: int = 3000) -> str:
        return "\n".join(f"--- {' '.join(s.args)}:\n{s.log()[-tail:]}" for s in self.services)


def _create_postgres_database(base_url: str) -> tuple[str, str]:
    import psycopg

    name = f"bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(base_url, autocommit=True, connect_timeout=10) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return base_url.rsplit("/", 1)[0] + f"/{name}", name


def _drop_postgres_database(base_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(base_url, autocommit=True, connect_timeout=10) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _exit_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


@contextmanager
def bench_run(name: str, *, partitions: int = 4, database: bool = False) -> Iterator[BenchRun]:
    """A fresh world for benchmark ``name`` (see the module docstring).

    Kafka comes from the environment (``SITREP_KAFKA_BOOTSTRAP``). With ``database=True`` and
    ``SITREP_BENCH_DATABASE_URL`` set, a database is created on that server for the run.
    """
    workdir = Path(tempfile.mkdtemp(prefix=f"sitrep-bench-{name}-"))
    prefix = f"bench-{name.replace('_', '-')}-{uuid.uuid4().hex[:8]}"
    sources = workdir / "sources.yaml"
    sources.write_text(yaml.safe_dump(sources_document(), allow_unicode=True), encoding="utf-8")
    settings = Settings.from_env().with_(
        topic_prefix=prefix,
        group_prefix=prefix,
        partitions=partitions,
        data_dir=str(workdir / "data"),
        sqlite_path=str(workdir / "sitrep.db"),
        sources_file=str(sources),
        database_url=Secret(""),
    )
    base_url = os.environ.get(BENCH_DATABASE_ENV, "") if database else ""
    created: str | None = None
    kind = "sqlite"
    if base_url:
        url, created = _create_postgres_database(base_url)
        settings = settings.with_(database_url=Secret(url))
        kind = "postgres"
    run = BenchRun(name, settings, workdir, kind)
    failed = True
    # a benchmark stopped with SIGTERM (run_all's timeout) still stops its services on the way out
    previous = signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        yield run
        failed = False
    finally:
        signal.signal(signal.SIGTERM, previous)
        for service in run.services:
            service.stop()
        try:
            asyncio.run(delete_run_topics(settings))
        except Exception as exc:  # the figures are written; a leftover topic is only untidy
            print(f"bench: could not delete the topics of {prefix}: {exc}", file=sys.stderr)
        if created is not None:
            _drop_postgres_database(base_url, created)
        if failed or os.environ.get(KEEP_ENV):
            why = "failed" if failed else f"kept ({KEEP_ENV})"
            print(f"bench: {name} {why}; logs in {run.log_dir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)

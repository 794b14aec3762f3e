"""A private PostgreSQL server for tests that stop, kill or restart the database.

The shared PostgreSQL (``SITREP_TEST_DATABASE_URL``) serves every engineer's tests and must never
be restarted. :class:`PrivatePostgres` runs a throw-away server of its own: ``initdb`` into a
temporary directory, ``pg_ctl start`` on a free port bound to 127.0.0.1, with its socket in that
directory. PostgreSQL refuses to run as root; when the tests run as root, every server command
runs as the ``postgres`` OS user (``runuser``).

Usage::

    with PrivatePostgres() as pg:       # initdb + start; stop + delete on exit
        url = pg.url                    # postgresql://sitrep:sitrep@127.0.0.1:PORT/sitrep
        pg.restart()                    # fast shutdown (sessions are terminated), start again
        pg.stop(mode="immediate")       # like a crash: no checkpoint, recovery on next start
        pg.start()

Settings for a quick test server: ``fsync=off`` (a clean or immediate stop of the server loses
nothing the OS has; only a power cut would), small shared buffers, few connections.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType
from typing import Literal

import psycopg

PG_BIN = Path(os.environ.get("SITREP_TEST_PG_BIN", "/usr/lib/postgresql/15/bin"))
StopMode = Literal["smart", "fast", "immediate"]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PrivatePostgresError(RuntimeError):
    """A server command failed; the message holds its output and the server log's tail."""


class PrivatePostgres:
    """One private PostgreSQL server (see the module docstring)."""

    def __init__(
        self, port: int | None = None, user: str = "sitrep", database: str = "sitrep"
    ) -> None:
        self.port = port or free_port()
        self.user = user
        self.database = database
        self.root = Path(tempfile.mkdtemp(prefix="sitrep-pg-"))
        self.data_dir = self.root / "data"
        self.log_file = self.root / "server.log"
        self._initialized = False
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")

    @property
    def url(self) -> str:
        return f"postgresql://{self.user}:{self.user}@127.0.0.1:{self.port}/{self.database}"

    def _run(self, *args: str, timeout: float = 120.0) -> str:
        command = [str(PG_BIN / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
        if done.returncode != 0:
            raise PrivatePostgresError(
                f"{' '.join(args[:2])} failed ({done.returncode}): {done.stdout}{done.stderr}\n"
                f"server log:\n{self.log_tail()}"
            )
        return done.stdout

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return self.log_file.read_text(errors="replace")[-chars:]
        except OSError:
            return "(no server log)"

    def _init(self) -> None:
        self._run(
            "initdb", "-D", str(self.data_dir), "-U", self.user, "-A", "trust",
            "-E", "UTF8", "--no-locale", "--no-sync",
        )  # fmt: skip
        self._initialized = True

    def start(self) -> PrivatePostgres:
        """Start the server (``initdb`` first, the first time) and wait until it accepts
        connections; creates the database on the first start."""
        first = not self._initialized
        if first:
            self._init()
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c shared_buffers=16MB -c max_connections=40"
        )
        self._run(
            "pg_ctl", "-D", str(self.data_dir), "-l", str(self.log_file), "-w", "-t", "60",
            "-o", options, "start",
        )  # fmt: skip
        if first:
            admin = self.url.rsplit("/", 1)[0] + "/postgres"
            with psycopg.connect(admin, autocommit=True, connect_timeout=10) as conn:
                conn.execute(f'CREATE DATABASE "{self.database}"')
        return self

    def stop(self, mode: StopMode = "fast") -> None:
        """Stop the server: ``fast`` terminates sessions and checkpoints, ``immediate`` is a
        crash (recovery runs at the next start). No-op when it is not running."""
        if self.running():
            self._run("pg_ctl", "-D", str(self.data_dir), "-m", mode, "-w", "-t", "60", "stop")

    def restart(self, mode: StopMode = "fast") -> None:
        self.stop(mode)
        self.start()

    def running(self) -> bool:
        return (self.data_dir / "postmaster.pid").exists()

    def accepts_connections(self) -> bool:
        try:
            with psycopg.connect(self.url, connect_timeout=2):
                return True
        except psycopg.OperationalError:
            return False

    def wait_ready(self, timeout: float = 30.0) -> None:
        """Poll until the server accepts connections; raises after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while not self.accepts_connections():
            if time.monotonic() > deadline:
                raise PrivatePostgresError(f"not accepting connections:\n{self.log_tail()}")
            time.sleep(0.1)

    def cleanup(self) -> None:
        """Stop the server (immediately) and delete its directory."""
        try:
            self.stop("immediate")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> PrivatePostgres:
        try:
            return self.start()
        except BaseException:
            self.cleanup()
            raise

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.cleanup()

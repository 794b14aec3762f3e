"""A private Kafka broker for fault tests: its own port and data, the project's cached jars.

The shared broker at SITREP_KAFKA_BOOTSTRAP serves every other test; the fault suite restarts
brokers, so it runs one of its own through ``deploy/kafka/kafka.sh`` on another port.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from pathlib import Path

from tests.conftest import REPO

SCRIPT = REPO / "deploy" / "kafka" / "kafka.sh"


def free_port_block(size: int = 3) -> int:
    """A port p such that p .. p+size-1 are free on 127.0.0.1 (checked, not reserved)."""
    for base in range(19100, 19900, 10):
        ok = True
        for port in range(base, base + size):
            with socket.socket() as s:
                try:
                    s.bind(("127.0.0.1", port))
                except OSError:
                    ok = False
                    break
        if ok:
            return base
    raise RuntimeError("no free port block between 19100 and 19900")


class PrivateKafka:
    def __init__(self, workdir: Path) -> None:
        self.port = free_port_block()
        self.home = workdir / "kafka"
        libs = REPO / ".cache" / "kafka" / "libs"
        self.home.mkdir(parents=True, exist_ok=True)
        if libs.exists() and not (self.home / "libs").exists():
            (self.home / "libs").symlink_to(libs)
        self.env = {
            **os.environ,
            "SITREP_KAFKA_PORT": str(self.port),
            "SITREP_KAFKA_HOME": str(self.home),
            "SITREP_KAFKA_HEAP": "384m",
        }

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    def _run(self, action: str) -> None:
        subprocess.run(["bash", str(SCRIPT), action], env=self.env, check=True, timeout=180)

    def start(self) -> PrivateKafka:
        self._run("up")
        return self

    def stop(self) -> None:
        self._run("down")

    def restart(self) -> None:
        self.stop()
        self.start()

    def destroy(self) -> None:
        try:
            self.stop()
        finally:
            shutil.rmtree(self.home, ignore_errors=True)

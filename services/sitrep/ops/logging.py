"""JSON (or plain text) logs on stderr, with report/event ids passed as ``extra`` fields.

``log.info("merged", extra={"report_id": r, "event_id": e})`` becomes one JSON line with those
keys. Secret values are never logged: settings hold them in :class:`~sitrep.ops.settings.Secret`,
and :func:`redact` scrubs known secret strings from any message as a second line of defence.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable
from typing import Any

import orjson

_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
}
_SECRETS: set[str] = set()


def register_secret(value: str) -> None:
    """Remember a secret string so :func:`redact` removes it from every log line."""
    if value and len(value) >= 4:
        _SECRETS.add(value)


def redact(text: str) -> str:
    for secret in _SECRETS:
        if secret in text:
            text = text.replace(secret, "***")
    return text


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": redact(record.getMessage()),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                out[key] = value
        if record.exc_info:
            out["exc"] = redact(self.formatException(record.exc_info))
        return orjson.dumps(out, default=str).decode()


class TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class RepeatFilter(logging.Filter):
    """Lets one line per message template of the client libraries through per ``every``
    seconds: during a broker outage aiokafka logs "Unable connect to node" several times a
    second per client, and faust "producer buffer full" for every send, which buried the lines
    that say what happened. The next line let through after a quiet spell carries
    ``repeated``: how many were held back. sitrep's own lines and critical ones always pass."""

    PREFIXES = ("aiokafka", "kafka", "faust", "mode")

    def __init__(self, every: float = 30.0, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self.every = every
        self._clock = clock
        self._seen: dict[tuple[str, str], tuple[float, int]] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.CRITICAL or not record.name.startswith(self.PREFIXES):
            return True
        key = (record.name, str(record.msg))
        now = self._clock()
        last, held = self._seen.get(key, (None, 0))
        if last is not None and now - last < self.every:
            self._seen[key] = (last, held + 1)
            return False
        if len(self._seen) > 1000:
            self._seen.clear()
        self._seen[key] = (now, 0)
        if held:
            record.repeated = held
        return True


def configure_logging(level: str = "INFO", fmt: str = "json") -> None:
    """Install the one log handler on the root logger (idempotent)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(RepeatFilter())
    if fmt == "json":
        formatter: logging.Formatter = JsonFormatter()
        formatter.converter = time.gmtime
    else:
        formatter = TextFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in (
        "aiokafka",
        "kafka",
        "faust",
        "mode",
        "telethon",
        "httpx",
        "httpcore",
        "trafilatura",
    ):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLevelName(level)))

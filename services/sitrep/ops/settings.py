"""The one settings object. Every value comes from a ``SITREP_*`` environment variable.

Secrets (Telegram api hash and session, database and Kafka passwords) may instead come from a
mounted file named by ``SITREP_<NAME>_FILE`` (Kubernetes Secret volumes). They are held in
:class:`Secret`, whose ``repr``/``str`` never show the value, so they cannot leak into logs,
exceptions or metrics by accident.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any


class SettingsError(ValueError):
    """A configuration value is missing or malformed; the message names the variable."""


class Secret:
    """A value that must never be printed. ``reveal()`` is the only way to read it."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __bool__(self) -> bool:
        return bool(self._value)

    def __repr__(self) -> str:
        return "Secret('***')" if self._value else "Secret('')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(("Secret", self._value))

    def __reduce__(self) -> Any:
        raise TypeError("Secret values are not picklable")


def _secret(env: Mapping[str, str], name: str) -> Secret:
    path = env.get(f"SITREP_{name}_FILE")
    if path:
        try:
            return Secret(Path(path).read_text(encoding="utf-8").strip())
        except OSError as exc:
            raise SettingsError(
                f"SITREP_{name}_FILE points to {path!r}, which cannot be read ({exc.strerror})"
            ) from None
    return Secret(env.get(f"SITREP_{name}", ""))


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(f"SITREP_{name}")
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise SettingsError(f"SITREP_{name}={raw!r} is not a whole number") from None


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(f"SITREP_{name}")
    if raw is None or raw == "":
        return default
    try:
        return float(raw)
    except ValueError:
        raise SettingsError(f"SITREP_{name}={raw!r} is not a number") from None


def _guarantee(env: Mapping[str, str]) -> str:
    raw = env.get("SITREP_PROCESSING_GUARANTEE", "at_least_once")
    if raw not in {"exactly_once", "at_least_once"}:
        raise SettingsError(
            f"SITREP_PROCESSING_GUARANTEE={raw!r}: use exactly_once or at_least_once"
        )
    return raw


PROCESSOR_ROLES = ("all", "normalize", "cluster")


def _role(env: Mapping[str, str]) -> str:
    raw = env.get("SITREP_PROCESSOR_ROLE", "all")
    if raw not in PROCESSOR_ROLES:
        raise SettingsError(
            f"SITREP_PROCESSOR_ROLE={raw!r}: use one of {', '.join(PROCESSOR_ROLES)}"
        )
    return raw


@dataclass(frozen=True, slots=True)
class KafkaSecurity:
    """Client security for every Kafka client in the project (aiokafka and faust)."""

    protocol: str = "PLAINTEXT"  # PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL
    sasl_mechanism: str | None = None  # PLAIN, SCRAM-SHA-256, SCRAM-SHA-512
    sasl_username: str | None = None
    sasl_password: Secret = field(default_factory=lambda: Secret(""))
    ssl_cafile: str | None = None
    ssl_certfile: str | None = None
    ssl_keyfile: str | None = None


@dataclass(frozen=True, slots=True)
class Settings:
    kafka_bootstrap: str = "127.0.0.1:9092"
    kafka_security: KafkaSecurity = field(default_factory=KafkaSecurity)
    topic_prefix: str = "sitrep"
    partitions: int = 4
    replication_factor: int = 1
    group_prefix: str = "sitrep"
    database_url: Secret = field(default_factory=lambda: Secret(""))
    sqlite_path: str = "sitrep.db"
    sources_file: str | None = None
    data_dir: str = ".sitrep"
    log_level: str = "INFO"
    log_format: str = "json"
    ops_host: str = "127.0.0.1"
    ops_port: int = 0  # /metrics, /livez, /readyz; 0 = off (tests), set per service in deploys
    liveness_seconds: float = 120.0  # /livez fails when the stage made no progress for this long
    web_port: int = 6066  # faust's own web server (bound to 127.0.0.1)
    dlq_window: int = 200  # circuit breaker: look at the last N inputs ...
    dlq_max_ratio: float = 0.8  # ... and stop when more than this share was dead-lettered
    dlq_breaker_linger_seconds: float = 30.0  # stay scrapeable after the breaker opened
    sink_batch_size: int = 500
    sink_batch_seconds: float = 0.02
    sink_batch_bytes: int = 8 * 1024 * 1024  # a batch stops growing once its values reach this
    cluster_window_hours: float = 72.0
    processing_guarantee: str = "at_least_once"  # the cluster step: at_least_once | exactly_once
    processor_role: str = "all"  # all | normalize | cluster: what a processor process runs
    # in a backlog, the normalize loop stays within this many candidates records of the
    # cluster agent in its process (0: no bound)
    processor_ahead_records: int = 256
    telegram_api_id: int = 0
    telegram_api_hash: Secret = field(default_factory=lambda: Secret(""))
    telegram_session: Secret = field(default_factory=lambda: Secret(""))
    telegram_backfill_limit: int = 200
    user_agent: str = "sitrep/0.1 (+https://github.com/sitrep; conflict-report ingestion)"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        e = os.environ if env is None else env
        protocol = e.get("SITREP_KAFKA_SECURITY_PROTOCOL", "PLAINTEXT").upper()
        if protocol not in {"PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"}:
            raise SettingsError(
                f"SITREP_KAFKA_SECURITY_PROTOCOL={protocol!r}: use PLAINTEXT, SSL, "
                "SASL_PLAINTEXT or SASL_SSL"
            )
        mechanism = e.get("SITREP_KAFKA_SASL_MECHANISM") or None
        if protocol.startswith("SASL") and mechanism not in {
            "PLAIN",
            "SCRAM-SHA-256",
            "SCRAM-SHA-512",
        }:
            raise SettingsError(
                f"SITREP_KAFKA_SASL_MECHANISM={mechanism!r}: with {protocol} use PLAIN, "
                "SCRAM-SHA-256 or SCRAM-SHA-512"
            )
        security = KafkaSecurity(
            protocol=protocol,
            sasl_mechanism=mechanism,
            sasl_username=e.get("SITREP_KAFKA_SASL_USERNAME") or None,
            sasl_password=_secret(e, "KAFKA_SASL_PASSWORD"),
            ssl_cafile=e.get("SITREP_KAFKA_SSL_CAFILE") or None,
            ssl_certfile=e.get("SITREP_KAFKA_SSL_CERTFILE") or None,
            ssl_keyfile=e.get("SITREP_KAFKA_SSL_KEYFILE") or None,
        )
        log_format = e.get("SITREP_LOG_FORMAT", "json")
        if log_format not in {"json", "text"}:
            raise SettingsError(f"SITREP_LOG_FORMAT={log_format!r}: use json or text")
        partitions = _int(e, "PARTITIONS", 4)
        if partitions < 1:
            raise SettingsError("SITREP_PARTITIONS must be at least 1")
        return cls(
            kafka_bootstrap=e.get("SITREP_KAFKA_BOOTSTRAP", "127.0.0.1:9092"),
            kafka_security=security,
            topic_prefix=e.get("SITREP_TOPIC_PREFIX", "sitrep"),
            partitions=partitions,
            replication_factor=_int(e, "REPLICATION_FACTOR", 1),
            group_prefix=e.get("SITREP_GROUP_PREFIX", e.get("SITREP_TOPIC_PREFIX", "sitrep")),
            database_url=_secret(e, "DATABASE_URL"),
            sqlite_path=e.get("SITREP_SQLITE_PATH", "sitrep.db"),
            sources_file=e.get("SITREP_SOURCES_FILE") or None,
            data_dir=e.get("SITREP_DATA_DIR", ".sitrep"),
            log_level=e.get("SITREP_LOG_LEVEL", "INFO").upper(),
            log_format=log_format,
            ops_host=e.get("SITREP_OPS_HOST", "127.0.0.1"),
            ops_port=_int(e, "OPS_PORT", 0),
            liveness_seconds=_float(e, "LIVENESS_SECONDS", 120.0),
            web_port=_int(e, "WEB_PORT", 6066),
            dlq_window=_int(e, "DLQ_WINDOW", 200),
            dlq_max_ratio=_float(e, "DLQ_MAX_RATIO", 0.8),
            dlq_breaker_linger_seconds=_float(e, "DLQ_BREAKER_LINGER_SECONDS", 30.0),
            sink_batch_size=_int(e, "SINK_BATCH_SIZE", 500),
            sink_batch_seconds=_float(e, "SINK_BATCH_SECONDS", 0.02),
            sink_batch_bytes=_int(e, "SINK_BATCH_BYTES", 8 * 1024 * 1024),
            cluster_window_hours=_float(e, "CLUSTER_WINDOW_HOURS", 72.0),
            processing_guarantee=_guarantee(e),
            processor_role=_role(e),
            processor_ahead_records=_int(e, "PROCESSOR_AHEAD_RECORDS", 256),
            telegram_api_id=_int(e, "TELEGRAM_API_ID", 0),
            telegram_api_hash=_secret(e, "TELEGRAM_API_HASH"),
            telegram_session=_secret(e, "TELEGRAM_SESSION"),
            telegram_backfill_limit=_int(e, "TELEGRAM_BACKFILL_LIMIT", 200),
            user_agent=e.get(
                "SITREP_USER_AGENT",
                "sitrep/0.1 (+https://github.com/sitrep; conflict-report ingestion)",
            ),
        )

    def with_(self, **changes: Any) -> Settings:
        return replace(self, **changes)

    def topic(self, suffix: str) -> str:
        """Full topic name: ``f"{topic_prefix}.{suffix}"`` (e.g. ``sitrep.raw.v1``)."""
        return f"{self.topic_prefix}.{suffix}"

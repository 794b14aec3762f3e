"""Settings come from SITREP_* variables; mistakes are named; secrets never print."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitrep.ops.settings import Settings, SettingsError


def test_defaults_work_locally() -> None:
    s = Settings.from_env({})
    assert s.kafka_bootstrap == "127.0.0.1:9092"
    assert s.topic("raw.v1") == "sitrep.raw.v1"
    assert not s.database_url


def test_secret_from_mounted_file_is_read_and_never_shown(tmp_path: Path) -> None:
    secret_file = tmp_path / "hash"
    secret_file.write_text("0123456789abcdef\n")
    s = Settings.from_env({"SITREP_TELEGRAM_API_HASH_FILE": str(secret_file)})
    assert s.telegram_api_hash.reveal() == "0123456789abcdef"
    assert "0123456789abcdef" not in repr(s)
    assert "0123456789abcdef" not in str(s.telegram_api_hash)


def test_unreadable_secret_file_is_a_clear_error() -> None:
    with pytest.raises(SettingsError, match="SITREP_DATABASE_URL_FILE"):
        Settings.from_env({"SITREP_DATABASE_URL_FILE": "/nonexistent/db-url"})


def test_malformed_number_names_the_variable() -> None:
    with pytest.raises(SettingsError, match="SITREP_PARTITIONS='many'"):
        Settings.from_env({"SITREP_PARTITIONS": "many"})


def test_sasl_needs_a_known_mechanism() -> None:
    with pytest.raises(SettingsError, match="SASL_MECHANISM"):
        Settings.from_env({"SITREP_KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT"})

"""``sitrep db migrate`` and the error paths of ``sitrep events``, through the real CLI."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitrep.cli import main

pytestmark = pytest.mark.integration


@pytest.fixture(autouse=True)
def _text_logs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SITREP_LOG_FORMAT", "text")


def test_db_migrate_creates_the_schema_then_has_nothing_to_do(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SITREP_DATABASE_URL", database_url)
    assert main(["db", "migrate"]) == 0
    first = capsys.readouterr().out
    assert "applied 0001_initial.sql" in first
    assert first.rstrip().endswith("schema at version 1")
    assert main(["db", "migrate"]) == 0
    assert "applied" not in capsys.readouterr().out


def test_events_on_an_empty_database_finds_nothing(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SITREP_DATABASE_URL", database_url)
    assert main(["db", "migrate"]) == 0
    capsys.readouterr()
    assert main(["events"]) == 0
    assert capsys.readouterr().out == "No events match.\n"


def test_events_on_an_unreachable_database_fails_without_showing_the_password(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SITREP_DATABASE_URL", "postgresql://sitrep:pw-hidden@127.0.0.1:9/sitrep")
    assert main(["events"]) == 1
    err = capsys.readouterr().err
    assert "postgresql://127.0.0.1:9/sitrep is unavailable" in err
    assert "pw-hidden" not in err


def test_events_without_a_sqlite_file_says_how_to_create_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("SITREP_DATABASE_URL", raising=False)
    monkeypatch.setenv("SITREP_SQLITE_PATH", str(tmp_path / "none.db"))
    assert main(["events"]) == 2
    assert "no SQLite database at" in capsys.readouterr().err
    assert not (tmp_path / "none.db").exists()


def test_events_refuses_a_malformed_point(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["events", "--near", "north of Aleppo"])
    assert exit_.value.code == 2
    assert "LAT,LON" in capsys.readouterr().err

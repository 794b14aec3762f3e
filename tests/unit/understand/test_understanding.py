from __future__ import annotations

import json
from pathlib import Path

import pytest

from sitrep.understand import ReportContext, Understander, default_understander
from sitrep.understand.actors import ActorsError
from tests.unit.understand.helpers import PUBLISHED, understand


def test_the_default_understander_is_built_once_per_process() -> None:
    assert default_understander() is default_understander()


def test_the_understanding_gives_language_clean_text_and_candidates() -> None:
    result = understand("  Russian   warplanes struck\u200b Ariha.  ")
    assert result.language == "en"
    assert result.clean_text == "Russian warplanes struck Ariha."
    assert len(result.candidates) == 1


def test_the_title_is_read_as_the_first_sentence() -> None:
    result = understand("Fighting continued into the night.", title="Rebels capture Saraqib")
    assert result.candidates[0].location is not None
    assert result.candidates[0].location.name == "Saraqib"


def test_operator_files_named_by_the_environment_extend_places_and_actors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    places = tmp_path / "places.tsv"
    places.write_text("Qeryat al-Test\tQeryat al-Test\tSY\t10\t35.2\t36.7\tcity\t\t100\n")
    actors = tmp_path / "actors.json"
    actors.write_text(
        json.dumps(
            {"actors": [{"name": "Test Brigade", "inter": 3, "aliases": ["the test brigade"]}]}
        )
    )
    monkeypatch.setenv("SITREP_PLACES_FILE", str(places))
    monkeypatch.setenv("SITREP_ACTORS_FILE", str(actors))
    default_understander.cache_clear()
    try:
        result = default_understander().understand(
            ReportContext("r", "The test brigade shelled Qeryat al-Test.", PUBLISHED)
        )
    finally:
        default_understander.cache_clear()
    (event,) = result.candidates
    assert event.location is not None and event.location.name == "Qeryat al-Test"
    assert "Test Brigade" in {a.name for a in event.actors}


def test_a_malformed_actors_file_is_refused_with_its_entry(tmp_path: Path) -> None:
    bad = tmp_path / "actors.json"
    bad.write_text(json.dumps({"actors": [{"name": "X", "inter": 12}]}))
    with pytest.raises(ActorsError, match="entry 0"):
        Understander.load(actors_file=bad)

from __future__ import annotations

from pathlib import Path

import pytest

from sitrep.understand.gazetteer import Gazetteer, GazetteerError, distance_km, name_key
from sitrep.understand.understanding import default_understander


def _gazetteer() -> Gazetteer:
    return default_understander().gazetteer


def _names(key: str) -> set[str]:
    g = _gazetteer()
    return {g.places[i].name for i in g.candidates(name_key(key))}


def test_transliteration_variants_and_arabic_names_find_the_same_place() -> None:
    for spelling in ("Deraa", "Daraa", "Dar'a", "درعا"):
        assert "Dar'a" in _names(spelling)
    for spelling in ("Deir ez-Zor", "Deir Ezzor", "Dayr az-Zawr", "دير الزور"):
        assert "Deir-ez-Zor" in _names(spelling)


def test_places_missing_from_geonames_come_from_the_projects_table() -> None:
    g = _gazetteer()
    (index,) = g.candidates(name_key("Hmeimim"))
    airbase = g.places[index]
    assert airbase.kind == "airbase"
    assert airbase.admin1 == "Lattakia"


def test_a_governorate_is_located_at_its_capital_with_acled_precision_3() -> None:
    g = _gazetteer()
    region = next(
        g.places[i] for i in g.candidates(name_key("Idlib")) if g.places[i].kind == "admin1"
    )
    location = g.location(region, 1)
    assert (location.admin1, location.geo_precision, location.country) == ("Idleb", 3, "Syria")
    assert distance_km(location.latitude, location.longitude, 35.93, 36.63) < 5


def test_every_city_carries_the_acled_name_of_its_province() -> None:
    g = _gazetteer()
    saraqib = g.places[g.candidates(name_key("Saraqib"))[0]]
    assert saraqib.admin1 == "Idleb"
    assert g.location(saraqib, 1).admin1 == "Idleb"


def test_the_operators_alias_file_adds_names(tmp_path: Path) -> None:
    aliases = tmp_path / "places.tsv"
    aliases.write_text(
        "# ours\nQeryat al-Test|قرية التجربة\tQeryat al-Test\tSY\t10\t35.2\t36.7\tcity\t\t100\n"
    )
    g = Gazetteer.load(operator_file=aliases)
    (index,) = g.candidates(name_key("قرية التجربة"))
    assert g.places[index].admin1 == "Hama"


def test_a_malformed_alias_file_is_refused_with_its_line(tmp_path: Path) -> None:
    bad = tmp_path / "places.tsv"
    bad.write_text("only\ttwo columns\n")
    with pytest.raises(GazetteerError, match="line 1"):
        Gazetteer.load(operator_file=bad)

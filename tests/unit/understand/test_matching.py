from __future__ import annotations

from sitrep.understand.text import tokens
from sitrep.understand.understanding import default_understander


def _mentions(text: str) -> list[tuple[str, str, object]]:
    index = default_understander().index
    folded = index.fold_tokens(tokens(text))
    return [(" ".join(folded[m.start : m.end]), m.kind, m.value) for m in index.mentions(folded)]


def test_arabic_clitics_are_stripped_to_find_the_dictionary_word() -> None:
    kinds = {(kind, str(value)) for _, kind, value in _mentions("وبالرقة وللقوات غارات")}
    assert ("cue", "air") in kinds  # غارات
    assert any(kind == "place" for kind, _ in kinds)  # بالرقة -> الرقة


def test_russian_case_endings_are_cut_to_find_the_place() -> None:
    assert any(kind == "place" for _, kind, _ in _mentions("бои в Харькове"))


def test_a_shorter_phrase_of_the_same_family_inside_a_longer_one_is_dropped() -> None:
    cues = [
        (key, value) for key, kind, value in _mentions("Air strikes hit the town") if kind == "cue"
    ]
    assert ("air strikes", "air") in cues
    assert not any(key == "strikes" for key, _ in cues)


def test_phrases_of_different_families_may_overlap() -> None:
    found = _mentions("Russian warplanes struck Ariha")
    assert any(kind == "actor" for _, kind, _ in found)
    assert ("warplanes", "cue", "air") in found


def test_a_place_name_inside_a_longer_word_is_no_mention() -> None:
    found = _mentions("Protests in Rockingham and Hamadan")
    assert [key for key, kind, _ in found if kind == "place"] == ["rockingham", "hamadan"]

from __future__ import annotations

import pytest

from sitrep.understand.language import detect_language
from sitrep.understand.text import tokens


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Rebels captured the town on Saturday, the monitor said.", "en"),
        ("سيطرت الفصائل على مدينة حماة بعد معارك عنيفة", "ar"),
        ("Повстанцы вошли в Хаму после ожесточённых боёв", "ru"),
        ("Внаслідок обстрілу Херсона загинули двоє мирних жителів", "uk"),
        ("L'armée malienne a mené des frappes de drones dans la région de Kidal", "fr"),
        ("پهپاد ترکیه یک خودرو را هدف گرفت", "fa"),
    ],
)
def test_language_is_told_by_script_then_by_function_words(text: str, language: str) -> None:
    assert detect_language(text, tokens(text)) == language


def test_the_source_language_answers_only_when_the_text_cannot() -> None:
    assert detect_language("12 34 !!", tokens("12 34 !!"), "ar") == "ar"
    assert detect_language("Hama", tokens("Hama"), "ar") == "ar"  # no function word to count
    assert detect_language("", [], None) == "und"

from __future__ import annotations

import pytest

from tests.unit.understand.helpers import only


@pytest.mark.parametrize(
    ("text", "fatalities"),
    [
        ("An airstrike on Ariha killed 3 civilians and wounded 12.", 3),
        ("Shelling on Saraqib: 4 killed, 10 wounded.", 4),
        ("قصف مدفعي على بلدة كفرنبل أسفر عن مقتل مدنيين اثنين وإصابة خمسة آخرين", 2),
        ("غارة جوية على سراقب ومقتل عنصرين من الفصائل", 2),
        ("Rebels ambushed an army convoy near Morek, killing a soldier.", 1),
        ("Dozens were killed in clashes in Qamhana.", 12),
        ("Russian airstrikes on Idlib killed several civilians.", 3),
        ("Clashes in Morek, the death toll rose to 30, the monitor said.", 30),
        ("Shelling hit Jisr al-Shughur, wounding 7 people.", 0),
    ],
)
def test_fatalities_are_coded_like_acled(text: str, fatalities: int) -> None:
    assert only(text).fatalities == fatalities


def test_years_distances_and_dates_are_never_counted() -> None:
    text = "Rebels clashed with the army 5 km from Morek on December 3, 2024, killing 2 fighters."
    assert only(text).fatalities == 2

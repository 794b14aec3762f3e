from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest

from sitrep.dedupe.evaluate import bcubed, main, near_miss_pairs, pairwise, read_lines, score

GOLD = {"a": "g1", "b": "g1", "c": "g1", "d": "g2", "e": "g3"}


def test_perfect_clustering_scores_one() -> None:
    assert pairwise(GOLD, GOLD).f1 == 1.0
    assert bcubed(GOLD, GOLD).f1 == 1.0


def test_pairwise_counts_shared_and_missed_pairs() -> None:
    predicted = {"a": "x", "b": "x", "c": "y", "d": "y", "e": "z"}

    scores = pairwise(predicted, GOLD)

    # predicted pairs ab, cd; true pairs ab, ac, bc: one shared
    assert (scores.precision, scores.recall) == (0.5, 0.3333)


def test_bcubed_averages_per_item() -> None:
    predicted = {"a": "x", "b": "x", "c": "y", "d": "y", "e": "z"}

    scores = bcubed(predicted, GOLD)

    # precision: a,b 1; c,d 1/2; e 1 -> 4/5; recall: a,b 2/3; c 1/3; d,e 1 -> 11/15
    assert (scores.precision, scores.recall) == (0.8, 0.7333)


def test_merged_near_misses_are_counted() -> None:
    predicted = {"a": "x", "b": "x", "c": "x", "d": "x", "e": "z"}

    evaluation = score(predicted, GOLD, [("d", "a"), ("e", "a")])

    assert (evaluation.near_misses_merged, evaluation.near_miss_pairs) == (1, 2)


def _line(n: int, group: str | None, text: str, **extra: Any) -> bytes:
    return orjson.dumps(
        {
            "id": f"l{n}",
            "text": text,
            "published_at": "2024-11-30T10:00:00Z",
            "group": group,
            **extra,
        }
    )


def _gold(
    place: str, day: str, admin1: str = "Idlib", sub: str = "Shelling/artillery/missile attack"
) -> dict[str, Any]:
    return {
        "events": [
            {
                "event_type": "Explosions/Remote violence",
                "sub_event_type": sub,
                "location": {
                    "name": place,
                    "geonames_id": None,
                    "admin1": admin1,
                    "country": "Syria",
                },
                "occurred_on": day,
            }
        ]
    }


def test_near_misses_come_from_the_gold_coding_when_not_marked(tmp_path: Path) -> None:
    path = tmp_path / "dev.jsonl"
    path.write_bytes(
        b"\n".join(
            [
                _line(1, "g1", "x", gold=_gold("Saraqib", "2024-11-30")),
                _line(2, "g2", "y", gold=_gold("Saraqib", "2024-12-20", sub="Air/drone strike")),
                _line(3, "g3", "z", gold=_gold("Binnish", "2024-11-30")),
                _line(4, "g4", "w", gold=_gold("Binnish", "2024-12-20", sub="Air/drone strike")),
                _line(5, "g5", "v", gold=_gold("Daraa", "2024-11-30", admin1="Daraa")),
                _line(6, "g6", "u", gold=_gold("Saraqib", "2025-02-01")),
            ]
        )
    )

    assert near_miss_pairs(read_lines(path)) == [
        ("1:l1", "2:l2"),  # same place, another type, within a month
        ("1:l1", "3:l3"),  # same type and day, another town of the governorate
        ("2:l2", "4:l4"),
        ("3:l3", "4:l4"),
    ]


def test_marked_near_misses_take_precedence(tmp_path: Path) -> None:
    path = tmp_path / "dev.jsonl"
    path.write_bytes(
        b"\n".join(
            [_line(1, "g1", "x"), _line(2, "g2", "y", near_miss_of="g1"), _line(3, "g3", "z")]
        )
    )

    assert near_miss_pairs(read_lines(path)) == [("2:l2", "1:l1")]


def test_exit_code_is_0_when_f1_meets_the_target(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "dev.jsonl"
    text = "Heavy regime shelling hit the town of Saraqib in Idlib countryside this morning, residents said"
    path.write_bytes(
        b"\n".join(
            [_line(1, "g1", text, source="a"), _line(2, "g1", f"🔴 {text} @mirror", source="b")]
        )
    )

    assert main([str(path)]) == 0
    assert "end_to_end" in capsys.readouterr().out


def test_exit_code_is_1_when_f1_is_below_the_target(tmp_path: Path) -> None:
    path = tmp_path / "dev.jsonl"
    path.write_bytes(
        b"\n".join([_line(1, "g1", "Good morning, friends"), _line(2, "g1", "Thank you all")])
    )

    assert main([str(path)]) == 1


def test_unreadable_file_exits_2_naming_the_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "dev.jsonl"
    path.write_bytes(_line(1, "g1", "x") + b"\n{not json\n")

    assert main([str(path)]) == 2
    assert ":2:" in capsys.readouterr().err

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson
import pytest

from sitrep.dedupe.copies import COPY_MAX_DISTANCE, distance, fingerprint, is_short

PAIRS = [
    orjson.loads(line)
    for line in (Path(__file__).parent / "data" / "copy_pairs.jsonl").read_bytes().splitlines()
    if line.strip()
]
COPIES = [p for p in PAIRS if p["copy"]]
DISTINCT = [p for p in PAIRS if not p["copy"]]


def _ids(pair: dict[str, Any]) -> str:
    return str(pair["note"])


@pytest.mark.parametrize("pair", COPIES, ids=_ids)
def test_measured_copies_are_within_the_threshold(pair: dict[str, Any]) -> None:
    assert distance(fingerprint(pair["a"]), fingerprint(pair["b"])) <= COPY_MAX_DISTANCE


@pytest.mark.parametrize("pair", DISTINCT, ids=_ids)
def test_measured_distinct_texts_are_beyond_the_threshold(pair: dict[str, Any]) -> None:
    assert distance(fingerprint(pair["a"]), fingerprint(pair["b"])) > COPY_MAX_DISTANCE


def test_links_mentions_and_hashtags_do_not_change_the_fingerprint() -> None:
    text = (
        "Russian jets struck the outskirts of Maarat al-Numan this morning, killing four civilians"
    )

    assert fingerprint(text) == fingerprint(f"{text} #Idlib @idlib_now https://t.me/idlib_now/1")


def test_arabic_letter_variants_fold_to_one_fingerprint() -> None:
    assert fingerprint("استشهاد أربعة مدنيين في غارة جوية على مدينة أريحا") == fingerprint(
        "استشهاد اربعه مدنيين في غاره جويـة على مدينه اريحا"
    )


def test_short_texts_are_compared_by_exact_words() -> None:
    assert is_short("Shelling on Kafr Nabl now")
    assert fingerprint("Shelling on Kafr Nabl now") == fingerprint("SHELLING on kafr nabl now!")
    assert fingerprint("Shelling on Kafr Nabl now") != fingerprint("Shelling on Kansafra now")


def test_text_without_words_has_the_zero_fingerprint() -> None:
    assert fingerprint("🔴 … https://t.me/x") == 0


def test_fingerprint_does_not_depend_on_the_process_hash_seed() -> None:
    text = "Clashes erupted between SDF fighters and Turkish-backed factions near Manbij at dawn"
    code = f"from sitrep.dedupe.copies import fingerprint; print(fingerprint({text!r}))"
    other = subprocess.run(
        [sys.executable, "-c", code],
        env={"PYTHONHASHSEED": "12345"},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )

    assert int(other.stdout) == fingerprint(text)

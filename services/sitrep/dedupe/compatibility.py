"""When is a candidate the same real-world event as an open event? The rules, as numbers.

A candidate is compared with an event's canonical coding (:class:`~sitrep.dedupe.canonical.
Profile`), never with each of its members, so an event cannot drift by chaining. Four factors in
[0, 1] are multiplied; any factor that is *incompatible* vetoes the merge. The candidate joins the
best-scoring event when the score is at least :data:`MERGE_THRESHOLD` (ties: the older event).

**Type** (:func:`type_factor`): the same sub-event type 1.0. Different sub-event types merge only
when reporters describe one event in different words:

- territory: "Non-violent transfer of territory" 0.9 with "Non-state actor overtakes
  territory" or "Government regains territory" — a capture claimed by the rebels and a
  "withdrawal" ("redeployment") reported by state media for the same town and day are one event;
  "Armed clash" with any of the three 0.8 (the fighting that took the town, as the losing side
  reports it), and the two captures with each other 0.7 (each side claiming the town: one
  fight, or two);
- demonstrations: "Peaceful protest", "Protest with intervention", "Excessive force against
  protesters" and "Violent demonstration" 0.85 with each other (one protest, coded by how it
  ended);
- a candidate without a valid sub-event type: its event type must match, 0.8.

Everything else is incompatible: shelling and an air strike on the same town are two events, as
are an attack on civilians and an abduction, and drones shot down over a region and the drones
that hit a depot there the same night (ACLED codes the interception and the strike apart).

**Place** (:func:`place_factor`), the cell already guarantees the same first-level division:

- same GeoNames id 1.0 (or, without ids, the same name);
- a district and its city 0.9, by ACLED's naming ("Aleppo - New Aleppo" lies in "Aleppo");
- both at geo precision 3 (governorate only) 0.9: ACLED codes both at the governorate, one place;
- one side at precision 3, the other a place in that governorate 0.7: a governorate-level report
  merges with a town there when the rest agrees;
- either side at precision 2 (near a town, "the countryside of"): within 10 km 0.85 — a
  precision-2 place carries its town's coordinates, so further away is another town;
- both at precision 1 (the town itself), different places: within 3 km 0.85 (one town under two
  gazetteer entries, a district of a city); further apart they are different events — the
  neighbouring village shelled the same day is a near-miss, not a merge;
- a side with no place below the country (the ``"*"`` and ``"{country}:*"`` cells) 0.6, and
  only when the actors share a name — type and date alone are too weak.

Different sub-event types (a type factor below 1) merge only at one place: the same town, a
district and its city, or both at the governorate (a place factor of at least 0.9). Another
named place nearby or a governorate-level report is too weak for two descriptions of one event:
a clash "on the Qamhana front" and the capture of Suran 8 km away, or the army's retaking
"villages in the Hama countryside" and that clash, are different events.

**Time** (:func:`time_factor`), by ``occurred_on`` and ACLED time precision (1 day, 2 week,
3 month); the allowance is the coarser side's (1, 7 or 31 days):

- same date 1.0;
- both day-precise and one day apart: 0.8 when the reports were published within
  :data:`OVERNIGHT_HOURS` of each other (an overnight event dated by two time zones or by
  "yesterday" after midnight), otherwise different events (the next day's shelling);
- week or month precision: ``1 - 0.4 * gap / allowance`` within the allowance.

**Actors** (:func:`actor_factor`): sharing an actor name (in any role) 1.0 — "HTS took Saraqib
from the army" and "the army withdrew from Saraqib" share the army; one side naming nobody 0.85;
no name in common 0.75. Different names are weak evidence, not a veto: each side's report often
names only itself or only its enemy (the rebels' claim names the rebels, the ministry's
statement the army), and the understander names the same group generically or specifically.

The threshold 0.55 admits, for example, a capture and a withdrawal (0.9) in the same town on the
same day sharing an actor (0.9 in all) or each naming only its own side (0.675), or a
governorate-level report (0.7) of the same sub-event on the same date naming nobody (x 0.85 =
0.595); it rejects a day-apart report published a day later, and a
governorate-level report one day apart with other actors (0.7 x 0.8 x 0.75 = 0.42). The numbers
follow the rules' intent and were checked on the development set, on its gold coding and end to
end (``python -m sitrep.dedupe.evaluate``).
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass
from typing import Final

from sitrep.dedupe.canonical import Profile, day_of
from sitrep.records.model import EventCandidate, Location
from sitrep.understand.taxonomy import (
    ARMED_CLASH,
    EVENT_TYPE_OF,
    EXCESSIVE_FORCE,
    GOVERNMENT_REGAINS_TERRITORY,
    NON_STATE_OVERTAKES_TERRITORY,
    NON_VIOLENT_TRANSFER,
    PEACEFUL_PROTEST,
    PROTEST_WITH_INTERVENTION,
    SUB_EVENT_TYPES,
    VIOLENT_DEMONSTRATION,
)

MERGE_THRESHOLD: Final = 0.55
SAME_PLACE: Final = 0.9
"""The least place factor at which different sub-event types may merge (one place)."""
OVERNIGHT_HOURS: Final = 12
EARTH_RADIUS_KM: Final = 6371.0088

_TERRITORY_CHANGES: Final = (
    NON_STATE_OVERTAKES_TERRITORY,
    GOVERNMENT_REGAINS_TERRITORY,
    NON_VIOLENT_TRANSFER,
)
_DEMONSTRATIONS: Final = (
    PEACEFUL_PROTEST,
    PROTEST_WITH_INTERVENTION,
    EXCESSIVE_FORCE,
    VIOLENT_DEMONSTRATION,
)


def _pairs() -> dict[frozenset[str], float]:
    pairs: dict[frozenset[str], float] = {}
    for a in _DEMONSTRATIONS:
        for b in _DEMONSTRATIONS:
            if a != b:
                pairs[frozenset((a, b))] = 0.85
    for taken in (NON_STATE_OVERTAKES_TERRITORY, GOVERNMENT_REGAINS_TERRITORY):
        pairs[frozenset((NON_VIOLENT_TRANSFER, taken))] = 0.9
    pairs[frozenset((NON_STATE_OVERTAKES_TERRITORY, GOVERNMENT_REGAINS_TERRITORY))] = 0.7
    for change in _TERRITORY_CHANGES:
        pairs[frozenset((ARMED_CLASH, change))] = 0.8
    return pairs


TYPE_PAIRS: Final = _pairs()
"""Unordered pairs of different sub-event types that can be one event, with their factor."""


def _families() -> dict[str, str]:
    family = {sub: sub for subs in SUB_EVENT_TYPES.values() for sub in subs}
    for pair in TYPE_PAIRS:
        a, b = sorted(pair)
        root_a, root_b = family[a], family[b]
        for sub, root in family.items():
            if root == root_b:
                family[sub] = root_a
    return family


SUB_EVENT_FAMILY: Final = _families()
"""Sub-event type -> its family: the connected groups of :data:`TYPE_PAIRS`. Only events of the
candidate's family are compared with it (the index of the cell state)."""


def family_of(event_type: str, sub_event_type: str) -> str:
    """The matching family of a coding (its event type when the sub-event type is unknown)."""
    family = SUB_EVENT_FAMILY.get(sub_event_type)
    if family is None or EVENT_TYPE_OF.get(sub_event_type) != event_type:
        return event_type
    return family


def families_to_search(event_type: str, sub_event_type: str) -> tuple[str, ...]:
    """The families whose events a candidate of this coding may merge with: its own and its
    event type's (events coded without a valid sub-event type), or, for a candidate without a
    valid sub-event type, every family of its event type."""
    if EVENT_TYPE_OF.get(sub_event_type) == event_type:
        return (SUB_EVENT_FAMILY[sub_event_type], event_type)
    subs = SUB_EVENT_TYPES.get(event_type, ())
    return (event_type, *dict.fromkeys(SUB_EVENT_FAMILY[sub] for sub in subs))


def type_factor(a_type: str, a_sub: str, b_type: str, b_sub: str) -> float:
    """How well two codings agree (0.0 = incompatible); see the module docstring."""
    if a_sub == b_sub and a_type == b_type:
        return 1.0
    a_valid = EVENT_TYPE_OF.get(a_sub) == a_type
    b_valid = EVENT_TYPE_OF.get(b_sub) == b_type
    if not (a_valid and b_valid):
        return 0.8 if a_type == b_type else 0.0
    return TYPE_PAIRS.get(frozenset((a_sub, b_sub)), 0.0)


def distance_km(a: Location, b: Location) -> float:
    """Great-circle distance between two locations (haversine)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a.latitude, a.longitude, b.latitude, b.longitude))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def is_vague(location: Location | None) -> bool:
    """True for no place, or a place known only to the country."""
    return location is None or not location.admin1


@dataclass(frozen=True, slots=True)
class PlaceFit:
    factor: float
    distance_km: float | None
    vague: bool = False
    nearby: bool = False
    """Another named place within the precision-2 reach: only the same sub-event type."""


def _within(district: str, city: str) -> bool:
    """ACLED names a city's district ``"{city} - {district}"``."""
    return district.casefold().startswith(f"{city.casefold()} - ")


def place_factor(a: Location | None, b: Location | None) -> PlaceFit | None:
    """How well two places agree, or ``None`` when they are different places."""
    if a is None or b is None or is_vague(a) or is_vague(b):
        km = distance_km(a, b) if a is not None and b is not None else None
        return PlaceFit(0.6, km, vague=True)
    if a.geonames_id is not None and a.geonames_id == b.geonames_id:
        return PlaceFit(1.0, 0.0)
    km = distance_km(a, b)
    if _within(a.name, b.name) or _within(b.name, a.name):
        return PlaceFit(0.9, km)
    coarse = max(a.geo_precision, b.geo_precision)
    if min(a.geo_precision, b.geo_precision) >= 3:
        return PlaceFit(0.9, km)
    if coarse >= 3:
        return PlaceFit(0.7, km)
    same_name = a.geonames_id is None or b.geonames_id is None
    if same_name and a.name.casefold() == b.name.casefold() and km <= 30:
        return PlaceFit(1.0, km)
    if coarse == 2:
        return PlaceFit(0.85, km, nearby=True) if km <= 10 else None
    return PlaceFit(0.85, km) if km <= 3 else None


_ALLOWANCE_DAYS: Final = {1: 1, 2: 7, 3: 31}


def time_factor(
    a_day: int, a_precision: int, b_day: int, b_precision: int, publication_gap_hours: float
) -> float:
    """How well two dates agree (0.0 = different events); see the module docstring."""
    gap = abs(a_day - b_day)
    if gap == 0:
        return 1.0
    allowance = max(_ALLOWANCE_DAYS.get(a_precision, 31), _ALLOWANCE_DAYS.get(b_precision, 31))
    if gap > allowance:
        return 0.0
    if allowance == 1:
        return 0.8 if publication_gap_hours <= OVERNIGHT_HOURS else 0.0
    return 1.0 - 0.4 * gap / allowance


def actor_factor(names: Collection[str], other_names: Collection[str]) -> float:
    """How well two sets of actor names agree; see the module docstring."""
    if any(name in other_names for name in names):
        return 1.0
    if not names or not other_names:
        return 0.85
    return 0.75


@dataclass(frozen=True, slots=True)
class Match:
    """A candidate's fit to an event: ``score`` and what it was computed from."""

    score: float
    distance_km: float | None
    time_gap_hours: float
    shared_actors: tuple[str, ...]


def match(
    candidate: EventCandidate, published: int, event: Profile, *, copy: bool = False
) -> Match | None:
    """The fit of ``candidate`` (of a report published at ``published``, epoch seconds) to an
    open event, or ``None`` when a rule says they are different events. ``time_gap_hours`` is
    the gap between the two ``occurred_on`` dates in hours (0 for the same day).

    ``copy``: the candidate comes from a copy of a report in this event. A copy repeats its
    origin's words, so a date one day off is read as the same day whenever it was published (a
    repost a day later reads "yesterday" differently), and a vague place needs no shared actor;
    dates further apart are still different events (a channel's template post of another day)."""
    kind = type_factor(
        candidate.event_type, candidate.sub_event_type, event.event_type, event.sub_event_type
    )
    if kind == 0.0:
        return None
    place = place_factor(candidate.location, event.location)
    if place is None or (kind < 1.0 and (place.nearby or place.factor < SAME_PLACE)):
        return None
    day = day_of(candidate.occurred_on)
    if published < event.first_activity:
        pub_gap = event.first_activity - published
    else:
        pub_gap = max(0, published - event.last_activity)
    when = time_factor(
        day,
        candidate.time_precision,
        event.day,
        event.time_precision,
        0 if copy else pub_gap / 3600,
    )
    if when == 0.0:
        return None
    names = tuple(a.name for a in candidate.actors)
    shared = tuple(sorted({name for name in names if name in event.actor_names}))
    if place.vague and not shared and not copy:
        return None
    who = actor_factor(names, event.actor_names)
    return Match(
        score=round(kind * place.factor * when * who, 4),
        distance_km=None if place.distance_km is None else round(place.distance_km, 2),
        time_gap_hours=abs(day - event.day) * 24.0,
        shared_actors=shared,
    )

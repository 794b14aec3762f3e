"""An event's canonical coding — type, place, date, actors, fatalities — from its members.

Each field is voted on by voices (a source counts once however many copies of its post arrive);
ties go to what arrived first, so the result depends only on the members and their order:

- *type*: the (event type, sub-event type) with the most voices;
- *place*: the most precise location (lowest ACLED geo precision), then the one with the most
  voices (same GeoNames id, or same name when there is none);
- *date*: the ``occurred_on`` with the most voices, ties to the earlier date; the time precision
  is the finest any member gives;
- *actors*: every actor named by a member, in order of first mention, each name once;
- *fatalities*: ACLED's conservative rule — the lowest non-zero count given by an independent
  report, or by any member when no independent report gives one; 0 when nobody counts deaths.

Members that vote: the active affirming ones; when there are none (a denial-only or retracted
event), the active ones; when there are none either, all of them — a retracted event keeps the
coding it had.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from sitrep.dedupe.corroboration import is_independent_report
from sitrep.dedupe.member import Member
from sitrep.records.model import Actor, Location

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True, slots=True)
class Profile:
    """The canonical coding of an event plus what matching needs (all derived, never stored).

    ``day`` is ``occurred_on`` as a proleptic ordinal; ``first_activity`` / ``last_activity``
    the earliest and latest publication time of any member (epoch seconds);
    ``active_reports`` the report ids of active members (a report never joins an event twice).
    Collections are tuples, not sets: they are tiny, and an open event is kept for days.
    """

    event_type: str
    sub_event_type: str
    occurred_on: str
    day: int
    time_precision: int
    location: Location | None
    actors: tuple[Actor, ...]
    actor_names: tuple[str, ...]
    fatalities: int
    claimed_by: tuple[str, ...]
    first_activity: int
    last_activity: int
    active_reports: tuple[str, ...]


def voting_members(members: Sequence[Member]) -> Sequence[Member]:
    """The members whose candidates decide the coding (see the module docstring)."""
    active = [m for m in members if not m.withdrawn]
    affirming = [m for m in active if m.affirms]
    return affirming or active or members


def _vote(
    members: Sequence[Member],
    key: Callable[[Member], K],
    prefer: Callable[[K], int] = lambda _value: 0,
) -> K:
    """The value with the most voices; among equals the highest ``prefer``, then the first."""
    support: dict[K, set[str]] = {}
    for member in members:
        support.setdefault(key(member), set()).add(member.voice)
    return max(support, key=lambda value: (len(support[value]), prefer(value)))


def _place_key(location: Location) -> tuple[int | str, ...]:
    if location.geonames_id is not None:
        return (location.geonames_id,)
    return (location.name.casefold(), (location.admin1 or "").casefold())


def day_of(occurred_on: str) -> int:
    """``occurred_on`` (an ISO date, or a time whose date part is used) as a day number."""
    return date.fromisoformat(occurred_on[:10]).toordinal()


def _location(members: Sequence[Member]) -> Location | None:
    placed = [m for m in members if m.candidate.location is not None]
    if not placed:
        return None
    finest = min(m.candidate.location.geo_precision for m in placed if m.candidate.location)
    precise = [
        m for m in placed if m.candidate.location and m.candidate.location.geo_precision == finest
    ]
    key = _vote(precise, lambda m: _place_key(m.candidate.location) if m.candidate.location else ())
    for member in precise:
        if member.candidate.location is not None and _place_key(member.candidate.location) == key:
            return member.candidate.location
    return None  # unreachable: the key was voted from these members


def _actors(members: Sequence[Member]) -> tuple[Actor, ...]:
    seen: dict[str, Actor] = {}
    for member in members:
        for actor in member.candidate.actors:
            seen.setdefault(actor.name, actor)
    return tuple(seen.values())


def _fatalities(members: Sequence[Member]) -> int:
    independent = [
        m.candidate.fatalities
        for m in members
        if m.candidate.fatalities > 0 and is_independent_report(m)
    ]
    counts = independent or [m.candidate.fatalities for m in members if m.candidate.fatalities > 0]
    return min(counts) if counts else 0


def profile(members: Sequence[Member]) -> Profile:
    """The canonical coding of a non-empty sequence of members, in arrival order."""
    if not members:
        raise ValueError("an event has at least one member")
    voters = voting_members(members)
    event_type, sub_event_type = _vote(
        voters, lambda m: (m.candidate.event_type, m.candidate.sub_event_type)
    )
    day = _vote(voters, lambda m: day_of(m.candidate.occurred_on), prefer=lambda d: -d)
    actors = _actors(voters)
    active = [m for m in members if not m.withdrawn]
    return Profile(
        event_type=event_type,
        sub_event_type=sub_event_type,
        occurred_on=date.fromordinal(day).isoformat(),
        day=day,
        time_precision=min(m.candidate.time_precision for m in voters),
        location=_location(voters),
        actors=actors,
        actor_names=tuple(a.name for a in actors),
        fatalities=_fatalities(voters),
        claimed_by=tuple(
            sorted({m.candidate.claimed_by for m in voters if m.affirms and m.candidate.claimed_by})
        ),
        first_activity=min(m.activity for m in members),
        last_activity=max(m.activity for m in members),
        active_reports=tuple(dict.fromkeys(m.report_id for m in active)),
    )

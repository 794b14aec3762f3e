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
from dataclasses import dataclass, field
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
    # the votes behind the coding, while the voters are the active affirming members (the
    # usual case): a member that joins then updates the coding without a recount (``joined``)
    tally: Tally | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Tally:
    """The votes of an event's voters, per value in order of first appearance (see
    :func:`_vote`): types, days, the places of the finest precision (and the first location
    named for each), actors by name, the lowest fatality counts, who claimed it."""

    types: dict[tuple[str, str], frozenset[str]]
    days: dict[int, frozenset[str]]
    finest: int | None
    places: dict[tuple[int | str, ...], frozenset[str]]
    place_first: dict[tuple[int | str, ...], Location]
    actors: dict[str, Actor]
    fatalities_independent: int
    fatalities_any: int
    claimed_by: frozenset[str]

    @classmethod
    def empty(cls) -> Tally:
        return cls({}, {}, None, {}, {}, {}, 0, 0, frozenset())

    def add(self, member: Member) -> Tally:
        """The tally with ``member`` voting too (a new value goes last)."""
        c = member.candidate
        voice = member.voice
        types = _with_voice(self.types, (c.event_type, c.sub_event_type), voice)
        days = _with_voice(self.days, day_of(c.occurred_on), voice)
        finest, places, place_first = self.finest, self.places, self.place_first
        location = c.location
        if location is not None:
            precision = location.geo_precision
            key = _place_key(location)
            if finest is None or precision < finest:
                finest, places, place_first = precision, {key: frozenset((voice,))}, {key: location}
            elif precision == finest:
                places = _with_voice(places, key, voice)
                if key not in place_first:
                    place_first = {**place_first, key: location}
        actors = self.actors
        if any(a.name not in actors for a in c.actors):
            actors = dict(actors)
            for actor in c.actors:
                actors.setdefault(actor.name, actor)
        independent, anyone = self.fatalities_independent, self.fatalities_any
        if c.fatalities > 0:
            anyone = c.fatalities if anyone == 0 else min(anyone, c.fatalities)
            if is_independent_report(member):
                independent = c.fatalities if independent == 0 else min(independent, c.fatalities)
        claimed = self.claimed_by
        if member.affirms and c.claimed_by and c.claimed_by not in claimed:
            claimed = claimed | {c.claimed_by}
        return Tally(types, days, finest, places, place_first, actors, independent, anyone, claimed)


def _with_voice(support: dict[K, frozenset[str]], key: K, voice: str) -> dict[K, frozenset[str]]:
    voices = support.get(key)
    if voices is not None and voice in voices:
        return support
    return {**support, key: frozenset((voice,)) if voices is None else voices | {voice}}


def _winner(support: dict[K, frozenset[str]], prefer: Callable[[K], int] = lambda _v: 0) -> K:
    return max(support, key=lambda value: (len(support[value]), prefer(value)))


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


def joined(before: Profile, members: Sequence[Member]) -> Profile:
    """``profile(members)`` where ``members`` are the members ``before`` was made of plus a
    last one: without a recount when ``before`` kept its tally and the new member is active
    and affirming (the voters are then the same plus it), else counted again."""
    member = members[-1]
    tally = before.tally
    if tally is None or member.withdrawn or not member.affirms:
        return profile(members)
    return _from_tally(
        tally.add(member),
        time_precision=min(before.time_precision, member.candidate.time_precision),
        first_activity=min(before.first_activity, member.activity),
        last_activity=max(before.last_activity, member.activity),
        active_reports=before.active_reports
        if member.report_id in before.active_reports
        else (*before.active_reports, member.report_id),
    )


def _from_tally(
    tally: Tally,
    *,
    time_precision: int,
    first_activity: int,
    last_activity: int,
    active_reports: tuple[str, ...],
) -> Profile:
    event_type, sub_event_type = _winner(tally.types)
    day = _winner(tally.days, prefer=lambda d: -d)
    actors = tuple(tally.actors.values())
    return Profile(
        event_type=event_type,
        sub_event_type=sub_event_type,
        occurred_on=date.fromordinal(day).isoformat(),
        day=day,
        time_precision=time_precision,
        location=tally.place_first[_winner(tally.places)] if tally.places else None,
        actors=actors,
        actor_names=tuple(a.name for a in actors),
        fatalities=tally.fatalities_independent or tally.fatalities_any,
        claimed_by=tuple(sorted(tally.claimed_by)),
        first_activity=first_activity,
        last_activity=last_activity,
        active_reports=active_reports,
        tally=tally,
    )


def profile(members: Sequence[Member]) -> Profile:
    """The canonical coding of a non-empty sequence of members, in arrival order."""
    if not members:
        raise ValueError("an event has at least one member")
    active = [m for m in members if not m.withdrawn]
    affirming = [m for m in active if m.affirms]
    if affirming:  # the usual case: count with a tally that later members can join
        tally = Tally.empty()
        for member in affirming:
            tally = tally.add(member)
        return _from_tally(
            tally,
            time_precision=min(m.candidate.time_precision for m in affirming),
            first_activity=min(m.activity for m in members),
            last_activity=max(m.activity for m in members),
            active_reports=tuple(dict.fromkeys(m.report_id for m in active)),
        )
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

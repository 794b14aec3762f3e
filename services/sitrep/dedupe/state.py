"""The state of one place cell: its open events, the report versions it has seen, and the
fingerprints of recent reports (for copies). A value: never changed after it is built.

:class:`CellState` is what the stream keeps in a faust table (one entry per cell, changelogged as
:meth:`CellState.to_bytes`) and what ``sitrep label`` keeps in a dict. Everything derived —
each event's canonical coding (:class:`~sitrep.dedupe.canonical.Profile`) and the index of events
by type family — is recomputed from the stored fields, never serialized.

Byte format (version 1): the byte ``0x01`` then one JSON array (orjson, no whitespace)::

    [cell, [event...], [report mark...], [fingerprint...]]
    event       = [event_id, version, digest, ever_affirmed, [member...]]
    member      = [candidate, report_id, report_version, source_kind, source_id, source_role,
                   voice, published_at, activity, reason, source_side, outlet, copy_of, url,
                   withdrawn]
    candidate   = [candidate_id, event_type, sub_event_type, occurred_on, time_precision,
                   location | null, [actor...], fatalities, claim_status, claimed_by, stance,
                   salience]
    location    = [name, country, latitude, longitude, geo_precision, geonames_id, admin1,
                   admin2, country_code]
    actor       = [name, inter, role]
    reason      = [rule, score, distance_km, time_gap_hours, [shared_actor...]]
    report mark = [report_id, version, deleted, activity]
    fingerprint = [report_id, fingerprint as hex, exact, voice, activity]

Arrays rather than objects keep the changelog small; the leading byte lets a later format be
told apart. :meth:`CellState.from_bytes` raises :class:`~sitrep.records.codec.RecordError` for
anything else.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from sitrep.dedupe.canonical import Profile, profile
from sitrep.dedupe.compatibility import family_of
from sitrep.dedupe.member import SEED, Member
from sitrep.records.codec import RecordError, encode, encode_kept, loads
from sitrep.records.model import Actor, EventCandidate, Location, MergeReason

FORMAT: Final = b"\x01"


@dataclass(frozen=True, slots=True)
class ReportMark:
    """The newest version of a report this cell has applied (``deleted`` for a tombstone)."""

    version: int
    deleted: bool
    activity: int
    _encoded: bytes | None = field(default=None, init=False, compare=False, repr=False)

    def encoded(self, report_id: str) -> bytes:
        """This mark's element of the state's byte form, as the mark of ``report_id`` (a mark
        belongs to one report: made once, then reused)."""
        data = self._encoded
        if data is None:
            data = encode_kept([report_id, self.version, self.deleted, self.activity])
            object.__setattr__(self, "_encoded", data)
        return data

    def supersedes(self, version: int, deleted: bool) -> bool:
        """True when a report with ``version``/``deleted`` is no news: nothing is news after a
        deletion (a deleted post does not come back); a deletion always is, whatever version
        the tombstone carries; otherwise only a higher version is."""
        if self.deleted:
            return True
        if deleted:
            return False
        return self.version >= version


@dataclass(frozen=True, slots=True)
class TextPrint:
    """A report's text fingerprint, the voice it speaks for, and when it was published."""

    fingerprint: int
    exact: bool
    voice: str
    activity: int
    _encoded: bytes | None = field(default=None, init=False, compare=False, repr=False)

    def encoded(self, report_id: str) -> bytes:
        """This fingerprint's element of the state's byte form, as ``report_id``'s (see
        :meth:`ReportMark.encoded`)."""
        data = self._encoded
        if data is None:
            data = encode_kept(
                [report_id, format(self.fingerprint, "x"), self.exact, self.voice, self.activity]
            )
            object.__setattr__(self, "_encoded", data)
        return data


@dataclass(frozen=True, slots=True)
class OpenEvent:
    """An event as the cell holds it: its members in arrival order and its last emitted version.

    ``digest`` identifies the content of the last emitted version (so an edit that changes
    nothing emits nothing); ``ever_affirmed`` tells a retracted event from a denial-only one.
    Build with :meth:`of`, which derives ``profile``. The event's byte form is kept once made
    (:meth:`encoded`): a cell re-encodes only the events that changed.
    """

    event_id: str
    version: int
    members: tuple[Member, ...]
    digest: int
    ever_affirmed: bool
    profile: Profile = field(compare=False)
    _encoded: bytes | None = field(default=None, init=False, compare=False, repr=False)

    @classmethod
    def of(
        cls,
        event_id: str,
        version: int,
        members: tuple[Member, ...],
        digest: int,
        ever_affirmed: bool,
    ) -> OpenEvent:
        return cls(event_id, version, members, digest, ever_affirmed, profile(members))

    @property
    def family(self) -> str:
        return family_of(self.profile.event_type, self.profile.sub_event_type)

    def encoded(self) -> bytes:
        """This event's element of the byte form (made once, then reused)."""
        if self._encoded is None:
            head = encode([self.event_id, self.version, self.digest, self.ever_affirmed])
            data = b"".join(
                (
                    head[:-1],
                    b",[",
                    b",".join([m.stored_form(member_json) for m in self.members]),
                    b"]]",
                )
            )
            object.__setattr__(self, "_encoded", data)
            return data
        return self._encoded


NO_FLOOR: Final = 2**62  # the floor of an empty state: later than any activity


class CellState:
    """All open events, seen report versions and recent fingerprints of one cell.

    Treat as immutable: :func:`~sitrep.dedupe.cluster.merge_report` and
    :func:`~sitrep.dedupe.cluster.expire` return new states that share unchanged parts with the
    old one. Mappings keep insertion order (events by creation, fingerprints by first sighting),
    which the merge rules rely on for ties, and which the byte form preserves.
    """

    __slots__ = ("_by_family", "cell", "events", "floors", "prints", "reports")

    def __init__(
        self,
        cell: str,
        events: Mapping[str, OpenEvent],
        reports: Mapping[str, ReportMark],
        prints: Mapping[str, TextPrint],
        by_family: Mapping[str, tuple[str, ...]] | None = None,
        *,
        floors: tuple[int, int] | None = None,
    ) -> None:
        self.cell = cell
        self.events = events
        self.reports = reports
        self.prints = prints
        self._by_family = by_family
        # lower bounds (epoch seconds) of the open events' and fingerprints' activity, and of
        # the activity of report marks no open event holds; None: unknown. They let ``expire``
        # see at a glance that nothing is old enough to go (see ``dedupe.cluster.expire``).
        self.floors = floors

    @classmethod
    def empty(cls, cell: str) -> CellState:
        return cls(cell, {}, {}, {}, {}, floors=(NO_FLOOR, NO_FLOOR))

    def __repr__(self) -> str:
        return (
            f"CellState({self.cell!r}, events={len(self.events)}, reports={len(self.reports)}, "
            f"prints={len(self.prints)})"
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CellState):
            return NotImplemented
        return (
            self.cell == other.cell
            and list(self.events.items()) == list(other.events.items())
            and list(self.reports.items()) == list(other.reports.items())
            and list(self.prints.items()) == list(other.prints.items())
        )

    __hash__ = None  # type: ignore[assignment]

    def by_family(self) -> Mapping[str, tuple[str, ...]]:
        """Event ids per type family, in creation order (built once per state, on demand)."""
        if self._by_family is None:
            index: dict[str, list[str]] = {}
            for event_id, event in self.events.items():
                index.setdefault(event.family, []).append(event_id)
            self._by_family = {family: tuple(ids) for family, ids in index.items()}
        return self._by_family

    def event_of(self, candidate_id: str) -> str | None:
        """The id of the open event an active member with ``candidate_id`` belongs to."""
        report_id = candidate_id.rsplit("#", 1)[0]
        for event_id, event in self.events.items():
            if report_id in event.profile.active_reports and any(
                m.candidate.candidate_id == candidate_id and not m.withdrawn for m in event.members
            ):
                return event_id
        return None

    def to_bytes(self) -> bytes:
        """The state in the byte format of the module docstring (deterministic)."""
        return b"".join(
            (
                FORMAT,
                b"[",
                encode(self.cell),
                b",[",
                b",".join(event.encoded() for event in self.events.values()),
                b"],[",
                b",".join([m.encoded(rid) for rid, m in self.reports.items()]),
                b"],[",
                b",".join([p.encoded(rid) for rid, p in self.prints.items()]),
                b"]]",
            )
        )

    @classmethod
    def from_bytes(cls, data: bytes) -> CellState:
        """Rebuild a state from :meth:`to_bytes`; raises ``RecordError`` for other bytes."""
        if not data.startswith(FORMAT):
            raise RecordError(
                f"cell state: unknown format byte {data[:1]!r}; this build reads format 1 "
                "(a newer writer needs a newer sitrep)"
            )
        try:
            cell, events, reports, prints = loads(data[1:])
            load = Loader()
            return cls(
                load.s(cell),
                {event.event_id: event for event in map(load.event, events)},
                {
                    load.s(rid): ReportMark(version, deleted, at)
                    for rid, version, deleted, at in reports
                },
                {
                    load.s(rid): TextPrint(int(fp, 16), exact, load.s(voice), at)
                    for rid, fp, exact, voice, at in prints
                },
            )
        except RecordError:
            raise
        except (ValueError, TypeError, IndexError, KeyError) as exc:
            raise RecordError(f"cell state: corrupt or not a cell state ({exc})") from None


def member_json(m: Member) -> bytes:
    """A member's element of the byte form (kept by the member: :meth:`Member.stored_form`)."""
    return encode_kept(_member(m))


def _member(m: Member) -> list[Any]:
    c = m.candidate
    loc = c.location
    r = m.reason
    return [
        [
            c.candidate_id,
            c.event_type,
            c.sub_event_type,
            c.occurred_on,
            c.time_precision,
            None
            if loc is None
            else [
                loc.name,
                loc.country,
                loc.latitude,
                loc.longitude,
                loc.geo_precision,
                loc.geonames_id,
                loc.admin1,
                loc.admin2,
                loc.country_code,
            ],
            [[a.name, a.inter, a.role] for a in c.actors],
            c.fatalities,
            c.claim_status,
            c.claimed_by,
            c.stance,
            c.salience,
        ],
        m.report_id,
        m.report_version,
        m.source_kind,
        m.source_id,
        m.source_role,
        m.voice,
        m.published_at,
        m.activity,
        [r.rule, r.score, r.distance_km, r.time_gap_hours, list(r.shared_actors)],
        m.source_side,
        m.outlet,
        m.copy_of,
        m.url,
        m.withdrawn,
    ]


class Loader:
    """Rebuilds events and members from their byte form, sharing one object per distinct string,
    location, actor list and seed reason within a state — the same sharing a live state gets
    from the gazetteer and the actor dictionary, so a restored state is no bigger."""

    def __init__(self) -> None:
        self._strings: dict[str, str] = {}
        self._locations: dict[tuple[Any, ...], Location] = {}
        self._actors: dict[tuple[tuple[Any, ...], ...], tuple[Actor, ...]] = {}

    def s(self, value: Any) -> Any:
        if type(value) is not str:
            return value
        return self._strings.setdefault(value, sys.intern(value) if len(value) <= 40 else value)

    def location(self, row: list[Any] | None) -> Location | None:
        if row is None:
            return None
        key = tuple(row)
        found = self._locations.get(key)
        if found is None:
            name, country, lat, lon, precision, geonames_id, admin1, admin2, code = row
            found = Location(
                self.s(name),
                self.s(country),
                float(lat),
                float(lon),
                int(precision),
                geonames_id,
                self.s(admin1),
                self.s(admin2),
                self.s(code),
            )
            self._locations[key] = found
        return found

    def actors(self, rows: list[list[Any]]) -> tuple[Actor, ...]:
        key = tuple(tuple(row) for row in rows)
        found = self._actors.get(key)
        if found is None:
            found = tuple(
                Actor(self.s(name), int(inter), self.s(role)) for name, inter, role in rows
            )
            self._actors[key] = found
        return found

    def reason(self, row: list[Any]) -> MergeReason:
        rule, score, km, gap, shared = row
        if rule == SEED.rule and score == SEED.score and km is None and gap is None and not shared:
            return SEED
        return MergeReason(self.s(rule), float(score), km, gap, tuple(self.s(a) for a in shared))

    def event(self, row: list[Any]) -> OpenEvent:
        """An event from its element of the byte form (``[event_id, version, digest,
        ever_affirmed, [member...]]``)."""
        event_id, version, digest, ever_affirmed, members = row
        return OpenEvent.of(
            self.s(event_id),
            int(version),
            tuple(map(self.member, members)),
            int(digest),
            bool(ever_affirmed),
        )

    def member(self, row: list[Any]) -> Member:
        (
            cand,
            report_id,
            report_version,
            source_kind,
            source_id,
            source_role,
            voice,
            published_at,
            activity,
            reason,
            side,
            outlet,
            copy_of,
            url,
            withdrawn,
        ) = row
        (
            cid,
            etype,
            sub,
            occurred,
            tprec,
            loc,
            actors,
            fatalities,
            status,
            claimed_by,
            stance,
            sal,
        ) = cand
        s = self.s
        candidate = EventCandidate(
            cid,
            s(etype),
            s(sub),
            s(occurred),
            int(tprec),
            self.location(loc),
            self.actors(actors),
            int(fatalities),
            s(status),
            s(claimed_by),
            s(stance),
            float(sal),
        )
        return Member(
            candidate,
            s(report_id),
            int(report_version),
            s(source_kind),
            s(source_id),
            s(source_role),
            s(voice),
            published_at,
            int(activity),
            self.reason(reason),
            s(side),
            s(outlet),
            s(copy_of),
            url,
            bool(withdrawn),
        )


def reindexed(
    index: Mapping[str, tuple[str, ...]] | None,
    before: Mapping[str, OpenEvent],
    after: Mapping[str, OpenEvent],
    changed: Iterable[str],
) -> dict[str, tuple[str, ...]] | None:
    """The family index of ``after`` from the index of ``before`` and the ids that changed
    (added, modified or removed); ``None`` when there is no index to update (built on demand)."""
    if index is None:
        return None
    out = dict(index)
    for event_id in changed:
        old = before.get(event_id)
        new = after.get(event_id)
        old_family = old.family if old is not None else None
        new_family = new.family if new is not None else None
        if old_family == new_family:
            continue
        if old_family is not None:
            out[old_family] = tuple(e for e in out[old_family] if e != event_id)
        if new_family is not None:
            ids = out.get(new_family, ())
            if old is None:
                out[new_family] = (*ids, event_id)
            else:  # keep creation order: the event moved families, it was not created now
                order = {e: n for n, e in enumerate(after)}
                out[new_family] = tuple(sorted((*ids, event_id), key=order.__getitem__))
    return out

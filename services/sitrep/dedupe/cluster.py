"""Same-event clustering in one place cell: reports in, new event versions out. Pure.

:func:`merge_report` is the whole processor step after understanding; the faust agent calls it
with the cell's state from its table, ``sitrep label`` with a dict (through
:class:`~sitrep.dedupe.ledger.EventLedger`). For each of the report's candidates that falls in
the cell, in the report's order:

1. *copies* — a report that copies a report seen before (a forward naming its origin, or a text
   whose fingerprint is within :data:`~sitrep.dedupe.copies.COPY_MAX_DISTANCE` of an earlier
   one in the cell, the first one seen) speaks with its origin's voice; its candidate joins the
   event its origin's compatible candidate is in, with rule ``forward`` or ``repost`` and the
   text similarity as score (type and place must still agree). A forward of a post this cell
   has not seen, and whose text matches nothing here, speaks with the voice of the forwarded
   channel and is matched like any report;
2. *same event* — otherwise the candidate joins the open event it fits best
   (:func:`~sitrep.dedupe.compatibility.match`) with rule ``same_event``, when the fit reaches
   :data:`~sitrep.dedupe.compatibility.MERGE_THRESHOLD` — the report's own earlier candidates
   included: a story that tells one capture as "the rebels took the city" and "the army
   withdrew" gives one event with two links (its voice still counts once);
3. otherwise it *seeds* a new event (rule ``seed``) whose id is a hash of the candidate id and
   the report version, so a replay or another worker derives the same id.

Every link keeps its :class:`~sitrep.records.model.MergeReason`. Events never merge with each
other after the fact: a report that would bridge two events joins the better one.

Versions: an event that changed (a member joined, left, or an edit changed its coding) is
re-rendered; when its content differs from the last emitted version it is returned with
``version + 1`` (new events start at 1). :func:`merge_report` is :func:`absorb` (the merge)
then :func:`publish` (the versions); the stream absorbs all reports of a candidates record and
publishes once, so an event that several of them join gets one version, not one per report
(each version carries all of the event's links: per report, a busy event cost as much as its
size, again and again). Idempotence: a report version the cell has applied
already (or an older one, or anything after its deletion) changes nothing and returns no
events — at-least-once delivery is safe. A newer version of a report withdraws its old
candidates from their events and merges the new ones; a deleted report withdraws them for good
(an event left without support becomes ``retracted``).

State stays bounded with :func:`expire`, by event time (publication time of the reports), so a
replay expires exactly as the live run did. A report's mark (its id and version, a few dozen
bytes) outlives its event by :data:`MARK_WINDOWS` windows, so a redelivery that reaches back
past the window (a rewind or a restart during a fast backfill, where minutes of input span days
of publication time) is still recognised and opens no second event.

Order: the outcome depends on the order in which reports reach the cell only through which
report arrives first — it seeds the event (and so names it) and wins ties between equally good
events. The same reports in the same order always give the same events, ids and versions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from hashlib import blake2b
from typing import Final

from sitrep.dedupe import copies
from sitrep.dedupe.canonical import joined
from sitrep.dedupe.cells import place_cell
from sitrep.dedupe.compatibility import MERGE_THRESHOLD, Match, families_to_search, match
from sitrep.dedupe.corroboration import claim_status, corroboration, origin_voice, source_voice
from sitrep.dedupe.member import SEED, Member
from sitrep.dedupe.state import NO_FLOOR, CellState, OpenEvent, ReportMark, TextPrint, reindexed
from sitrep.records.codec import encode
from sitrep.records.model import Event, EventCandidate, MergeReason, Report
from sitrep.records.times import parse_iso, to_iso


def event_id_for(candidate_id: str, report_version: int) -> str:
    """The id of the event a candidate seeds: ``"ev-"`` + 16 hex digits, deterministic."""
    digest = blake2b(f"{candidate_id}@{report_version}".encode(), digest_size=8)
    return f"ev-{digest.hexdigest()}"


def render(event: OpenEvent, version: int, updated_at: str) -> Event:
    """The :class:`Event` record of an open event (links of active members, in arrival order)."""
    p = event.profile
    members = event.members
    first = min(members, key=lambda m: m.activity)
    last = max(members, key=lambda m: m.activity)
    return Event(
        event_id=event.event_id,
        version=version,
        event_type=p.event_type,
        sub_event_type=p.sub_event_type,
        occurred_on=p.occurred_on,
        time_precision=p.time_precision,
        location=p.location,
        actors=p.actors,
        fatalities=p.fatalities,
        claim_status=claim_status(members, event.ever_affirmed),
        corroboration=corroboration(members),
        reports=tuple(m.link() for m in members if not m.withdrawn),
        first_seen=first.published_at,
        last_seen=last.published_at,
        updated_at=updated_at,
        claimed_by=p.claimed_by,
    )


def content_digest(draft: Event) -> int:
    """A 64-bit digest of what an event says: ``draft`` rendered with version 0 and an empty
    ``updated_at``, so that only content changes the digest."""
    return _digest(encode(draft))


def _digest(data: bytes) -> int:
    return int.from_bytes(blake2b(data, digest_size=8).digest(), "big")


_NO_REPORTS: Final = b'"reports":[]'


def event_json(event: Event, links: Iterable[bytes]) -> bytes:
    """``encode(event)`` from the JSON of its links (``links``, in order: each member keeps
    its own, :meth:`Member.link_json`), so that a version of a busy event does not encode its
    hundreds of links again. Byte for byte the same."""
    head = encode(replace(event, reports=()))
    at = head.index(_NO_REPORTS) + len(_NO_REPORTS) - 1  # a key: quotes in values are escaped
    return b"".join((head[:at], b",".join(links), head[at:]))


@dataclass(frozen=True, slots=True)
class _Origin:
    """The earlier report a copy repeats: its id, its voice, how it was found."""

    report_id: str
    voice: str
    rule: str
    similarity: float


def _find_copy_origin(
    prints: Mapping[str, TextPrint], report: Report, fingerprint: int, exact: bool
) -> _Origin | None:
    """The report of this cell that ``report`` copies: the one its forward header names, else
    the first one seen with a near-identical text. Rule ``forward`` (the report's
    ``copy_reason``) when the report says it is a copy, ``repost`` when only its text does."""
    rule = (report.copy_reason or "forward") if report.origin_id is not None else "repost"
    if report.origin_id is not None and report.origin_id in prints:
        origin = prints[report.origin_id]
        return _Origin(
            report.origin_id, origin.voice, rule, copies.similarity(fingerprint, origin.fingerprint)
        )
    if fingerprint == 0:
        return None
    own = report.report_id
    if exact:
        for report_id, seen in prints.items():
            if seen.fingerprint == fingerprint and report_id != own:
                return _Origin(report_id, seen.voice, rule, 1.0)
        return None
    # every report of the cell in its window, for every report: copies.distance inlined (both
    # fingerprints have 128 bits at most), the cheap test first
    most = copies.COPY_MAX_DISTANCE
    for report_id, seen in prints.items():
        if (fingerprint ^ seen.fingerprint).bit_count() <= most and report_id != own:
            if not seen.exact:
                return _Origin(
                    report_id, seen.voice, rule, copies.similarity(fingerprint, seen.fingerprint)
                )
            if seen.fingerprint == fingerprint:
                return _Origin(report_id, seen.voice, rule, 1.0)
    return None


def _best(
    events: Mapping[str, OpenEvent],
    event_ids: Iterable[str],
    candidate: EventCandidate,
    activity: int,
    *,
    copy: bool = False,
) -> tuple[str, Match] | None:
    best: tuple[str, Match] | None = None
    for event_id in event_ids:
        event = events.get(event_id)
        if event is None:
            continue
        fit = match(candidate, activity, event.profile, copy=copy)
        if fit is not None and (best is None or fit.score > best[1].score):
            best = (event_id, fit)
    return best


def _withdrawn(members: Iterable[Member], report_id: str) -> tuple[Member, ...]:
    return tuple(
        replace(m, withdrawn=True) if m.report_id == report_id and not m.withdrawn else m
        for m in members
    )


def _joined(members: tuple[Member, ...], member: Member) -> tuple[Member, ...]:
    """``members`` with ``member`` added. Members an earlier version of the same report left
    here (withdrawn) give way: the one with the same candidate id is replaced in place and keeps
    its reason (it is still here for the same reason), so an edit that changes nothing leaves
    the event as it was."""
    out: list[Member] = []
    placed = False
    for m in members:
        if m.report_id != member.report_id or not m.withdrawn:
            out.append(m)
        elif not placed and m.candidate.candidate_id == member.candidate.candidate_id:
            out.append(replace(member, reason=m.reason))
            placed = True
    if not placed:
        out.append(member)
    return tuple(out)


def kept_candidate(candidate: EventCandidate) -> EventCandidate:
    """The candidate as state keeps it: without its evidence snippet (events do not show it;
    the stream's candidates records leave it out too)."""
    if not candidate.evidence:
        return candidate
    c = candidate
    return EventCandidate(
        c.candidate_id,
        c.event_type,
        c.sub_event_type,
        c.occurred_on,
        c.time_precision,
        c.location,
        c.actors,
        c.fatalities,
        c.claim_status,
        c.claimed_by,
        c.stance,
        c.salience,
    )


@dataclass(frozen=True, slots=True)
class _Speaker:
    """Who a report speaks for: its voice, the report it copies, the copy's origin here."""

    voice: str
    copy_of: str | None
    origin: _Origin | None


def _speaker(report: Report, origin: _Origin | None) -> _Speaker:
    # A forward header is the authority on what was copied; the text match on whose voice.
    copy_of = report.origin_id or (origin.report_id if origin is not None else None)
    if origin is not None:
        voice = origin.voice
    elif report.origin_id is not None:
        voice = origin_voice(report.origin_id)
    else:
        voice = source_voice(report.source_kind, report.source_id)
    return _Speaker(voice, copy_of, origin)


def _place(
    events: Mapping[str, OpenEvent],
    index: Mapping[str, tuple[str, ...]],
    touched: Iterable[str],
    candidate: EventCandidate,
    *,
    report: Report,
    activity: int,
    speaker: _Speaker,
) -> tuple[str, MergeReason] | None:
    """The open event ``candidate`` joins and why, or ``None`` when it seeds a new one."""
    origin = speaker.origin
    if origin is not None:
        holding = [e for e, ev in events.items() if origin.report_id in ev.profile.active_reports]
        found = _best(events, holding, candidate, activity, copy=True)
        if found is not None:
            event_id, fit = found
            return event_id, MergeReason(
                origin.rule,
                round(origin.similarity, 4),
                fit.distance_km,
                fit.time_gap_hours,
                fit.shared_actors,
            )
    searched = dict.fromkeys(
        e
        for family in families_to_search(candidate.event_type, candidate.sub_event_type)
        for e in index.get(family, ())
    )
    searched.update(dict.fromkeys(touched))
    found = _best(events, searched, candidate, activity)
    if found is None or found[1].score < MERGE_THRESHOLD:
        return None
    event_id, fit = found
    return event_id, MergeReason(
        "same_event", fit.score, fit.distance_km, fit.time_gap_hours, fit.shared_actors
    )


def merge_report(
    state: CellState | None,
    report: Report,
    cell: str,
    now: datetime,
    text_print: tuple[int, bool] | None = None,
) -> tuple[CellState, list[Event]]:
    """Merge ``report``'s candidates that fall in ``cell`` into the cell's open events.

    Returns the new state (``state`` itself when nothing changed) and every event whose content
    changed, each with its version raised by one, in creation order; ``now`` is the processing
    time written as ``updated_at``. Raises ``ValueError`` when ``state`` belongs to another cell
    or the report's publication time is not an ISO time. The same as :func:`absorb` then
    :func:`publish` of the events it touched.
    """
    merged, touched = absorb(state, report, cell, text_print)
    if not touched:
        return merged, []
    published, versions = publish(merged, touched, now)
    return published, [event for event, _ in versions]


def publish(
    state: CellState, event_ids: Iterable[str], now: datetime
) -> tuple[CellState, list[tuple[Event, bytes]]]:
    """Emit the events ``event_ids`` of ``state`` whose content differs from their last emitted
    version: each with its version raised by one (``now`` as ``updated_at``), in the order of
    ``event_ids``; ids no longer in the state are skipped. Returns the state that records the
    new versions (``state`` itself when none changed) and the events, each with its record
    (``encode(event)``).

    Several reports absorbed before one publish give one new version per event instead of one
    per report (the stream publishes once per candidates record: a replay of the record gives
    the same versions)."""
    updated_at = to_iso(now)
    emitted: list[tuple[Event, bytes]] = []
    events: dict[str, OpenEvent] | None = None
    for event_id in event_ids:
        event = state.events.get(event_id)
        if event is None:
            continue
        draft = render(event, 0, "")
        links = [m.link_json() for m in event.members if not m.withdrawn]
        digest = _digest(event_json(draft, links))
        if digest == event.digest:
            continue
        if events is None:
            events = dict(state.events)
        version = event.version + 1
        events[event_id] = OpenEvent(
            event_id, version, event.members, digest, event.ever_affirmed, event.profile
        )
        final = replace(draft, version=version, updated_at=updated_at)
        emitted.append((final, event_json(final, links)))
    if events is None:
        return state, emitted
    published = CellState(
        state.cell, events, state.reports, state.prints, state.by_family(), floors=state.floors
    )
    return published, emitted


def absorb(
    state: CellState | None,
    report: Report,
    cell: str,
    text_print: tuple[int, bool] | None = None,
) -> tuple[CellState, tuple[str, ...]]:
    """Merge ``report`` into ``cell``'s state without emitting anything: the new state (the
    events it changed keep their last emitted version until :func:`publish`) and the ids of the
    events it touched, in order. A report the cell has applied already (or an older version)
    returns ``state`` itself (``CellState.empty`` for ``None``) and no ids. Raises like
    :func:`merge_report`.

    ``text_print``: ``copies.fingerprint_and_kind(report.text)`` when the caller has it (the
    stream's candidates carry it instead of the text); computed from the text otherwise."""
    if state is None:
        state = CellState.empty(cell)
    elif state.cell != cell:
        raise ValueError(f"state of cell {state.cell!r} given for cell {cell!r}")
    mark = state.reports.get(report.report_id)
    if mark is not None and mark.supersedes(report.version, report.deleted):
        return state, ()
    published_at = report.published_at or report.collected_at
    activity = int(parse_iso(published_at).timestamp())

    events: dict[str, OpenEvent] = dict(state.events)
    touched: dict[str, None] = {}
    if mark is not None:  # a new version or a deletion: the old candidates leave
        for event_id, event in state.events.items():
            if report.report_id in event.profile.active_reports:
                events[event_id] = OpenEvent.of(
                    event_id,
                    event.version,
                    _withdrawn(event.members, report.report_id),
                    event.digest,
                    event.ever_affirmed,
                )
                touched[event_id] = None

    prints: Mapping[str, TextPrint] = state.prints
    candidates = (
        [] if report.deleted else [c for c in report.candidates if place_cell(c.location) == cell]
    )
    if candidates:
        fingerprint, exact = (
            copies.fingerprint_and_kind(report.text) if text_print is None else text_print
        )
        speaker = _speaker(report, _find_copy_origin(state.prints, report, fingerprint, exact))
        prints = {
            **state.prints,
            report.report_id: TextPrint(fingerprint, exact, speaker.voice, activity),
        }
        index = state.by_family()
        for candidate in candidates:
            placed = _place(
                events, index, touched, candidate, report=report, activity=activity, speaker=speaker
            )
            member = Member(
                candidate=kept_candidate(candidate),
                report_id=report.report_id,
                report_version=report.version,
                source_kind=report.source_kind,
                source_id=report.source_id,
                source_role=report.source_role,
                voice=speaker.voice,
                published_at=published_at,
                activity=activity,
                reason=SEED if placed is None else placed[1],
                source_side=report.source_side,
                outlet=report.outlet,
                copy_of=speaker.copy_of,
                url=report.url,
            )
            affirms = candidate.stance == "affirm"
            if placed is None:
                event_id = event_id_for(candidate.candidate_id, report.version)
                events[event_id] = OpenEvent.of(event_id, 0, (member,), 0, affirms)
            else:
                event_id = placed[0]
                old = events[event_id]
                members = _joined(old.members, member)
                ever_affirmed = old.ever_affirmed or affirms
                if len(members) == len(old.members) + 1 and members[-1] is member:
                    # appended: the coding follows from the old one and the new member
                    events[event_id] = OpenEvent(
                        event_id,
                        old.version,
                        members,
                        old.digest,
                        ever_affirmed,
                        joined(old.profile, members),
                    )
                else:
                    events[event_id] = OpenEvent.of(
                        event_id, old.version, members, old.digest, ever_affirmed
                    )
            touched[event_id] = None

    reports = {
        **state.reports,
        report.report_id: ReportMark(report.version, report.deleted, activity),
    }
    index_after = reindexed(state.by_family(), state.events, events, touched)
    # a first version only adds activity at ``activity`` and makes events hold more reports,
    # never fewer; a new version or a deletion withdraws members: floors unknown
    floors = state.floors
    if floors is not None and mark is None:
        floors = (min(floors[0], activity), min(floors[1], activity))
    else:
        floors = None
    return CellState(cell, events, reports, prints, index_after, floors=floors), tuple(touched)


# how many cluster windows a report's mark is kept after its publication (see the module doc)
MARK_WINDOWS: Final = 3


def expire(state: CellState, now_event_time: datetime, window: timedelta) -> CellState:
    """Drop what is older than ``window`` before ``now_event_time`` (stream time: the newest
    publication time seen, never the wall clock): events whose last member was published
    before it and fingerprints of reports published before it; report marks go after
    :data:`MARK_WINDOWS` windows unless a kept event still holds them. Returns ``state`` itself
    when nothing expired."""
    cutoff = int((now_event_time - window).timestamp())
    mark_cutoff = int((now_event_time - window * MARK_WINDOWS).timestamp())
    floors = state.floors
    if floors is not None and cutoff <= floors[0] and mark_cutoff <= floors[1]:
        return state  # nothing is that old (the common case: checked without a scan)
    events = {e: ev for e, ev in state.events.items() if ev.profile.last_activity >= cutoff}
    prints = {r: p for r, p in state.prints.items() if p.activity >= cutoff}
    held = {r for ev in events.values() for r in ev.profile.active_reports}
    reports = {r: m for r, m in state.reports.items() if m.activity >= mark_cutoff or r in held}
    floors = (
        min(
            min((ev.profile.last_activity for ev in events.values()), default=NO_FLOOR),
            min((p.activity for p in prints.values()), default=NO_FLOOR),
        ),
        min((m.activity for r, m in reports.items() if r not in held), default=NO_FLOOR),
    )
    if (
        len(events) == len(state.events)
        and len(prints) == len(state.prints)
        and len(reports) == len(state.reports)
    ):
        state.floors = floors  # a cache: the state's content is unchanged
        return state
    return CellState(state.cell, events, reports, prints, floors=floors)


def stream_time(state: CellState) -> datetime | None:
    """The newest publication time of a report the cell has seen (the clock for :func:`expire`),
    or ``None`` for an empty state."""
    latest = max((m.activity for m in state.reports.values()), default=None)
    return None if latest is None else datetime.fromtimestamp(latest, tz=UTC)

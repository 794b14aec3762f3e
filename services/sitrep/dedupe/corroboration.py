"""Corroboration and claim status of an event, from the members that support or deny it.

Independence is counted in *voices*. A voice is a source (``"{source_kind}:{source_id}"``); a
copy — a forward, a repost, a syndicated story — speaks with the voice of the report it copies,
so twenty forwards of one rebel post are one voice. Per event, over its active (not withdrawn)
members:

- an *independent report* is an affirming member from a source that is not a party to the
  conflict (role ``wire``, ``monitor``, ``local_media`` or ``other``) whose text does not merely
  relay a party's claim (candidate claim status ``reported`` or ``corroborated``, not
  ``claimed``). Parties (role ``party``) and their media (``state_media``) *claim*;
- a *denial* is a member with stance ``deny``, or whose text reports the event as disputed
  (candidate claim status ``disputed``: "the rebels said they took the town; the army denied").

Claim status, first rule that applies:

1. ``retracted`` — no affirming member left, and the event once had one: every report that
   supported it was deleted (or edited to say something else);
2. ``disputed`` — some voice denies it (a denial-only event is disputed too);
3. ``corroborated`` — two or more voices report it independently, or voices from two or more
   sides affirm it (the rebels claim a capture and state media reports the withdrawal);
4. ``reported`` — one voice reports it independently;
5. ``claimed`` — only parties (or sources relaying them) affirm it.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Final

from sitrep.dedupe.member import Member
from sitrep.records.model import ClaimStatus, Corroboration

PARTISAN_ROLES: Final = frozenset({"party", "state_media"})
REPORTING_STATUSES: Final = frozenset({"reported", "corroborated"})


def source_voice(source_kind: str, source_id: str) -> str:
    """The voice of a report that is not a copy (interned: sources repeat across members)."""
    return sys.intern(f"{source_kind}:{source_id}")


def origin_voice(origin_id: str) -> str:
    """The voice of a report id's source (``"telegram:1234:56"`` -> ``"telegram:1234"``)."""
    return sys.intern(origin_id.rsplit(":", 1)[0] if origin_id.count(":") >= 2 else origin_id)


def is_independent_report(member: Member) -> bool:
    """True for an affirming member that reports the event itself, not a party's claim."""
    return (
        member.affirms
        and member.source_role not in PARTISAN_ROLES
        and member.candidate.claim_status in REPORTING_STATUSES
    )


def is_denial(member: Member) -> bool:
    return member.candidate.stance == "deny" or member.candidate.claim_status == "disputed"


def claim_status(members: Sequence[Member], ever_affirmed: bool) -> ClaimStatus:
    """The event's claim status (rules in the module docstring); ``members`` may include
    withdrawn ones, which are ignored."""
    active = [m for m in members if not m.withdrawn]
    affirming = [m for m in active if m.affirms]
    if not affirming:
        return "retracted" if ever_affirmed else "disputed"
    if any(is_denial(m) for m in active):
        return "disputed"
    reporting = {m.voice for m in affirming if is_independent_report(m)}
    sides = {m.source_side for m in affirming if m.source_side}
    if len(reporting) >= 2 or len(sides) >= 2:
        return "corroborated"
    if reporting:
        return "reported"
    return "claimed"


def corroboration(members: Sequence[Member]) -> Corroboration:
    """Counts over active members: ``independent_sources`` = affirming voices; ``outlets`` and
    ``sides`` of affirming members; ``reports`` = active members; ``copies`` = active members that
    copy another report; ``denials`` = denying voices."""
    active = [m for m in members if not m.withdrawn]
    affirming = [m for m in active if m.affirms]
    return Corroboration(
        independent_sources=len({m.voice for m in affirming}),
        outlets=tuple(sorted({m.outlet for m in affirming if m.outlet})),
        sides=tuple(sorted({m.source_side for m in affirming if m.source_side})),
        reports=len(active),
        copies=sum(1 for m in active if m.copy_of is not None),
        denials=len({m.voice for m in active if is_denial(m)}),
    )

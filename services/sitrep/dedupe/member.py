"""Members: one report's candidate inside an open event, with everything the event needs of it.

A member is what the cluster state keeps of a report — the candidate as understood plus the
report's source facts — so that the event can be recomputed (coding, corroboration, claim status,
links) without the report. It is small on purpose: the candidate's evidence snippet is dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final

from sitrep.records.codec import encode_kept
from sitrep.records.model import (
    EventCandidate,
    EventReportLink,
    MergeReason,
    SourceKind,
    SourceRole,
)

SEED: Final = MergeReason("seed")
"""The reason of the member that opened an event (one shared object)."""


@dataclass(frozen=True, slots=True)
class Member:
    """One candidate of one report version, merged into an event for ``reason``.

    ``voice`` is the independent source this member speaks for: its own source
    (``"{source_kind}:{source_id}"``) or, for a copy, the voice of the report it copies. Members
    with the same voice count once. ``withdrawn`` members belong to a report that was deleted or
    edited away from this event: they no longer support it (no link, no corroboration) but still
    tell what the event was when nothing else does. ``activity`` is the report's publication time
    in epoch seconds (``published_at`` as a number, for windows and gaps).
    """

    candidate: EventCandidate
    report_id: str
    report_version: int
    source_kind: SourceKind
    source_id: str
    source_role: SourceRole
    voice: str
    published_at: str
    activity: int
    reason: MergeReason
    source_side: str | None = None
    outlet: str | None = None
    copy_of: str | None = None
    url: str | None = None
    withdrawn: bool = False
    # made once, on first use (a member never changes; an event shows it in every version)
    _link: EventReportLink | None = field(default=None, init=False, compare=False, repr=False)
    _link_json: bytes | None = field(default=None, init=False, compare=False, repr=False)
    _stored: bytes | None = field(default=None, init=False, compare=False, repr=False)

    @property
    def affirms(self) -> bool:
        return self.candidate.stance == "affirm"

    def link(self) -> EventReportLink:
        """The member as the event shows it (``Event.reports``)."""
        link = self._link
        if link is None:
            link = self._make_link()
            object.__setattr__(self, "_link", link)
        return link

    def link_json(self) -> bytes:
        """:meth:`link` as JSON, as it appears in the event's record."""
        data = self._link_json
        if data is None:
            data = encode_kept(self.link())
            object.__setattr__(self, "_link_json", data)
        return data

    def stored_form(self, make: Callable[[Member], bytes]) -> bytes:
        """The member's element of the cell state's byte form, made by ``make`` once."""
        data = self._stored
        if data is None:
            data = make(self)
            object.__setattr__(self, "_stored", data)
        return data

    def _make_link(self) -> EventReportLink:
        return EventReportLink(
            report_id=self.report_id,
            candidate_id=self.candidate.candidate_id,
            source_id=self.source_id,
            source_kind=self.source_kind,
            source_role=self.source_role,
            reason=self.reason,
            outlet=self.outlet,
            source_side=self.source_side,
            stance=self.candidate.stance,
            copy_of=self.copy_of,
            published_at=self.published_at,
            url=self.url,
        )

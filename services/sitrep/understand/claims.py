"""Who says so: the claim status of a candidate and the party that claims it.

Decided per candidate, first rule that applies:

1. a denial in its sentence ("denied", "نفى", "опроверг", "fake") -> ``disputed``, stance
   ``deny``; the denier is the party named next to the denial, else the source;
2. an attribution in its sentence or, failing that, in the report's lead ("the rebels said",
   "according to SOHR", "ذكرت سانا") -> to a party (an armed actor, state media) ``claimed``
   with that party recorded; to a wire, monitor or local media ``reported``;
3. the source itself: a party's channel or state media -> ``claimed`` by the source; a wire,
   monitor, local media or unknown source -> ``reported``.

A party is recorded by its ACLED actor name (state media by the state forces it speaks for);
a source with no actor behind it by its own name.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from sitrep.records.model import ClaimStatus, SourceRole, Stance
from sitrep.understand.actors import ActorDictionary, ActorName
from sitrep.understand.matching import Mention

PARTY_ROLES: Final = frozenset({"party", "state_media"})
_BEFORE: Final = 3  # "the rebels said": the speaker right before the verb
_AFTER: Final = 5  # "said the Syrian army", "according to the Syrian Observatory"


@dataclass(frozen=True, slots=True)
class Attribution:
    """What one sentence says about who says so. ``party`` is set for a claim by a party."""

    status: ClaimStatus
    party: str | None = None
    stance: Stance = "affirm"


def attribution(
    mentions: Sequence[Mention], actors: ActorDictionary, event_country: str | None
) -> Attribution | None:
    """The attribution a sentence makes, or None when it attributes nothing."""
    denial: Mention | None = None
    anchors: list[Mention] = []
    for m in mentions:
        kind = m.kind
        if kind == "deny":
            if denial is None:
                denial = m
        elif kind in ("say", "according"):
            anchors.append(m)
    if denial is None and not anchors:
        return None
    if denial is not None:
        speaker = _speaker(mentions, denial, actors, event_country)
        return Attribution("disputed", speaker[1] if speaker else None, "deny")
    for anchor in anchors:
        speaker = _speaker(mentions, anchor, actors, event_country)
        if speaker is None:
            continue
        role, party = speaker
        if role in PARTY_ROLES:
            return Attribution("claimed", party)
        return Attribution("reported")
    return None


def _speaker(
    mentions: Sequence[Mention], anchor: Mention, actors: ActorDictionary, event_country: str | None
) -> tuple[str, str | None] | None:
    """(role, party) of the nearest speaker to an attribution word: an actor, a source."""
    best: tuple[float, tuple[str, str | None]] | None = None
    for m in mentions:
        if m.kind not in ("actor", "source"):
            continue
        if anchor.kind == "according" and m.start < anchor.end:
            continue  # "according to X": X follows
        after = m.start >= anchor.end
        distance = float(m.start - anchor.end if after else anchor.start - m.end)
        if distance > (_AFTER if after else _BEFORE):
            continue
        if m.start < anchor.start:
            distance -= 0.5  # "X said" is the commoner order in English
        speaker = _speaker_of(m, actors, event_country)
        if best is None or distance < best[0]:
            best = (distance, speaker)
    return best[1] if best else None


def _speaker_of(
    m: Mention, actors: ActorDictionary, event_country: str | None
) -> tuple[str, str | None]:
    if m.kind == "actor":
        name: ActorName = m.value  # type: ignore[assignment]
        actor = actors.resolve(name, event_country)
        return "party", actor.name if actor is not None else None
    role: str
    country: str
    role, country = m.value  # type: ignore[misc]
    if role == "state_media" and country in actors.state_forces:
        return "state_media", actors.state_forces[country].as_actor(event_country).name
    return role, None


def source_claim(role: SourceRole, source_name: str | None) -> Attribution:
    """The claim status a source gives by itself (rule 3 of the module docstring)."""
    if role in PARTY_ROLES:
        return Attribution("claimed", source_name)
    return Attribution("reported")

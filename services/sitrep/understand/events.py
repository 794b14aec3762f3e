"""Reading a report into event candidates: sentences -> cues -> events with place and actors.

For each sentence (the title first):

1. **cues** — event cues that are negated ("did not"), future or threatened ("will", "يهدد"),
   asked about ("?"), called for ("urged a ceasefire") or historical ("in 2016") are dropped;
2. **proto-events** — each remaining cue is placed at the place mention that best fits it
   (nearest, introduced by "in/on/near", after the cue; not "from X"); a coordinated list of
   places ("shelled A, B and C") gives one proto-event per place;
3. **events** — proto-events at the same place merge, and the merged cues decide the ACLED
   sub-event type by precedence (territory change over fighting over shelling; a
   method-specific cue such as an air strike or an IED over a bare "killed"...). A capture is a
   government regaining territory when the capturing force is the state force of the country.

Across sentences an event without its own type evidence (only "killed", "wounded") or at the
same place and type as an earlier one joins that earlier event; an armed clash at the place of
a territory change joins it (ACLED codes the capture). An event without a place takes the
place of the report's lead. A report whose title or lead marks it as analysis or opinion, and
a post that is an ad or a greeting, yields no events.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Final

from sitrep.records.model import Actor, EventCandidate, Location, SourceRole
from sitrep.understand import taxonomy as t
from sitrep.understand.actors import ActorDictionary, ActorEntry
from sitrep.understand.casualties import count_fatalities
from sitrep.understand.claims import Attribution, attribution, source_claim
from sitrep.understand.dates import local_date, sentence_date
from sitrep.understand.gazetteer import Gazetteer, Place
from sitrep.understand.matching import Mention

TERRITORY: Final = frozenset({"capture", "recapture", "enter", "handover", "withdraw"})
FIGHTING: Final = frozenset({"clash", "ambush", "advance", "siege"})
REMOTE: Final = frozenset({"air", "drone", "shell", "ied", "suicide", "grenade", "chemical"})
HARM: Final = frozenset({"kill", "wound", "gunfire", "sniper", "attack", "explosion", "execute"})
CASUALTY_ONLY: Final = frozenset({"kill", "wound", "destroy", "explosion"})
STRONG_GENRES: Final = frozenset({"analysis", "opinion", "commentary", "editorial", "explainer"})

_DATE_KINDS: Final = frozenset({"month", "weekday", "date", "week", "monthword"})
_NEG_WINDOW: Final = 3
_FUTURE_WINDOW: Final = 4


@dataclass(slots=True)
class Sentence:
    """One sentence of a report as the matcher saw it."""

    index: int
    text: str
    raw: list[str]
    tokens: list[str]
    mentions: list[Mention]
    is_title: bool = False
    clauses: frozenset[int] = frozenset()  # positions where a coordinated clause starts


@dataclass(slots=True)
class ProtoEvent:
    """Cues of one event at one place, while a report is being read."""

    signals: set[str]
    cue_start: int
    sentence: Sentence
    place: Place | None = None
    place_precision: int = t.GEO_EXACT
    place_start: int = -1
    sub_event_type: str = ""
    fatalities: int = 0
    toll: bool = False
    actor_mentions: list[Mention] = field(default_factory=list)
    parties: set[str] = field(default_factory=set)
    sentences: list[Sentence] = field(default_factory=list)
    civilian_victims: bool = False
    dated: Sentence | None = None  # the sentence whose date cue dates the event


@dataclass(frozen=True, slots=True)
class ReadingContext:
    """What the reader knows about the report besides its sentences."""

    report_id: str
    published_at: datetime
    language: str
    source_role: SourceRole
    source_name: str | None
    region: str | None


class Reader:
    """Turns matched sentences into candidates (see the module docstring). Stateless."""

    def __init__(self, gazetteer: Gazetteer, actors: ActorDictionary) -> None:
        self.gazetteer = gazetteer
        self.actors = actors

    # -- whole report --------------------------------------------------------------------

    def candidates(
        self, sentences: Sequence[Sentence], ctx: ReadingContext
    ) -> tuple[EventCandidate, ...]:
        if not sentences or _is_commentary(sentences):
            return ()
        countries = self._context_countries(sentences, ctx.region)
        events: list[ProtoEvent] = []
        lead_place: tuple[Place, int] | None = None
        for sentence in sentences:
            found = self._sentence_events(sentence, countries)
            for event in found:
                if event.place is None and lead_place is not None:
                    event.place, event.place_precision = lead_place
                self._absorb_or_add(events, event)
            if lead_place is None:
                lead_place = self._lead_place(sentence, countries)
        events = [e for e in events if e.sub_event_type]
        if not events:
            return ()
        main_country = max(countries, key=lambda c: countries[c]) if countries else None
        published = local_date(ctx.published_at, ctx.region or main_country, ctx.language)
        lead_date = self._lead_date(sentences, published)
        lead_claim = self._lead_attribution(sentences, countries)
        out: list[tuple[float, int, EventCandidate]] = []
        for order, event in enumerate(events):
            out.append(
                self._candidate(
                    event,
                    order,
                    ctx=ctx,
                    published=published,
                    countries=countries,
                    lead_date=lead_date,
                    lead_claim=lead_claim,
                )
            )
        out.sort(key=lambda item: (-item[0], item[1]))
        return tuple(
            _renumber(candidate, f"{ctx.report_id}#{n}") for n, (_, _, candidate) in enumerate(out)
        )

    def _lead_place(
        self, sentence: Sentence, countries: dict[str, float]
    ) -> tuple[Place, int] | None:
        """The place a lead sentence is about (its first event place), for later sentences
        that name none."""
        places = self._event_places(sentence, countries)
        if not places:
            return None
        place, precision, _ = min(places, key=lambda p: (p[0].kind == "admin1", p[2]))
        return place, precision

    def _context_countries(
        self, sentences: Sequence[Sentence], region: str | None
    ) -> dict[str, float]:
        """Countries the report is about, with weights: named countries, the source's region,
        and countries of places that can only be in one country."""
        weights: dict[str, float] = {}
        if region:
            weights[region.upper()] = 4.0
        places = self.gazetteer.places
        for sentence in sentences:
            for m in sentence.mentions:
                if m.kind != "place":
                    continue
                indices: list[int] = m.value  # type: ignore[assignment]
                kinds = {places[i].kind for i in indices}
                codes = {places[i].country_code for i in indices}
                if "country" in kinds:
                    key = " ".join(sentence.tokens[m.start : m.end])
                    weak = key in self.gazetteer.weak_country_keys
                    for i in indices:
                        if places[i].kind == "country":
                            code = places[i].country_code
                            weights[code] = weights.get(code, 0.0) + (1.0 if weak else 3.0)
                elif len(codes) == 1 and _capitalized(sentence, m):
                    code = codes.pop()
                    weights[code] = weights.get(code, 0.0) + 1.0
        return weights

    # -- one sentence --------------------------------------------------------------------

    def _sentence_events(self, sentence: Sentence, countries: dict[str, float]) -> list[ProtoEvent]:
        mentions = sentence.mentions
        if (
            any(m.kind == "genre" for m in mentions)
            and not sentence.is_title
            and not any(
                m.kind == "cue" and m.value in REMOTE | TERRITORY | FIGHTING for m in mentions
            )
        ):
            return []
        cues = _live_cues(sentence)
        if not cues:
            return []
        places = self._event_places(sentence, countries)
        protos: list[ProtoEvent] = []
        for cue in cues:
            signal: str = cue.value  # type: ignore[assignment]
            chosen = _choose_place(cue, places, signal)
            targets = [chosen] if chosen is not None else [None]
            if chosen is not None and (
                signal in TERRITORY or signal in REMOTE or signal == "protest"
            ):
                targets = _coordinated(chosen, places, sentence)
            for target in targets:
                proto = ProtoEvent({signal}, cue.start, sentence)
                if target is not None:
                    proto.place, proto.place_precision, proto.place_start = target
                protos.append(proto)
        merged = _merge_in_sentence(protos)
        for proto in merged:
            proto.sub_event_type = _sub_event_type(proto.signals, sentence)
        merged = [p for p in merged if p.sub_event_type]
        self._attach_details(merged, sentence)
        return merged

    def _event_places(
        self, sentence: Sentence, countries: dict[str, float]
    ) -> list[tuple[Place, int, int]]:
        """(place, precision, token position) of each place mention that can be an event place."""
        out: list[tuple[Place, int, int]] = []
        tokens = sentence.tokens
        mentions = sentence.mentions
        for idx, m in enumerate(mentions):
            if m.kind != "place":
                continue
            if not _capitalized(sentence, m):
                continue
            key = " ".join(tokens[m.start : m.end])
            if m.end - m.start == 1 and self.gazetteer.is_common_word(key):
                continue
            if _is_metonym(mentions, idx):
                continue
            province = _role_near(sentence, m, "province")
            place = self._best_place(m.value, countries, province)  # type: ignore[arg-type]
            if place is None or place.kind == "country":
                continue
            precision = t.GEO_EXACT
            if province or place.kind == "admin1":
                region = self.gazetteer.region_of(place)
                if region is not None:
                    place = region
                precision = t.GEO_PROVINCE
            elif _role_near(sentence, m, "near") or place.kind == "region":
                precision = t.GEO_NEAR
            out.append((place, precision, m.start))
        return out

    def _best_place(
        self, indices: Sequence[int], countries: dict[str, float], province: bool
    ) -> Place | None:
        places = self.gazetteer.places
        best: Place | None = None
        best_score = -1e9
        for i in indices:
            place = places[i]
            score = math.log10(place.population + 10)
            score += 2.5 * countries.get(place.country_code, 0.0)
            if place.country_code in _FOCUS:
                score += 1.5
            if place.kind == "admin1":
                score += 6.0 if province else -0.5
            elif place.kind == "country":
                score -= 1.0
            elif place.kind != "city":
                score += 2.0
            if place.geonames_id is None and place.kind == "city":
                score += 1.0  # the project's own entry: chosen on purpose
            if score > best_score:
                best, best_score = place, score
        return best

    def _attach_details(self, events: list[ProtoEvent], sentence: Sentence) -> None:
        mentions = sentence.mentions
        actor_mentions = [m for m in mentions if m.kind == "actor"]
        parties = {str(m.value) for m in mentions if m.kind == "party"}
        civilians = any(m.kind == "victim" and m.value == "civilian" for m in mentions) or (
            "civilians" in parties
        )
        dated = sentence if any(m.kind in _DATE_KINDS for m in mentions) else None
        if len(events) == 1:
            segments = [(0, len(sentence.tokens))]
        else:
            starts = sorted({e.cue_start for e in events})
            bounds = [0, *[max(0, s - 1) for s in starts[1:]], len(sentence.tokens)]
            segments_by_start = {s: (bounds[k], bounds[k + 1]) for k, s in enumerate(starts)}
            segments = [segments_by_start[e.cue_start] for e in events]
        for event, (lo, hi) in zip(events, segments, strict=True):
            inside = [m for m in mentions if lo <= m.start < hi]
            event.fatalities, event.toll = count_fatalities(
                sentence.tokens, inside, sentence.clauses
            )
            event.actor_mentions = actor_mentions
            event.parties = set(parties)
            event.civilian_victims = civilians
            event.sentences = [sentence]
            event.dated = dated

    # -- across sentences ----------------------------------------------------------------

    def _absorb_or_add(self, events: list[ProtoEvent], new: ProtoEvent) -> None:
        for old in reversed(events[-4:]):
            if _joins(old, new):
                old.signals |= new.signals
                old.sentences.extend(new.sentences)
                if new.toll:
                    old.fatalities = max(old.fatalities, new.fatalities)
                elif "also" in {m.value for m in new.sentence.mentions if m.kind == "mod"}:
                    old.fatalities += new.fatalities
                else:
                    old.fatalities = max(old.fatalities, new.fatalities)
                if (old.place is None and new.place is not None) or (
                    new.place is not None
                    and old.place is not None
                    and new.place_precision < old.place_precision
                    and _same_area(old.place, new.place)
                ):
                    old.place, old.place_precision = new.place, new.place_precision
                old.actor_mentions.extend(new.actor_mentions)
                old.parties |= new.parties
                old.civilian_victims |= new.civilian_victims
                if old.dated is None:
                    old.dated = new.dated
                return
        events.append(new)

    # -- output --------------------------------------------------------------------------

    def _lead_date(self, sentences: Sequence[Sentence], published: date) -> tuple[date, int]:
        for sentence in sentences[:3]:
            found = sentence_date(sentence.tokens, sentence.mentions, published)
            if found is not None:
                return found
        return published, t.TIME_DAY

    def _lead_attribution(
        self, sentences: Sequence[Sentence], countries: dict[str, float]
    ) -> Attribution | None:
        country = max(countries, key=lambda c: countries[c]) if countries else None
        for sentence in sentences[:2]:
            found = attribution(sentence.mentions, self.actors, country)
            if found is not None and found.stance == "affirm":
                return found
        return None

    def _candidate(
        self,
        event: ProtoEvent,
        order: int,
        *,
        ctx: ReadingContext,
        published: date,
        countries: dict[str, float],
        lead_date: tuple[date, int],
        lead_claim: Attribution | None,
    ) -> tuple[float, int, EventCandidate]:
        place = event.place
        location: Location | None = None
        country_code = place.country_code if place is not None else None
        if country_code is None and countries:
            country_code = max(countries, key=lambda c: countries[c])
        if place is not None:
            location = self.gazetteer.location(place, event.place_precision)
        country_name = self.gazetteer.country_name(country_code) if country_code else None
        actors = self._actors(event, country_code, country_name)
        sub = event.sub_event_type
        if sub in (t.NON_STATE_OVERTAKES_TERRITORY, t.GOVERNMENT_REGAINS_TERRITORY):
            sub = self._territory_type(event, actors, country_code)
        when = lead_date
        if event.dated is not None:
            found = sentence_date(event.dated.tokens, event.dated.mentions, published)
            if found is not None:
                when = found
        claim = attribution(event.sentence.mentions, self.actors, country_code)
        if claim is None:
            claim = lead_claim or source_claim(ctx.source_role, ctx.source_name)
        first = event.sentences[0]
        salience = (
            (3.0 if first.is_title else 0.0)
            + 2.0 / (1 + first.index)
            + 0.5 * math.log1p(event.fatalities)
            + 0.3 * (len(event.sentences) - 1)
            + (0.5 if location is not None else 0.0)
            - 0.2 * order
        )
        candidate = EventCandidate(
            candidate_id="",
            event_type=t.EVENT_TYPE_OF[sub],
            sub_event_type=sub,
            occurred_on=when[0].isoformat(),
            time_precision=when[1],
            location=location,
            actors=actors,
            fatalities=event.fatalities,
            claim_status=claim.status,
            claimed_by=claim.party,
            stance=claim.stance,
            salience=round(salience, 3),
            evidence=first.text,
        )
        return salience, order, candidate

    def _actors(
        self, event: ProtoEvent, country_code: str | None, country_name: str | None
    ) -> tuple[Actor, ...]:
        out: list[Actor] = []
        seen: set[str] = set()

        def add(actor: Actor) -> None:
            if actor.name not in seen:
                seen.add(actor.name)
                role = "actor1" if not out else ("actor2" if len(out) == 1 else "assoc")
                out.append(Actor(actor.name, actor.inter, role))  # type: ignore[arg-type]

        ordered = sorted(
            event.actor_mentions, key=lambda m: (_agent_rank(event.sentence, m), m.start)
        )
        for m in ordered:
            entries: list[ActorEntry] = m.value  # type: ignore[assignment]
            add(self.actors.choose(entries, country_code).as_actor(country_code))
        sub = event.sub_event_type
        if sub in (t.PEACEFUL_PROTEST, t.PROTEST_WITH_INTERVENTION, t.EXCESSIVE_FORCE):
            add(self.actors.generic("protesters", country_code, country_name))
        elif sub in (t.VIOLENT_DEMONSTRATION,):
            add(self.actors.generic("rioters", country_code, country_name))
        if "gunmen" in event.parties and not event.actor_mentions:
            add(self.actors.generic("gunmen", country_code, country_name))
        if "army" in event.parties and not event.actor_mentions and country_code:
            add(self.actors.generic("army", country_code, country_name))
        if "police" in event.parties and sub in (
            t.PROTEST_WITH_INTERVENTION, t.EXCESSIVE_FORCE, t.ARRESTS,
        ):  # fmt: skip
            add(self.actors.generic("police", country_code, country_name))
        if event.civilian_victims and t.EVENT_TYPE_OF[sub] in (
            t.VIOLENCE_AGAINST_CIVILIANS, t.EXPLOSIONS,
        ):  # fmt: skip
            add(self.actors.generic("civilians", country_code, country_name))
        return tuple(out)

    def _territory_type(
        self, event: ProtoEvent, actors: tuple[Actor, ...], country_code: str | None
    ) -> str:
        if "recapture" in event.signals and not actors:
            return t.GOVERNMENT_REGAINS_TERRITORY
        for actor in actors:
            if actor.inter == t.STATE_FORCES:
                state = self.actors.state_forces.get(country_code or "")
                if state is None or actor.name == state.as_actor(country_code).name:
                    return t.GOVERNMENT_REGAINS_TERRITORY
            return t.NON_STATE_OVERTAKES_TERRITORY
        return t.NON_STATE_OVERTAKES_TERRITORY


_FOCUS: Final = frozenset("SY IQ LB PS IL JO UA SD SS ML BF NE YE LY".split())  # noqa: SIM905


def _renumber(candidate: EventCandidate, candidate_id: str) -> EventCandidate:
    from dataclasses import replace

    return replace(candidate, candidate_id=candidate_id)


def _is_commentary(sentences: Sequence[Sentence]) -> bool:
    """Analysis, opinion and explainers mark themselves in the title or the first words."""
    for sentence in sentences[:2]:
        for m in sentence.mentions:
            if m.kind == "genre" and m.value in STRONG_GENRES and m.start < 8:
                return True
    return False


def _capitalized(sentence: Sentence, m: Mention) -> bool:
    """Latin and Cyrillic place names must be capitalized in the text; Arabic has no case."""
    first = sentence.raw[m.start]
    char = first[0]
    if char.isalpha() and (char.isascii() or "\u00c0" <= char <= "\u04ff"):
        return char.isupper()
    return True


def _live_cues(sentence: Sentence) -> list[Mention]:
    """Event cues not negated, not in the future, not asked about, not historical."""
    mentions = sentence.mentions
    text = sentence.text
    if text.rstrip().endswith(("?", "؟")):
        return []
    mods = [m for m in mentions if m.kind == "mod"]
    if any(m.value == "history" for m in mods):
        return []
    calls = any(m.value == "call" for m in mods)
    out: list[Mention] = []
    for m in mentions:
        if m.kind != "cue":
            continue
        if any(
            (mod.value == "neg" and 0 <= m.start - mod.end < _NEG_WINDOW)
            or (mod.value == "future" and 0 <= m.start - mod.end < _FUTURE_WINDOW)
            for mod in mods
        ):
            continue
        if calls and m.value in ("agreement", "protest"):
            continue
        out.append(m)
    return out


def _role_near(sentence: Sentence, place: Mention, role: str) -> bool:
    """A location word of ``role`` right before or right after a place ("Idlib countryside",
    "countryside of Idlib", "ريف إدلب", "near Hama", "Харьковской области")."""
    tokens = sentence.tokens
    for m in sentence.mentions:
        if m.kind != "loc" or m.value != role:
            continue
        if m.start == place.end:
            return True
        if m.end == place.start:
            return True
        if m.end == place.start - 1 and tokens[m.end] in _OF:
            return True
    return False


_OF: Final = frozenset({"of", "de", "du", "des", "d"})


def _is_metonym(mentions: Sequence[Mention], index: int) -> bool:
    """A capital named as its government ("Damascus said", "Moscow's forces")."""
    place = mentions[index]
    for m in mentions[index + 1 : index + 4]:
        if m.start > place.end + 1:
            break
        if m.kind in ("say", "deny") or (m.kind == "loc" and m.value == "seat"):
            return True
    return False


def _choose_place(
    cue: Mention, places: list[tuple[Place, int, int]], signal: str
) -> tuple[Place, int, int] | None:
    best: tuple[Place, int, int] | None = None
    best_score = -1e9
    for entry in places:
        place, _, position = entry
        distance = abs(position - cue.start)
        score = -0.25 * distance
        if position > cue.start:
            score += 0.7
        if place.kind == "admin1":
            score -= 0.4
        if score > best_score:
            best, best_score = entry, score
    return best


def _coordinated(
    chosen: tuple[Place, int, int], places: list[tuple[Place, int, int]], sentence: Sentence
) -> list[tuple[Place, int, int]]:
    """The chosen place and the places listed with it ("A, B and C", "A وB")."""
    ordered = sorted(places, key=lambda p: p[2])
    index = next(i for i, p in enumerate(ordered) if p is chosen)
    out = [chosen]
    ends = {p[2]: p[2] + _span(sentence, p[2]) for p in ordered}
    previous_end = ends[chosen[2]]
    for entry in ordered[index + 1 :]:
        between = sentence.tokens[previous_end : entry[2]]
        if len(between) > 2 or any(w not in _CONJUNCTIONS for w in between):
            break
        if entry[1] != chosen[1] or entry[0].kind != chosen[0].kind:
            break
        out.append(entry)
        previous_end = ends[entry[2]]
    return out


_CONJUNCTIONS: Final = frozenset({"and", "or", "as", "well", "et", "и", "і", "та", "او", "أو", "و"})


def _span(sentence: Sentence, start: int) -> int:
    for m in sentence.mentions:
        if m.kind == "place" and m.start == start:
            return m.end - m.start
    return 1


def _merge_in_sentence(protos: list[ProtoEvent]) -> list[ProtoEvent]:
    """Proto-events of one sentence at the same place (or without a place) become one."""
    merged: list[ProtoEvent] = []
    for proto in protos:
        for other in merged:
            if _same_place(other, proto) and _compatible(other.signals, proto.signals):
                other.signals |= proto.signals
                other.cue_start = min(other.cue_start, proto.cue_start)
                if proto.place is not None and (
                    other.place is None or proto.place_precision < other.place_precision
                ):
                    other.place, other.place_precision = proto.place, proto.place_precision
                    other.place_start = proto.place_start
                break
        else:
            merged.append(proto)
    return merged


def _same_place(a: ProtoEvent, b: ProtoEvent) -> bool:
    """Same place, or no place on one side, or one is the province of the other."""
    if a.place is None or b.place is None:
        return True
    if a.place is b.place or a.place.name == b.place.name:
        return True
    for big, small in ((a.place, b.place), (b.place, a.place)):
        if big.kind == "admin1" and _same_area(big, small):
            return True
    return False


def _same_area(a: Place, b: Place) -> bool:
    return a.country_code == b.country_code and a.admin1_code == b.admin1_code


def _compatible(a: set[str], b: set[str]) -> bool:
    """Two sets of cues can describe one event (a bare "killed" fits anything; two distinct
    methods of remote violence do not)."""
    kinds_a, kinds_b = _families(a), _families(b)
    if not kinds_a or not kinds_b:
        return True
    if kinds_a & kinds_b:
        return True
    merging = {"territory", "fighting", "harm"}
    if kinds_a <= merging and kinds_b <= merging:
        return True
    # "air defences shot down the drones": the interception and its weapon are one event
    disrupted, weapons = {"intercept", "defuse"}, {"air", "shell", "ied"}
    both = kinds_a | kinds_b
    return bool(both & disrupted) and both <= disrupted | weapons


def _families(signals: set[str]) -> set[str]:
    out: set[str] = set()
    for s in signals:
        if s in TERRITORY:
            out.add("territory")
        elif s in FIGHTING:
            out.add("fighting")
        elif s in ("air", "drone"):
            out.add("air")
        elif s in REMOTE:
            out.add(s)
        elif s in HARM or s in CASUALTY_ONLY:
            continue
        else:
            out.add(s)
    return out


def _joins(old: ProtoEvent, new: ProtoEvent) -> bool:
    """Whether an event of a later sentence is the same as an earlier one (module docstring)."""
    if not _same_place(old, new):
        return False
    if new.signals <= CASUALTY_ONLY | {"gunfire", "sniper"}:
        return True
    if new.sub_event_type == old.sub_event_type:
        return new.place is not None or old.place is not None or True
    territory = (t.NON_STATE_OVERTAKES_TERRITORY, t.GOVERNMENT_REGAINS_TERRITORY)
    if old.sub_event_type in territory and new.sub_event_type == t.ARMED_CLASH:
        return new.place is not None and old.place is not None
    if (
        new.sub_event_type in territory
        and old.sub_event_type == t.ARMED_CLASH
        and new.place is not None
        and old.place is not None
    ):
        old.sub_event_type = new.sub_event_type
        return True
    return False


def _agent_rank(sentence: Sentence, m: Mention) -> int:
    """0 for an actor that acts ("by X", first in the sentence), 1 for a target ("on X")."""
    if m.start > 0 and sentence.tokens[m.start - 1] in ("by", "من قبل", "от", "par"):
        return 0
    if m.start > 0 and sentence.tokens[m.start - 1] in (
        "on",
        "against",
        "targeting",
        "ضد",
        "على",
        "по",
        "contre",
    ):
        return 1
    return 0


def _sub_event_type(signals: set[str], sentence: Sentence) -> str:
    """The ACLED sub-event type a set of cues stands for (precedence in the module docstring)."""
    s = signals
    mentions = sentence.mentions
    victims_civilian = any(m.kind == "victim" and m.value == "civilian" for m in mentions) or any(
        m.kind == "party" and m.value == "civilians" for m in mentions
    )
    armed_victims = any(m.kind == "victim" and m.value == "combatant" for m in mentions)
    if s & {"capture", "recapture", "enter"} and not s & {"handover"}:
        return t.NON_STATE_OVERTAKES_TERRITORY
    if s & {"handover", "withdraw"}:
        return t.NON_VIOLENT_TRANSFER
    if "chemical" in s:
        return t.CHEMICAL_WEAPON
    if "suicide" in s:
        return t.SUICIDE_BOMB
    if s & {"intercept", "defuse"}:
        return t.DISRUPTED_WEAPONS_USE
    if s & {"air", "drone"}:
        return t.AIR_DRONE_STRIKE
    if "ied" in s:
        return t.REMOTE_EXPLOSIVE
    if "grenade" in s:
        return t.GRENADE
    if "protest" in s:
        if s & {"riot", "mob"}:
            return t.VIOLENT_DEMONSTRATION
        if s & {"kill", "live_fire", "gunfire"} and not s & FIGHTING:
            return t.EXCESSIVE_FORCE
        if s & {"disperse", "arrest"}:
            return t.PROTEST_WITH_INTERVENTION
        return t.PEACEFUL_PROTEST
    if "riot" in s:
        return t.VIOLENT_DEMONSTRATION
    if "mob" in s:
        return t.MOB_VIOLENCE
    if s & FIGHTING:
        return t.ARMED_CLASH
    if "shell" in s:
        return t.SHELLING
    if "rape" in s:
        return t.SEXUAL_VIOLENCE
    if "abduct" in s:
        return t.ABDUCTION
    if "arrest" in s:
        return t.ARRESTS
    if "execute" in s:
        return t.ATTACK
    if "explosion" in s:
        return t.REMOTE_EXPLOSIVE
    if s & {"kill", "gunfire", "sniper", "attack", "torture"}:
        if victims_civilian and not armed_victims:
            return t.ATTACK
        if "attack" in s or armed_victims or "kill" in s or "sniper" in s:
            return t.ARMED_CLASH
    if s & {"agreement", "ceasefire"}:
        return t.AGREEMENT
    if "base" in s:
        return t.BASE_ESTABLISHED
    if "change" in s:
        return t.CHANGE_TO_GROUP
    if "loot" in s:
        return t.LOOTING
    if "displace" in s:
        return t.OTHER
    return ""

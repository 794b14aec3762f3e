"""Reading a report into event candidates: sentences -> cues -> events with place and actors.

For each sentence (the title first):

1. **cues** — event cues that are negated ("did not"), future, conditional or threatened
   ("will", "if", "يهدد"), asked about ("?"), called for ("urged a ceasefire"), historical or
   background ("a day after rebels took", "to celebrate the fall of") are dropped; a past year
   ("in 2016") drops the whole sentence, or only the cues beside it when the sentence is dated
   today ("entered Aleppo on Friday for the first time since 2016"); a capture of a count of
   people ("captured five") takes prisoners, no territory;
2. **primary and secondary cues** — a cue that names an event by itself (captured, air strike,
   protest, arrested...) is primary; a cue that only adds to one (killed, wounded, pulled back,
   advance, "struck") is secondary, and so is a cue the sentence's context absorbs (the
   fighting in a capture sentence, the arrests at a protest, "stormed" in a riot or a raid);
3. **places** — each primary cue is placed at the place mention that fits it best (nearest,
   after the cue). Place mentions are read with care: Latin and Cyrillic names must be
   capitalized; a small Arabic village name needs a settlement word ("بلدة X"); a reference
   place ("Saraqib north of Hama", "Beit Lahia in northern Gaza"), a destination ("toward
   Homs"), a province that only contains a named town, and a capital named as its government
   ("Damascus said") are not event places;
   "X countryside"/"ريف X"/"X province" is the province (ACLED geo_precision 3), "near X" is X
   at precision 2. A coordinated list ("shelled A, B and C") gives one event per place;
4. **events** — primary cues at the same place merge; secondary cues join the nearest primary
   one (or, without any, make an event of their own). The merged cues decide the ACLED
   sub-event type by precedence; a territory change is a government regaining territory when
   its agent is the state force of the country, a non-violent transfer when there was no
   fighting ("withdrew", "handed over"). The side driven off ("pushed back insurgents") is
   no agent.

Across sentences an event made only of secondary cues, or of the same type at the same place,
joins the earlier event; an armed clash at the place of a territory change joins it. An event
without a place takes the place of the report's lead; an agreement with only a country named is
placed at its capital; other events without a place are dropped (ACLED codes none). A report
whose title or lead marks it as analysis, opinion or an explainer yields no events.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial
from operator import itemgetter
from typing import Final, NamedTuple

from sitrep.records.model import Actor, EventCandidate, Location, SourceRole
from sitrep.understand import taxonomy as t
from sitrep.understand.actors import ActorDictionary, ActorName
from sitrep.understand.casualties import count_fatalities
from sitrep.understand.claims import Attribution, attribution, source_claim
from sitrep.understand.dates import local_date, sentence_date
from sitrep.understand.gazetteer import Gazetteer, Place
from sitrep.understand.matching import Mention
from sitrep.understand.text import fold, fold_phrase, join_key

TERRITORY: Final = frozenset({"capture", "recapture", "enter", "fall", "handover"})
FIGHTING: Final = frozenset({"clash", "ambush"})
AIR: Final = frozenset({"air", "drone"})
REMOTE: Final = frozenset({"air", "drone", "shell", "ied", "suicide", "grenade", "chemical"})
CROWD: Final = frozenset({"protest", "riot", "mob", "lynch"})
AGAINST_PEOPLE: Final = frozenset({"rape", "abduct", "execute"})
PRIMARY: Final = (
    TERRITORY
    | FIGHTING
    | REMOTE
    | CROWD
    | AGAINST_PEOPLE
    | frozenset(
        {"arrest", "agreement", "intercept", "defuse", "base", "change", "loot", "displace"}
    )
)
SECONDARY: Final = frozenset(
    {
        "kill", "wound", "gunfire", "sniper", "attack", "explosion", "destroy", "withdraw",
        "advance", "siege", "torture", "disperse", "live_fire", "ceasefire", "in_force",
    }
)  # fmt: skip
STRONG_GENRES: Final = frozenset({"analysis", "opinion", "commentary", "editorial", "explainer"})
PLACELESS_TYPES: Final = frozenset({t.DISRUPTED_WEAPONS_USE, t.AGREEMENT, t.CHANGE_TO_GROUP})
LANGUAGE_COUNTRY: Final[dict[str, str]] = {"ar": "SY", "uk": "UA"}
"""The country a report in a language most likely is about, when nothing else tells."""
FOCUS: Final = frozenset("SY IQ LB PS IL JO UA SD SS ML BF NE YE LY".split())  # noqa: SIM905

_STRONG_CUES: Final = REMOTE | TERRITORY
_ASSEMBLY: Final = frozenset({"protest", "gather"})
_NOT_ASSEMBLY: Final = REMOTE | FIGHTING | frozenset({"explosion"})
_MULTITUDE: Final = 10  # "dozens", "hundreds", "thousands", "عشرات": a crowd
_SUBJECT_WINDOW: Final = 4
_CROWD_NOUNS: Final = frozenset(
    join_key(fold_phrase(word))
    for word in ["crowd", "crowds", "حشود", "الحشود", "جموع", "الجموع", "الجماهير", "جماهير",
                 "толпа", "толпы", "натовп", "foule"]
)  # fmt: skip
_MILITARY_WORDS: Final = frozenset(
    join_key(fold_phrase(word))
    for word in ["military", "militias", "عسكرية", "العسكرية", "عسكري", "العسكري", "عسكريا",
                 "военные", "військові", "militaire", "militaires"]
)  # fmt: skip
_ADJECTIVE_CUES: Final = REMOTE | frozenset({"attack"})
_BACKING: Final = frozenset({"backed", "led", "aligned", "supported", "sponsored", "allied"})
"""Words after a country adjective that make the country a backer ("Turkish-backed")."""
_OBJECT_STARTS: Final = frozenset(
    "the their his her its our my your a an some all them him it up".split()  # noqa: SIM905
)
"""Words that open the object of a transitive "gathered" ("gathered their belongings")."""
_OUTCOME_CUES: Final = frozenset({"kill", "execute", "wound"})
_DIGIT: Final = re.compile(r"\d")
_DATE_KINDS: Final = frozenset({"month", "weekday", "date", "week", "monthword"})
_LISTS: Final = frozenset({"intercept", "arrest"})
_NEG_WINDOW: Final = 3
_CALL_WINDOW: Final = 8
_FUTURE_WINDOW: Final = 7
_BACKGROUND_WINDOW: Final = 6
_SMALL_VILLAGE: Final = 5000
_OF: Final = frozenset({"of", "de", "du", "des", "d"})
_NO_ROLES: Final[frozenset[str]] = frozenset()
_NO_CONTEXT: Final[set[tuple[str, str]]] = set()
_IN: Final = frozenset({"in", "في", "в", "у", "dans", "en", "au"})
_HARM_WORDS: Final = frozenset({"kill", "execute", "wound", "sniper", "gunfire"})
_CLAUSE_WORDS: Final = frozenset(
    {"and", "while", "whereas", "but", "и", "а", "і", "та", "et", "mais"}
)
_CONJUNCTIONS: Final = frozenset({"and", "or", "as", "well", "et", "и", "і", "та", "او", "أو", "و"})
_OBJECT_MARKERS: Final = frozenset(
    {"from", "against", "with", "on", "of", "at", "targeting", "من", "ضد", "مع", "على", "от",
     "против", "проти", "contre", "avec", "sur"}
)  # fmt: skip
_AGENT_MARKERS: Final = frozenset({"by", "قبل", "силами", "par"})
_REPELLING: Final = frozenset(
    fold(word)
    for word in (
        "back", "repelled", "repelling", "repulsed", "repulsing", "expelled", "expelling",
        "routed", "ousted", "ousting", "defeated", "دحر", "دحرت", "طرد", "طردت",
        "فرار", "هروب", "انسحاب", "اندحار",
    )
)  # fmt: skip
"""Words right before an actor that make it the side driven off or fleeing ("pushed back
insurgents", "بعد فرار ميليشيات الأسد")."""
_WEAPONS: Final = frozenset(
    fold(word)
    for word in (
        "weapons", "weapon", "arms", "heavy", "سلاح", "اسلحه", "أسلحة", "الأسلحة", "السلاح",
        "оружие", "зброю", "armes",
    )
)  # fmt: skip
"""Words that make a handover one of weapons, not of territory."""
_UNDER_A_DEAL: Final = frozenset(
    fold(word) for word in ("under", "بموجب", "وفق", "وفقا", "согласно", "згідно")
)
"""Words before a deal that make it the frame of another event ("under the ceasefire deal")."""


@dataclass(slots=True)
class Sentence:
    """One sentence of a report as the matcher saw it, with lookups built once (``look``)."""

    index: int
    text: str
    raw: list[str]
    tokens: list[str]
    mentions: list[Mention]
    is_title: bool = False
    _look: Lookups | None = None

    @property
    def clauses(self) -> frozenset[int]:
        """Positions where a coordinated clause starts ("and", Arabic و-)."""
        return self.look.clauses

    @property
    def built_look(self) -> Lookups | None:
        """The lookups when already built (reading a sentence no cue made us read needs none)."""
        return self._look

    @property
    def look(self) -> Lookups:
        if self._look is None:
            self._look = Lookups(self)
        return self._look


class Lookups:
    """What the reader asks of a sentence again and again, by position (built once, in one
    pass over the mentions and one over the tokens)."""

    __slots__ = (
        "actor_cache",
        "actors",
        "adjectives",
        "armed",
        "attributes",
        "before_roles",
        "betweens",
        "civilian",
        "claim_cache",
        "clauses",
        "cues",
        "dated",
        "denials",
        "forces",
        "future_arabic",
        "has_between",
        "kinds_at",
        "latin_roles_at",
        "mods",
        "numbers",
        "objects",
        "of_at",
        "outcomes",
        "parties",
        "places",
        "roles_ending",
        "when",
        "who_spans",
        "years",
    )  # fmt: skip

    def __init__(self, sentence: Sentence) -> None:
        tokens = sentence.tokens
        roles_ending: dict[int, list[tuple[str, int]]] = {}
        latin_roles_at: dict[int, set[str]] = {}
        kinds_at: dict[int, set[str]] = {}
        places: list[Mention] = []
        cues: list[Mention] = []
        mods: list[Mention] = []
        actors: list[Mention] = []
        parties: set[str] = set()
        who_spans: set[tuple[int, int]] = set()
        denials: set[tuple[int, int]] = set()
        civilian = attributes = dated = outcomes = False
        months: set[tuple[int, int]] = set()
        betweens: list[Mention] = []  # "between", "road": a stretch between two places
        combatants: list[int] = []
        first_harm: int | None = None  # mentions come by start: the first is the earliest
        for m in sentence.mentions:
            kind = m.kind
            if kind == "place":
                places.append(m)
            elif kind == "cue":
                cues.append(m)
                if first_harm is None and m.value in _HARM_WORDS:
                    first_harm = m.start
                outcomes = outcomes or m.value in _OUTCOME_CUES
            elif kind == "actor":
                actors.append(m)
                who_spans.add((m.start, m.end))
            elif kind == "loc":
                role = str(m.value)
                roles_ending.setdefault(m.end, []).append((role, m.start))
                if not _is_arabic(tokens[m.start]):
                    latin_roles_at.setdefault(m.start, set()).add(role)
                if role == "seat":
                    kinds_at.setdefault(m.start, set()).add("seat")
                elif role == "between":
                    betweens.append(m)
            elif kind == "victim":
                civilian = civilian or m.value == "civilian"
                if m.value == "combatant":
                    combatants.append(m.start)
            elif kind == "mod":
                mods.append(m)
            elif kind == "party":
                parties.add(str(m.value))
                civilian = civilian or m.value == "civilians"
            elif kind == "death":
                outcomes = True
                if first_harm is None:
                    first_harm = m.start
            elif kind == "injury":
                outcomes = True
            elif kind == "source":
                who_spans.add((m.start, m.end))
            elif kind in {"say", "deny"}:
                kinds_at.setdefault(m.start, set()).add(kind)
                attributes = True
                if kind == "deny":
                    denials.add((m.start, m.end))
            elif kind == "according":
                attributes = True
            elif kind in _DATE_KINDS:
                dated = True
                if kind == "month" and _is_month_name(sentence, m):
                    months.add((m.start, m.end))
        if months:  # "on 3 March", "May 5": the month, not a march or a "may"
            cues = [m for m in cues if (m.start, m.end) not in months]
            mods = [m for m in mods if (m.start, m.end) not in months]
        self.places = places
        self.cues = cues
        self.mods = mods
        self.actors = actors
        self.parties = parties
        self.who_spans = who_spans
        self.denials = denials
        self.roles_ending = roles_ending
        self.latin_roles_at = latin_roles_at
        self.kinds_at = kinds_at
        self.attributes = attributes
        self.dated = dated
        self.outcomes = outcomes  # a death or injury word: fatalities may be counted
        self.civilian = civilian
        # "three soldiers were killed" / "killed two fighters": armed victims; "Fighters from
        # the RSF attacked ..., killing civilians": the fighters act, they are no victims
        self.armed = first_harm is not None and any(
            at > first_harm or not civilian for at in combatants
        )
        # positions of "of", of clause starts ("and", Arabic و-), of four-digit numbers (years,
        # when before this one) and of Arabic future verbs ("سيدخل", "ستبدأ")
        text, raw = sentence.text, sentence.raw
        of_at = (
            set() if _OF.isdisjoint(tokens) else {i for i, tok in enumerate(tokens) if tok in _OF}
        )
        clauses = (
            set()
            if _CLAUSE_WORDS.isdisjoint(tokens)
            else {i for i, token in enumerate(tokens) if token in _CLAUSE_WORDS}
        )
        if "و" in text:  # a word with the conjunction و- (a folded token without it)
            clauses.update(
                i
                for i in [i for i, word in enumerate(raw) if word[0] == "و"]
                if tokens[i][:1] != "و" and len(raw[i]) > 2 and tokens[i] not in _OF
            )
        numbers = (
            [(i, int(token)) for i, token in enumerate(tokens) if token.isdecimal()]
            if _DIGIT.search(text)
            else []
        )
        years = [(i, value) for i, value in numbers if len(tokens[i]) == 4]
        future_arabic: list[int] = []
        if "س" in text and any(_is_arabic(token) for token in tokens[:3]):
            starts = {m.start for m in sentence.mentions}
            future_arabic = [
                i
                for i in [i for i, word in enumerate(raw) if word[0] == "س"]
                if tokens[i][:1] == "س"
                and len(tokens[i]) > 3
                and tokens[i][1:2] in "يتنا"
                and i not in starts
            ]
        self.of_at = of_at
        self.clauses = frozenset(clauses)
        self.numbers = numbers
        self.years = years
        self.future_arabic = future_arabic
        # roles of the location words right before each position ("of" may come between)
        before: dict[int, set[str]] = {}
        for end, roles in roles_ending.items():
            for role, _ in roles:
                before.setdefault(end, set()).add(role)
                if end in of_at:
                    before.setdefault(end + 1, set()).add(role)
        self.before_roles = before
        self.betweens = betweens
        self.has_between = bool(betweens)
        self.actor_cache: dict[str | None, list[tuple[int, int, Actor]]] = {}
        self.objects: list[bool] | None = None  # per actor mention: named as a target
        self.forces: list[str] | None = None  # countries whose forces an adjective names
        self.adjectives: list[Mention] | None = None  # countries named by their adjective
        self.when: tuple[tuple[date, int] | None] | None = None  # the date it gives
        self.claim_cache: dict[str | None, Attribution | None] = {}

    def role_before(self, start: int, role: str) -> int | None:
        """Start of a location word of ``role`` right before position ``start`` (allowing
        "of" in between), or None."""
        for found, at in self.roles_ending.get(start, ()):
            if found == role:
                return at
        if start - 1 in self.of_at:
            for found, at in self.roles_ending.get(start - 1, ()):
                if found == role:
                    return at
        return None


class PlaceName(NamedTuple):
    """A place name as the matcher found it: the places it may stand for (indices into the
    gazetteer) and what they have in common, worked out once per name."""

    indices: tuple[int, ...]
    towns: bool  # some of them is no country
    countries: tuple[str, ...]  # the codes of those that are countries, in order
    only_country: str | None  # the one country code all of them share, if they share one
    small_only: bool  # all are small GeoNames villages (none the project's own)
    province: bool  # one of them is a province ("Idlib", "حماة", "Kharkiv")
    adjective: bool  # the name is a country's adjective ("Russian", "الروسية")
    province_name: bool  # the name is a province's name
    common_word: bool  # a common word, never a place on its own ("said", "مدينة")


@dataclass(slots=True)
class EventPlace:
    """A place mention resolved to one place, as a possible event place."""

    place: Place
    precision: int
    start: int
    end: int
    toward: bool = False  # "toward X": a destination (or, for a strike, its target)


@dataclass(slots=True)
class ProtoEvent:
    """Cues of one event at one place, while a report is being read."""

    signals: set[str]
    cue_start: int
    sentence: Sentence
    place: EventPlace | None = None
    weak: bool = False  # made of secondary cues only
    sub_event_type: str = ""
    fatalities: int = 0
    toll: bool = False
    sentences: list[Sentence] = field(default_factory=list)
    dated: Sentence | None = None
    places_after: list[EventPlace] = field(default_factory=list)  # a list it was first named in


@dataclass(frozen=True, slots=True)
class ReadingContext:
    """What the reader knows about the report besides its sentences."""

    report_id: str
    published_at: datetime
    language: str
    source_role: SourceRole
    source_name: str | None
    region: str | None
    source_side: str | None = None


class Reader:
    """Turns matched sentences into candidates (see the module docstring). Stateless."""

    def __init__(self, gazetteer: Gazetteer, actors: ActorDictionary) -> None:
        self.gazetteer = gazetteer
        self.actors = actors
        self._capitals = frozenset(gazetteer.capital_index.values())

    def place_name(self, key: str, indices: Sequence[int]) -> PlaceName:
        """The :class:`PlaceName` of the places a name (a folded key) may stand for: the value
        of a place mention (the matcher asks once per name)."""
        gazetteer = self.gazetteer
        places = [gazetteer.places[i] for i in indices]
        codes = {place.country_code for place in places}
        return PlaceName(
            indices=tuple(indices),
            towns=any(place.kind != "country" for place in places),
            countries=tuple(p.country_code for p in places if p.kind == "country"),
            only_country=next(iter(codes)) if len(codes) == 1 else None,
            small_only=all(
                place.kind == "city"
                and place.population < _SMALL_VILLAGE
                and place.geonames_id is not None
                for place in places
            ),
            province=any(place.kind == "admin1" for place in places),
            adjective=key in gazetteer.weak_country_keys,
            province_name=key in gazetteer.province_keys,
            common_word=" " not in key and key in gazetteer.common_words,
        )

    # -- whole report ------------------------------------------------------------------------

    def candidates(
        self, sentences: Sequence[Sentence], ctx: ReadingContext
    ) -> tuple[EventCandidate, ...]:
        if not sentences or _is_commentary(sentences):
            return ()
        if not any(m.kind == "cue" for sentence in sentences for m in sentence.mentions):
            return ()  # no event cue anywhere: no event, whatever the places
        countries = self._context_countries(sentences, ctx.region)
        published = local_date(ctx.published_at, ctx.region or _top(countries), ctx.language)
        # a sentence's event places are found when needed: for its cues, or for the lead
        # place (the first sentence that has any) when a later event has none of its own
        found: dict[int, list[EventPlace]] = {}

        def places_of(at: int) -> list[EventPlace]:
            places = found.get(at)
            if places is None:
                places = found[at] = self._event_places(sentences[at], countries)
            return places

        searched = 0
        lead_place: EventPlace | None = None

        def lead_before(stop: int) -> EventPlace | None:
            """The lead place: of the first sentence before ``stop`` that has event places."""
            nonlocal searched, lead_place
            while lead_place is None and searched < stop:
                places = places_of(searched)
                searched += 1
                if places:
                    lead_place = min(places, key=_lead_order)
            return lead_place

        events: list[ProtoEvent] = []
        for at, sentence in enumerate(sentences):
            new = self._sentence_events(sentence, partial(places_of, at), published.year)
            if not new:
                continue
            lead = lead_before(at)
            for event in new:
                if event.place is None and lead is not None and not event.weak:
                    event.place = lead
                self._absorb_or_add(events, event, lead)
        located: list[ProtoEvent] = []
        for event in events:
            if not event.sub_event_type:
                continue
            if event.place is None:
                event.place = lead_before(len(sentences))
            if event.place is None and event.sub_event_type == t.AGREEMENT:
                event.place = self._capital_of(_country_in(event.sentence, self.gazetteer))
            if event.place is None and event.sub_event_type not in PLACELESS_TYPES:
                continue
            located.append(event)
        if not located:
            return ()
        lead_date = published, t.TIME_DAY
        for sentence in sentences[:3]:
            found_date = _date_of(sentence, published)
            if found_date is not None:
                lead_date = found_date
                break
        lead_claim = self._lead_attribution(sentences, _top(countries))
        scored = [
            self._candidate(
                event,
                order,
                ctx=ctx,
                published=published,
                countries=countries,
                lead_date=lead_date,
                lead_claim=lead_claim,
            )
            for order, event in enumerate(located)
        ]
        scored.sort(key=lambda item: (-item[0], item[1]))
        out: list[EventCandidate] = []
        for n, (_, _, candidate) in enumerate(scored):
            object.__setattr__(candidate, "candidate_id", f"{ctx.report_id}#{n}")  # built here
            out.append(candidate)
        return tuple(out)

    def _context_countries(
        self, sentences: Sequence[Sentence], region: str | None
    ) -> dict[str, float]:
        """Countries the report is about, with weights: named countries, the source's region,
        and countries of places that can only be in one country."""
        weights: dict[str, float] = {}
        if region:
            weights[region.upper()] = 4.0
        for sentence in sentences:
            for m in sentence.mentions:
                if m.kind != "place":
                    continue
                name: PlaceName = m.value  # type: ignore[assignment]
                if name.countries:
                    weak = name.adjective
                    for code in name.countries:
                        weights[code] = weights.get(code, 0.0) + (1.0 if weak else 3.0)
                elif name.only_country is not None and _capitalized(sentence, m):
                    code = name.only_country
                    weights[code] = weights.get(code, 0.0) + 1.0
        return weights

    def _capital_of(self, country: str | None) -> EventPlace | None:
        index = self.gazetteer.capital_index.get(country or "")
        if index is None:
            return None
        return EventPlace(self.gazetteer.places[index], t.GEO_PROVINCE, -1, -1)

    # -- places ------------------------------------------------------------------------------

    def _event_places(self, sentence: Sentence, countries: dict[str, float]) -> list[EventPlace]:
        """The place mentions of a sentence that can be event places (module docstring)."""
        look = sentence.look
        if not look.places:
            return []
        tokens, raw = sentence.tokens, sentence.raw
        gazetteer = self.gazetteer
        before_roles, after_roles = look.before_roles, look.latin_roles_at
        who_spans = look.who_spans
        # 1. mentions that can be places at all
        kept: list[tuple[Mention, AbstractSet[str], AbstractSet[str]]] = []
        for m in look.places:
            start, end = m.start, m.end
            word = raw[start]
            if word[-1] == "-" and start + 1 < len(raw):  # "al-Bab": the name after the article
                word = raw[start + 1]
            first = word[0]
            if (
                first.isalpha()
                and (first.isascii() or "\u00c0" <= first <= "\u04ff")
                and not first.isupper()
            ):
                continue  # Latin and Cyrillic names are capitalized; Arabic has no case
            if (start, end) in who_spans or (
                any(s < start and end <= e for s, e in who_spans) and tokens[start - 1] not in _IN
            ):  # "Hayat Tahrir al-Sham": al-Sham (Damascus) only names the group
                continue  # ("الفصائل المحلية في السويداء" places the group: kept)
            before: AbstractSet[str] = before_roles.get(start) or _NO_ROLES
            if m.value.common_word and "province" not in before and "settlement" not in before:  # type: ignore[attr-defined]
                continue
            kept.append((m, before, after_roles.get(end) or _NO_ROLES))
        if not kept:
            return []
        # 2. provinces the sentence names as provinces (to place "Illinka, Donetsk region")
        admin_context: set[tuple[str, str]] = set()
        kinds_at = look.kinds_at
        for m, before, after in kept:
            if (m.end in kinds_at or m.end + 1 in kinds_at) and _is_metonym(
                sentence, m, self._capitals
            ):
                continue  # "the ministry in Moscow claimed": a government, no province
            if "province" in before or "province" in after or m.value.province_name:  # type: ignore[attr-defined]
                best = self._best_place(m.value.indices, countries, True, _NO_CONTEXT)  # type: ignore[attr-defined]
                if best is not None and best.admin1_code is not None:
                    admin_context.add((best.country_code, best.admin1_code))
        # 3. each remaining mention as an event place
        town_ends = {m.end for m, _, _ in kept if m.value.towns}  # type: ignore[attr-defined]
        town_starts = [m.start for m, _, _ in kept if m.value.towns]  # type: ignore[attr-defined]
        starts = {m.start for m, _, _ in kept}
        out: list[EventPlace] = []
        for m, before, after in kept:
            start, end = m.start, m.end
            name: PlaceName = m.value  # type: ignore[assignment]
            if (end in kinds_at or end + 1 in kinds_at) and _is_metonym(
                sentence, m, self._capitals
            ):
                continue
            if "near" in before:  # "Saraqib north of Hama": Hama only locates Saraqib
                near = look.role_before(start, "near")
                if near is not None and near in town_ends:
                    continue
            if look.has_between and _after_between(sentence, m, kept):
                continue
            if _locates_the_town_before(tokens, start, town_ends):
                continue  # "Beit Lahia in northern Gaza": Gaza only locates Beit Lahia
            if "quarter" in before and (end in starts or end + 1 in starts or end + 2 in starts):
                continue  # "حي X بمدينة Y": the city Y is the place
            if (
                end - start == 1
                and _is_arabic(tokens[start])
                and "settlement" not in before
                and "near" not in before
                and name.small_only
            ):
                continue
            province = "province" in before or "province" in after
            place = self._best_place(name.indices, countries, province, admin_context)
            if place is None or place.kind == "country":
                continue
            precision = t.GEO_EXACT
            if province and place.kind != "admin1" and not name.province:
                precision = t.GEO_NEAR  # "the countryside of Jableh": around the town
            elif province or place.kind == "admin1":
                region = gazetteer.region_of(place)
                if region is not None:
                    place = region
                precision = t.GEO_PROVINCE
            elif (
                "near" in before
                or place.kind == "region"
                or (
                    "near" in after
                    and not any(look.role_before(at, "near") == end for at in town_starts)
                )
            ):  # "Qamhana north of Hama": "north of" locates the town itself, precision 1
                precision = t.GEO_NEAR
            out.append(EventPlace(place, precision, start, end, "toward" in before))
        return _drop_containers(out) if len(out) > 1 else out

    def _best_place(
        self,
        indices: Sequence[int],
        countries: dict[str, float],
        province: bool,
        admin_context: set[tuple[str, str]],
    ) -> Place | None:
        places = self.gazetteer.places
        best: Place | None = None
        best_score = -1e9
        if len(indices) == 1:  # one place: no score to compare
            best, indices = places[indices[0]], ()
        for i in indices:
            place = places[i]
            score = math.log10(place.population + 10)
            score += 2.5 * countries.get(place.country_code, 0.0)
            if place.country_code in FOCUS:
                score += 1.5
            if place.kind == "admin1":
                score += 6.0 if province else -0.5
            elif place.kind == "country":
                score -= 1.0
            elif place.kind != "city":
                score += 2.0
            if place.geonames_id is None and place.kind == "city":
                score += 1.0  # the project's own entry: chosen on purpose
            if (place.country_code, place.admin1_code or "") in admin_context:
                score += 4.0
            if score > best_score:
                best, best_score = place, score
        if (
            best is not None
            and best.kind == "city"
            and admin_context
            and (best.country_code, best.admin1_code or "") not in admin_context
            and (
                best.population < 20000
                or all(country != best.country_code for country, _ in admin_context)
            )
        ):
            # "Illinka, Donetsk region" where the gazetteer knows only other Illinkas;
            # "قرية معان بريف حماة" where it knows only the Jordanian Ma'an
            same_country = [entry for entry in admin_context if entry[0] == best.country_code]
            for country, code in sorted(same_country or admin_context):
                index = self.gazetteer.admin1_index.get((country, code))
                if index is not None:
                    return places[index]
        return best

    # -- one sentence ------------------------------------------------------------------------

    def _sentence_events(
        self, sentence: Sentence, places_of: Callable[[], list[EventPlace]], year: int
    ) -> list[ProtoEvent]:
        """The events of one sentence; ``places_of`` gives its event places (asked for only
        when the sentence has live cues)."""
        has_cue = has_genre = strong = False
        for m in sentence.mentions:
            if m.kind == "cue":
                has_cue = True
                strong = strong or m.value in _STRONG_CUES
            elif m.kind == "genre":
                has_genre = True
        if not has_cue or (has_genre and not sentence.is_title and not strong):
            return []  # a post's genre words ("follow us") outweigh its weak cues
        cues = _live_cues(sentence, year)
        if not cues:
            return []
        places = places_of()
        cues = _resolve_context(cues, places, sentence)
        if not cues:
            return []
        primary = [c for c in cues if c.value in PRIMARY]
        secondary = [c for c in cues if c.value not in PRIMARY]
        protos: list[ProtoEvent] = []
        for cue in primary:
            signal: str = cue.value  # type: ignore[assignment]
            chosen = _choose_place(cue, places)
            targets: list[EventPlace | None] = [chosen]
            if chosen is not None and (signal in TERRITORY | REMOTE | CROWD | FIGHTING | _LISTS):
                targets = list(_coordinated(chosen, places, sentence))
            for target in targets:
                protos.append(ProtoEvent({signal}, cue.start, sentence, target))
        merged = _merge_in_sentence(protos)
        if merged:
            for cue in secondary:
                nearest = min(merged, key=lambda e: abs(e.cue_start - cue.start))
                nearest.signals.add(cue.value)  # type: ignore[arg-type]
        elif secondary:
            first = secondary[0]
            chosen = _choose_place(first, places)
            weak = ProtoEvent({c.value for c in secondary}, first.start, sentence, chosen)  # type: ignore[misc]
            weak.weak = True
            if chosen is not None:
                weak.places_after = [p for p in _coordinated(chosen, places, sentence)][1:]
            merged = [weak]
        for event in merged:
            event.sub_event_type = _sub_event_type(event.signals, sentence)
        merged = [e for e in merged if e.sub_event_type]
        self._attach_details(merged, sentence)
        return merged

    def _attach_details(self, events: list[ProtoEvent], sentence: Sentence) -> None:
        mentions = sentence.mentions
        look = sentence.look
        dated = sentence if look.dated else None
        if len(events) == 1:
            segments = [(0, len(sentence.tokens))]
        else:
            starts = sorted({e.cue_start for e in events})
            bounds = [0, *[max(0, s - 1) for s in starts[1:]], len(sentence.tokens)]
            by_start = {s: (bounds[k], bounds[k + 1]) for k, s in enumerate(starts)}
            segments = [by_start[e.cue_start] for e in events]
        shared: dict[tuple[int, int], tuple[int, bool]] = {}
        for event, (lo, hi) in zip(events, segments, strict=True):
            if (lo, hi) not in shared:
                inside = (
                    mentions
                    if lo == 0 and hi == len(sentence.tokens)
                    else [m for m in mentions if lo <= m.start < hi]
                )
                shared[(lo, hi)] = (
                    count_fatalities(sentence.tokens, inside, look.clauses, look.numbers)
                    if look.outcomes
                    else (0, False)
                )
                event.fatalities, event.toll = shared[(lo, hi)]
            event.sentences = [sentence]
            event.dated = dated

    # -- across sentences --------------------------------------------------------------------

    def _absorb_or_add(
        self, events: list[ProtoEvent], new: ProtoEvent, lead_place: EventPlace | None
    ) -> None:
        if new.weak and events:
            previous = events[-1]
            follows = previous.sentences[-1].index >= new.sentence.index - 1
            if follows and previous.sub_event_type not in _NOT_CONTINUED:
                new_place = new.place
                if not _same_place(previous, new):
                    new.place = None  # "The attack hit the Kyivskyi district": same event
                self._merge(events, previous, new)
                new.place = new_place
                return
        for old in reversed(events[-4:]):
            if not _joins(old, new):
                continue
            if new.weak and old.sub_event_type in _NOT_CONTINUED:
                continue
            self._merge(events, old, new)
            return
        if new.weak and new.place is None:
            if lead_place is None:
                return  # "killing five": nothing to attach to and nowhere to put it
            new.place = lead_place
        events.append(new)

    def _merge(self, events: list[ProtoEvent], old: ProtoEvent, new: ProtoEvent) -> None:
        """Fold a later sentence's event into an earlier one (and its place list, if the
        earlier one had no place: "Strikes hit A, B and C" -> one event each)."""
        old.signals |= new.signals
        old.sentences.extend(new.sentences)
        mods = {m.value for m in new.sentence.mentions if m.kind == "mod"}
        if new.toll:
            old.fatalities = max(old.fatalities, new.fatalities)
        elif "also" in mods:
            old.fatalities += new.fatalities
        else:
            old.fatalities = max(old.fatalities, new.fatalities)
        if new.place is not None and (
            old.place is None
            or (new.place.precision < old.place.precision and _same_area(old.place, new.place))
        ):
            old.place = new.place
            for extra in new.places_after:  # "Strikes hit A, B and C": one event each
                clone = ProtoEvent(set(old.signals), old.cue_start, old.sentence, extra)
                clone.sub_event_type = old.sub_event_type
                clone.sentences = list(old.sentences)
                clone.dated = old.dated
                events.append(clone)
        if old.dated is None:
            old.dated = new.dated
        territory = (t.NON_STATE_OVERTAKES_TERRITORY, t.GOVERNMENT_REGAINS_TERRITORY)
        if old.sub_event_type in (t.ARMED_CLASH, "") and new.sub_event_type in territory:
            old.sub_event_type = new.sub_event_type
        if old.sub_event_type in territory and "handover" in old.signals:
            old.sub_event_type = t.NON_VIOLENT_TRANSFER  # "There was no fighting."

    # -- output ------------------------------------------------------------------------------

    def _lead_attribution(
        self, sentences: Sequence[Sentence], country: str | None
    ) -> Attribution | None:
        for sentence in sentences[:2]:
            found = self._claim(sentence, country)
            if found is not None and found.stance == "affirm":
                return found
        return None

    def _claim(self, sentence: Sentence, country: str | None) -> Attribution | None:
        """The attribution a sentence makes for an event in ``country`` (cached once the
        sentence has its lookups)."""
        look = sentence.built_look
        if look is None:
            return attribution(sentence.mentions, self.actors, country)
        cache = look.claim_cache
        if country not in cache:
            # without an attribution word there is nothing to attribute
            cache[country] = (
                attribution(sentence.mentions, self.actors, country) if look.attributes else None
            )
        return cache[country]

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
        where = event.place
        location: Location | None = None
        country_code = where.place.country_code if where is not None else _top(countries)
        if where is not None:
            location = self.gazetteer.location(where.place, where.precision)
        # the country whose forces "the army" is: the location's, else the source's region,
        # else the countries the report names, else the home of an actor it names by name,
        # else the language's most likely one
        if where is None:
            actor_country = (
                (ctx.region.upper() if ctx.region else None)
                or country_code
                or _named_home(event)
                or LANGUAGE_COUNTRY.get(ctx.language)
            )
        else:
            actor_country = country_code
        country_name = self.gazetteer.country_name(actor_country) if actor_country else None
        actors, agent = self._actors(event, ctx, actor_country, country_name)
        sub = event.sub_event_type
        if sub in (t.NON_STATE_OVERTAKES_TERRITORY, t.GOVERNMENT_REGAINS_TERRITORY):
            sub = self._territory_type(event, agent, country_code)
        when = lead_date
        if event.dated is not None:
            when = _date_of(event.dated, published) or lead_date
        claim = self._claim(event.sentence, country_code)
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
        self,
        event: ProtoEvent,
        ctx: ReadingContext,
        country_code: str | None,
        country_name: str | None,
    ) -> tuple[tuple[Actor, ...], Actor | None]:
        """The event's actors (agent first) and the agent of its main cue, if one acts."""
        found: list[tuple[int, int, Actor]] = []  # (rank, position, actor)
        seen: set[str] = set()
        agent: Actor | None = None

        def add(actor: Actor, rank: int, position: int) -> None:
            if actor.name not in seen:
                seen.add(actor.name)
                found.append((rank, position, actor))

        for sentence in event.sentences[:3]:
            for item in self._sentence_actors(sentence, country_code):
                name = item[2].name
                if name not in seen:
                    seen.add(name)
                    found.append(item)
        if event.sentences:
            agent = self._agent(event, country_code)
        parties = event.sentences[0].look.parties if event.sentences else set()
        sub = event.sub_event_type
        if not found and ctx.source_role == "party" and ctx.source_name:
            source = self.actors.names.get(_fold_name(ctx.source_name))
            speaker = self.actors.resolve(source, country_code) if source is not None else None
            if speaker is not None:
                add(speaker, 0, -1)
        if sub in (t.PEACEFUL_PROTEST, t.PROTEST_WITH_INTERVENTION, t.EXCESSIVE_FORCE):
            add(self.actors.generic("protesters", country_code, country_name), 0, -1)
        elif sub == t.VIOLENT_DEMONSTRATION:
            add(self.actors.generic("rioters", country_code, country_name), 0, -1)
        if "gunmen" in parties and not found:
            add(self.actors.generic("gunmen", country_code, country_name), 0, 0)
        civilians = any(s.look.civilian for s in event.sentences[:2])
        if civilians and (
            t.EVENT_TYPE_OF[sub] in (t.VIOLENCE_AGAINST_CIVILIANS, t.EXPLOSIONS)
            or sub in (t.ARRESTS, t.LOOTING, t.OTHER, t.MOB_VIOLENCE)
        ):
            add(self.actors.generic("civilians", country_code, country_name), 2, 99)
        found.sort(key=_RANK_AND_POSITION)
        if agent is not None and agent.name in seen:
            found.sort(key=lambda item: item[2].name != agent.name)
        actors = tuple(
            _in_role(actor, _ROLES[n] if n < 2 else "assoc")
            for n, (_, _, actor) in enumerate(found)
        )
        return actors, agent

    def _sentence_actors(
        self, sentence: Sentence, country_code: str | None
    ) -> list[tuple[int, int, Actor]]:
        """(rank, position, actor) of every actor a sentence names, for an event in
        ``country_code`` (rank 1 for an object: "from the army"); cached per sentence."""
        look = sentence.look
        cache = look.actor_cache
        found = cache.get(country_code)
        if found is None:
            found = []
            resolve = self.actors.resolve
            for m, is_object in zip(look.actors, _objects(sentence), strict=True):
                if self._qualified(sentence, m):
                    continue
                actor = resolve(m.value, country_code)  # type: ignore[arg-type]
                if actor is not None:
                    found.append((1 if is_object else 0, m.start, actor))
            if look.forces is None:
                look.forces = self._forces_by_adjective(sentence)
            for cc in look.forces:
                state = self.actors.state_forces.get(cc)
                if state is not None:
                    found.append((0, 0, state.as_actor(country_code)))
            cache[country_code] = found
        return found

    def _forces_by_adjective(self, sentence: Sentence) -> list[str]:
        """Countries whose forces an adjective names next to a weapon or force ("Russian and
        Syrian warplanes", "غارات روسية", "Israeli strikes")."""
        out: list[str] = []
        look = sentence.look
        tokens = sentence.tokens
        for m in self._adjectives(sentence):
            if m.end < len(tokens) and tokens[m.end] in _BACKING:
                continue  # "Turkish-backed factions": the backer is no party to the event
            near = any(
                o.value in _ADJECTIVE_CUES
                and (0 <= o.start - m.end <= 2 or 0 <= m.start - o.end <= 1)
                for o in look.cues
            ) or any(
                (o.start > m.start or (o.end == m.start and _generic_forces(o)))
                and (0 <= o.start - m.end <= 2 or 0 <= m.start - o.end <= 1)
                for o in look.actors
            )
            if near:
                out.extend(m.value.countries)  # type: ignore[attr-defined]
        return out

    def _adjectives(self, sentence: Sentence) -> list[Mention]:
        """The mentions of a country by its adjective ("Russian", "الروسية"), cached."""
        look = sentence.look
        if look.adjectives is None:
            names = look.who_spans  # "Syrian" in "Syrian National Army" is part of a name
            look.adjectives = [
                m
                for m in look.places
                if m.value.adjective  # type: ignore[attr-defined]
                and not any(s <= m.start and m.end <= e for s, e in names)
            ]
        return look.adjectives

    def _qualified(self, sentence: Sentence, m: Mention) -> bool:
        """Whether a generic name of armed forces has a country adjective beside it ("Russian
        and Syrian warplanes", "الطيران الحربي السوري"): those countries' forces, found by
        :meth:`_forces_by_adjective`, not the event country's."""
        return _generic_forces(m) and any(
            a.start == m.end or a.end == m.start for a in self._adjectives(sentence)
        )

    def _agent(self, event: ProtoEvent, country_code: str | None) -> Actor | None:
        """The actor doing the event's main (primary) cue: the nearest actor that is not an
        object ("from the army", "against rebels")."""
        sentence = event.sentence
        best: tuple[int, Actor] | None = None
        for m, is_object in zip(sentence.look.actors, _objects(sentence), strict=True):
            if is_object:
                continue
            if m.start > event.cue_start:
                distance = m.start - event.cue_start
                if distance > 4 and sentence.tokens[m.start - 1] not in _AGENT_MARKERS:
                    continue
            else:
                distance = event.cue_start - m.end
                if distance > 8:
                    continue
            name: ActorName = m.value  # type: ignore[assignment]
            actor = (
                None if self._qualified(sentence, m) else self.actors.resolve(name, country_code)
            )
            if actor is None:
                continue
            if best is None or distance < best[0]:
                best = (distance, actor)
        return best[1] if best else None

    def _territory_type(
        self, event: ProtoEvent, agent: Actor | None, country_code: str | None
    ) -> str:
        if agent is None:
            return (
                t.GOVERNMENT_REGAINS_TERRITORY
                if "recapture" in event.signals
                else t.NON_STATE_OVERTAKES_TERRITORY
            )
        state = self.actors.state_forces.get(country_code or "")
        if agent.inter == t.STATE_FORCES and (
            state is None or agent.name == state.as_actor(country_code).name
        ):
            return t.GOVERNMENT_REGAINS_TERRITORY
        return t.NON_STATE_OVERTAKES_TERRITORY


_RANK_AND_POSITION: Final = itemgetter(0, 1)
_ROLES: Final = ("actor1", "actor2")
_IN_ROLE: dict[tuple[str, int, str], Actor] = {}


def _in_role(actor: Actor, role: str) -> Actor:
    """``actor`` in ``role`` (an Actor is immutable: one object per name, inter and role)."""
    if actor.role == role:
        return actor
    key = (actor.name, actor.inter, role)
    found = _IN_ROLE.get(key)
    if found is None:
        if len(_IN_ROLE) > _IN_ROLE_LIMIT:
            _IN_ROLE.clear()
        found = _IN_ROLE[key] = Actor(actor.name, actor.inter, role)  # type: ignore[arg-type]
    return found


_IN_ROLE_LIMIT: Final = 50_000


def _fold_name(name: str) -> str:
    return join_key(fold_phrase(name))


def _country_in(sentence: Sentence, gazetteer: Gazetteer) -> str | None:
    """The country a sentence places itself in ("took effect in Lebanon"), if any."""
    for m in sentence.mentions:
        if m.kind != "place" or m.start == 0:
            continue
        if sentence.tokens[m.start - 1] not in _IN:
            continue
        name: PlaceName = m.value  # type: ignore[assignment]
        if name.countries:
            return name.countries[0]
    return None


def _key(tokens: Sequence[str], m: Mention) -> str:
    """The dictionary key of a mention (its folded tokens)."""
    return tokens[m.start] if m.end - m.start == 1 else " ".join(tokens[m.start : m.end])


def _lead_order(place: EventPlace) -> tuple[bool, int]:
    """The lead place of a sentence: its first town (a province only when no town)."""
    return place.place.kind == "admin1", place.start


def _top(countries: dict[str, float]) -> str | None:
    return max(countries, key=lambda c: countries[c]) if countries else None


def _date_of(sentence: Sentence, published: date) -> tuple[date, int] | None:
    """The date a sentence gives (:func:`~sitrep.understand.dates.sentence_date`), cached once
    the sentence has its lookups (a report has one publication date)."""
    look = sentence.built_look
    if look is None:
        return sentence_date(sentence.tokens, sentence.mentions, published)
    if look.when is None:
        look.when = (sentence_date(sentence.tokens, sentence.mentions, published),)
    return look.when[0]


def _is_commentary(sentences: Sequence[Sentence]) -> bool:
    """Analysis, opinion and explainers mark themselves in the title or the first words."""
    for sentence in sentences[:2]:
        for m in sentence.mentions:
            if m.kind == "genre" and m.value in STRONG_GENRES and m.start < 8:
                return True
    return False


def _is_arabic(text: str) -> bool:
    return bool(text) and "\u0600" <= text[0] <= "\u06ff"


def _capitalized(sentence: Sentence, m: Mention) -> bool:
    """Latin and Cyrillic place names must be capitalized in the text; Arabic has no case."""
    char = sentence.raw[m.start][0]
    if char.isalpha() and (char.isascii() or "\u00c0" <= char <= "\u04ff"):
        return char.isupper()
    return True


def _live_cues(sentence: Sentence, year: int) -> list[Mention]:
    """Event cues not negated, future, asked about, called for or background."""
    look = sentence.look
    cues = look.cues
    if not cues or sentence.text.rstrip().endswith(("?", "؟")):
        return []
    mods = look.mods
    if mods:
        history = [m for m in mods if m.value == "history"]
        if history and not (look.dated and all(_is_year_phrase(sentence, m) for m in history)):
            return []
        if look.denials:  # "لا صحة لـ..." denies the event it names: no negation
            denials = look.denials
            mods = [m for m in mods if not (m.value == "neg" and (m.start, m.end) in denials)]
    years = [at for at, value in look.years if 1950 <= value < year]
    future_arabic = look.future_arabic
    if not mods and not years and not future_arabic:
        return [m for m in cues if m.value != "noise" and not _beside_the_event(sentence, m)]
    calls = [m for m in mods if m.value in ("call", "threat")]
    out: list[Mention] = []
    for m in cues:
        if m.value == "noise":
            continue
        blocked = False
        for mod in mods:
            gap = m.start - mod.end
            if (
                (mod.value == "neg" and 0 <= gap < _NEG_WINDOW)
                or (mod.value == "future" and 0 <= gap < _FUTURE_WINDOW)
                or (mod.value in ("background", "flee") and 0 <= gap < _BACKGROUND_WINDOW)
                or (mod.value == "history" and -_BACKGROUND_WINDOW < gap < _BACKGROUND_WINDOW)
            ):
                blocked = True
                break
        if blocked or any(0 < m.start - y <= 2 or 0 < y - m.start <= 1 for y in years):
            continue
        if _beside_the_event(sentence, m):
            continue
        if any(0 <= m.start - f < _FUTURE_WINDOW for f in future_arabic):
            continue
        if any(
            0 < m.start - c.start <= _CALL_WINDOW
            and not any(c.start < at <= m.start for at in look.clauses)
            and not (m.value in _ASSEMBLY and _crowd_demands(sentence, c))
            for c in calls
        ):
            continue  # "urged a ceasefire", "called for a protest on Friday"
        out.append(m)
    return out


def _is_year_phrase(sentence: Sentence, mod: Mention) -> bool:
    """A history marker that is only a past year ("in 2020", "since 2016", "عام 2016")."""
    return any(
        len(token) == 4 and token.isdecimal() for token in sentence.tokens[mod.start : mod.end]
    )


def _beside_the_event(sentence: Sentence, cue: Mention) -> bool:
    """A cue whose words name something else than its event: prisoners taken in a fight
    (:func:`_takes_prisoners`), a weapons store a strike hits ("غارة تستهدف مستودعات أسلحة": no
    seizure), weapons handed over ("تسليم السلاح الثقيل", "handed over their
    weapons": a term of a deal, no territory), or the deal a move is made under ("pulled out
    under the ceasefire deal", "بموجب الاتفاق": the move is the event, the deal is older)."""
    value = cue.value
    if value == "capture":
        return _takes_prisoners(sentence, cue)
    tokens = sentence.tokens
    if value == "handover":
        after = [tok for tok in tokens[cue.end : cue.end + 3] if tok not in _OBJECT_STARTS]
        return bool(after) and after[0] in _WEAPONS
    if value == "defuse":  # "غارة تستهدف مستودعات أسلحة": the depot is the strike's target
        return any(c.value in REMOTE and c.start < cue.start for c in sentence.look.cues)
    if value == "agreement":  # "under the ceasefire deal": only articles and cues between
        covered = {i for c in sentence.look.cues for i in range(c.start, c.end)}
        for at in range(cue.start - 1, max(-1, cue.start - 4), -1):
            if tokens[at] in _UNDER_A_DEAL:
                return True
            if tokens[at] not in _OBJECT_STARTS and at not in covered:
                return False
    return False


def _takes_prisoners(sentence: Sentence, cue: Mention) -> bool:
    """A capture cue whose object is a count of people ("captured five", "أسر 5 آخرين"), not
    a place: prisoners taken in a fight, no territory changing hands ("captured five villages"
    stays a capture)."""
    tokens = sentence.tokens
    at = cue.end
    if at >= len(tokens):
        return False
    width = 0
    if tokens[at].isdecimal():
        width = 1
    else:
        for m in sentence.mentions:
            if m.start == at and m.kind in ("num", "vague"):
                width = max(width, m.end - m.start)
    if not width:
        return False
    after = at + width
    return not any(m.start == after and m.kind in ("loc", "place") for m in sentence.mentions)


def _is_month_name(sentence: Sentence, m: Mention) -> bool:
    """A month word written as a month: capitalized, and next to a day number or inside the
    sentence ("on 3 March", "May 5"; not a sentence-opening "May God...")."""
    word = sentence.raw[m.start]
    if not word[:1].isupper():
        return False
    tokens = sentence.tokens
    beside = [tokens[i] for i in (m.start - 1, m.end) if 0 <= i < len(tokens)]
    return m.start > 0 or any(token.isdecimal() for token in beside)


def _people(sentence: Sentence) -> tuple[list[int], list[int]]:
    """Positions of a crowd of people (civilians, residents, protesters, "thousands", "crowds")
    and of armed people (actors, soldiers, police, gunmen, "military") in a sentence."""
    crowd: list[int] = []
    armed: list[int] = []
    for m in sentence.mentions:
        kind, value = m.kind, m.value
        if kind == "victim":
            (crowd if value == "civilian" else armed).append(m.start)
        elif kind == "party":
            (crowd if value in ("civilians", "protesters") else armed).append(m.start)
        elif kind == "actor":
            armed.append(m.start)
        elif kind == "vague" and isinstance(value, int) and value >= _MULTITUDE:
            crowd.append(m.start)
    for i, token in enumerate(sentence.tokens):
        if token in _CROWD_NOUNS:
            crowd.append(i)
        elif token in _MILITARY_WORDS:
            armed.append(i)
    return crowd, armed


def _crowd_demands(sentence: Sentence, call: Mention) -> bool:
    """Whether the ones who call, demand or appeal are a crowd ("residents demanding water
    staged a sit-in", Arabic "طالب المتظاهرون"): then a protest after the call is one, while
    officials' appeals and calls for a protest to come are no protest."""
    crowd, _ = _people(sentence)
    clauses = sentence.look.clauses
    return any(
        (at < call.start and not any(at < c <= call.start for c in clauses))
        or (_is_arabic(sentence.tokens[call.start]) and 0 < at - call.end + 1 <= 2)
        for at in crowd
    )


def _assembly(cue: Mention, signals: AbstractSet[str], sentence: Sentence) -> bool:
    """Whether a gathering word ("gathered", "rally", "تجمع", "حشود", "celebrations") tells of a
    crowd gathering — a protest, in ACLED's terms. Not when the sentence is about a strike or a
    battle (the gathering is a target: "استهداف تجمعات"), when no crowd of people is named,
    when armed people gather ("regime forces gathered", "حشود عسكرية", "a gathering of
    fighters"), or when people gather things ("families gathered their belongings")."""
    if signals & _NOT_ASSEMBLY:
        return False
    crowd, armed = _people(sentence)
    if not crowd and not signals & {"protest"}:
        return False
    clauses = sentence.look.clauses
    for at in armed:
        before = 0 < cue.start - at <= _SUBJECT_WINDOW and not any(
            at < c <= cue.start for c in clauses
        )
        if before or 0 <= at - cue.end < 2:
            return False
    after = sentence.tokens[cue.end] if cue.end < len(sentence.tokens) else ""
    return after not in _OBJECT_STARTS


def _same_target(cue: Mention, cues: Sequence[Mention], places: list[EventPlace]) -> bool:
    """Whether a territory cue of the sentence is placed where ``cue`` is ("took Deraa after
    an agreement") rather than elsewhere ("agreed to leave Deraa, and took Deir Ezzor")."""
    mine = _choose_place(cue, places)
    for other in cues:
        if other.value in TERRITORY and other is not cue:
            theirs = _choose_place(other, places)
            if mine is None or theirs is None or mine.place == theirs.place:
                return True
    return False


def _resolve_context(
    cues: list[Mention], places: list[EventPlace], sentence: Sentence
) -> list[Mention]:
    """Demote cues the rest of the sentence explains (module docstring, step 2), drop a
    "fall" that names no place, a ceasefire nobody agreed on."""
    signals = {str(c.value) for c in cues}
    if "gather" in signals:  # a gathering is a protest, or nothing the sentence tells of
        cues = [
            c._replace(value="protest") if c.value == "gather" else c
            for c in cues
            if c.value != "gather" or _assembly(c, signals, sentence)
        ]
        signals = {str(c.value) for c in cues}
    territory = bool(signals & (TERRITORY - {"fall"}))
    crowd = bool(signals & CROWD)
    violent = signals & (TERRITORY | FIGHTING | REMOTE | CROWD | AGAINST_PEOPLE)
    look = sentence.look
    civilians = look.civilian and not look.armed
    mentions = sentence.mentions
    out: list[Mention] = []
    for cue in cues:
        signal = str(cue.value)
        if signal == "fall":
            adjacent = any(
                0 <= p.start - cue.end <= 2 or 0 <= cue.start - p.end <= 1 for p in places
            )
            named_after = any(p.start < cue.start for p in places) and any(
                m.kind in ("actor", "party") and 0 <= m.start - cue.end <= 2 for m in mentions
            )
            if not (adjacent or named_after):
                continue
            territory = True
        if (
            signal == "kill"
            and civilians
            and not (violent - {"enter"})
            and "explosion" not in signals
        ):
            # a killing of civilians with no fighting or weapon named: an attack on them
            out.append(cue._replace(value="execute"))
            continue
        if signal == "enter" and civilians and "kill" in signals and not signals & FIGHTING:
            out.append(cue._replace(value="attack"))
            continue
        if signal == "ceasefire":
            if signals & {"agreement", "in_force"}:
                out.append(cue._replace(value="agreement"))
            continue
        demoted = (
            (signal in FIGHTING and (territory or crowd or signals & (AGAINST_PEOPLE | {"arrest"})))
            or (signal == "agreement" and territory and _same_target(cue, cues, places))
            or (signal in ("enter", "arrest") and crowd)
            or (signal == "enter" and signals & {"arrest", "abduct", "loot"})
            or (signal == "handover" and "agreement" in signals)
            or (signal == "displace" and len(signals & PRIMARY) > 1)
        )
        # a demoted cue turns into the secondary cue that carries the same weight
        out.append(cue._replace(value=_AS_SECONDARY[signal]) if demoted else cue)
    return out


_NOT_CONTINUED: Final = frozenset(
    {
        t.DISRUPTED_WEAPONS_USE,
        t.AGREEMENT,
        t.ARRESTS,
        t.CHANGE_TO_GROUP,
        t.BASE_ESTABLISHED,
        t.OTHER,
    }
)
"""Events a later "the strike killed three" does not continue."""

_REMOTE_PRECEDENCE: Final[tuple[tuple[frozenset[str], str], ...]] = (
    (frozenset({"chemical"}), t.CHEMICAL_WEAPON),
    (frozenset({"suicide"}), t.SUICIDE_BOMB),
    (frozenset({"intercept", "defuse"}), t.DISRUPTED_WEAPONS_USE),
    (AIR, t.AIR_DRONE_STRIKE),
    (frozenset({"ied"}), t.REMOTE_EXPLOSIVE),
    (frozenset({"grenade"}), t.GRENADE),
)
"""Method-specific cues, strongest first (an interception of drones is the interception)."""

_PRECEDENCE: Final[tuple[tuple[frozenset[str], str], ...]] = (
    (FIGHTING, t.ARMED_CLASH),
    (frozenset({"shell"}), t.SHELLING),
    (frozenset({"rape"}), t.SEXUAL_VIOLENCE),
    (frozenset({"abduct"}), t.ABDUCTION),
    (frozenset({"arrest"}), t.ARRESTS),
    (frozenset({"execute"}), t.ATTACK),
    (frozenset({"agreement"}), t.AGREEMENT),
    (frozenset({"base"}), t.BASE_ESTABLISHED),
    (frozenset({"change"}), t.CHANGE_TO_GROUP),
    (frozenset({"loot"}), t.LOOTING),
    (frozenset({"displace"}), t.OTHER),
    (frozenset({"explosion"}), t.REMOTE_EXPLOSIVE),
)
"""After crowds: the rest of the primary cues, then an unexplained explosion."""

_AS_SECONDARY: Final[dict[str, str]] = {
    "clash": "advance",
    "ambush": "advance",
    "agreement": "in_force",
    "enter": "attack",
    "arrest": "disperse",
    "handover": "withdraw",
    "displace": "destroy",
}
"""A demoted primary cue becomes the secondary cue that carries the same weight."""


def _is_metonym(sentence: Sentence, place: Mention, capitals: AbstractSet[int]) -> bool:
    """A national capital named as its government ("Damascus said", "Moscow's forces"); a
    verb that starts a new clause ("دمشق وتعلن") does not count."""
    kinds_at = sentence.look.kinds_at
    if place.end not in kinds_at and place.end + 1 not in kinds_at:
        return False
    name: PlaceName = place.value  # type: ignore[assignment]
    if capitals.isdisjoint(name.indices):
        return False
    return any(at in kinds_at and at not in sentence.clauses for at in (place.end, place.end + 1))


_DIRECTIONS: Final = frozenset(
    fold(word)
    for word in (
        "northern", "southern", "eastern", "western", "central", "north", "south", "east",
        "west", "northeastern", "northwestern", "southeastern", "southwestern",
    )
)  # fmt: skip


def _locates_the_town_before(
    tokens: Sequence[str], start: int, town_ends: AbstractSet[int]
) -> bool:
    """A place named right after a town, "in" it ("Beit Lahia in northern Gaza", "Ariha in
    Idlib"): it says where the town lies, the town is the event place."""
    at = start - 1
    if at >= 0 and tokens[at] in _DIRECTIONS:
        at -= 1
    if at >= 0 and tokens[at] == "the":
        at -= 1
    return at >= 1 and tokens[at] in _IN and at in town_ends


def _after_between(
    sentence: Sentence, m: Mention, kept: Sequence[tuple[Mention, object, object]]
) -> bool:
    """Y in "between X and Y" / "the X-Y road": one event, at X."""
    for between in sentence.look.betweens:
        first = next((p for p, _, _ in kept if p.start >= between.end), None)
        if first is not None and first is not m and first.start < m.start <= first.end + 2:
            return True
    return False


def _drop_containers(places: list[EventPlace]) -> list[EventPlace]:
    """A province or region named right after a town only to locate it ("Saraqib in Idlib
    province", "البصيرة بريف دير الزور", "Marjayoun in south Lebanon") is no event place."""
    towns = [p for p in places if p.precision < t.GEO_PROVINCE and p.place.kind != "region"]
    if not towns:
        return places
    return [
        p
        for p in places
        if not (
            (p.precision == t.GEO_PROVINCE or p.place.kind == "region")
            and any(
                0 <= p.start - town.end <= 3 and town.place.country_code == p.place.country_code
                for town in towns
            )
        )
    ]


def _choose_place(cue: Mention, places: list[EventPlace]) -> EventPlace | None:
    best: EventPlace | None = None
    best_score = -1e9
    movement = cue.value in TERRITORY | FIGHTING | {"advance", "withdraw", "displace"}
    for entry in places:
        distance = abs(entry.start - cue.start)
        score = -0.25 * distance
        if entry.start > cue.start:
            score += 0.7
        if entry.place.kind == "admin1":
            score -= 0.4
        if entry.toward and movement:
            score -= 3.0  # "advancing toward Homs": not there yet
        if score > best_score:
            best, best_score = entry, score
    return best


def _coordinated(
    chosen: EventPlace, places: list[EventPlace], sentence: Sentence
) -> list[EventPlace]:
    """The chosen place and the places listed with it ("A, B and C", "A وB")."""
    ordered = sorted(places, key=lambda p: p.start)
    index = next(i for i, p in enumerate(ordered) if p is chosen)
    out = [chosen]
    previous_end = chosen.end
    for entry in ordered[index + 1 :]:
        between = sentence.tokens[previous_end : entry.start]
        if len(between) > 2 or any(w not in _CONJUNCTIONS for w in between):
            break
        if entry.precision != chosen.precision:
            break
        out.append(entry)
        previous_end = entry.end
    return out


def _merge_in_sentence(protos: list[ProtoEvent]) -> list[ProtoEvent]:
    """Proto-events of one sentence at the same place (or without a place) become one."""
    merged: list[ProtoEvent] = []
    for proto in protos:
        for other in merged:
            if _same_place(other, proto) and _compatible(other.signals, proto.signals):
                other.signals |= proto.signals
                other.cue_start = min(other.cue_start, proto.cue_start)
                if proto.place is not None and (
                    other.place is None or proto.place.precision < other.place.precision
                ):
                    other.place = proto.place
                break
        else:
            merged.append(proto)
    return merged


def _same_place(a: ProtoEvent, b: ProtoEvent) -> bool:
    """Same place, or no place on one side, or one is the province of the other."""
    at_a, at_b = a.place, b.place
    if at_a is None or at_b is None:
        return True
    pa, pb = at_a.place, at_b.place
    if pa is pb or pa.name == pb.name:
        return True
    province = t.GEO_PROVINCE in (at_a.precision, at_b.precision)
    return province and pa.country_code == pb.country_code and pa.admin1_code == pb.admin1_code


def _same_area(a: EventPlace, b: EventPlace) -> bool:
    pa, pb = a.place, b.place
    return pa.country_code == pb.country_code and pa.admin1_code == pb.admin1_code


def _family(signal: str) -> str:
    if signal in TERRITORY:
        return "territory"
    if signal in FIGHTING or signal == "shell":
        return "fighting" if signal in FIGHTING else "shell"
    if signal in AIR:
        return "air"
    if signal in CROWD:
        return "crowd"
    if signal in ("intercept", "defuse"):
        return "disrupted"
    return signal


def _compatible(a: set[str], b: set[str]) -> bool:
    """Two sets of primary cues at one place can describe one event."""
    families = {_family(s) for s in a} | {_family(s) for s in b}
    if len(families) == 1:
        return True
    if families <= {"fighting", "shell"}:
        return True  # clashes with artillery: the clash
    return families <= {"disrupted", "air", "shell", "ied"} and "disrupted" in families


def _joins(old: ProtoEvent, new: ProtoEvent) -> bool:
    """Whether an event of a later sentence is the same as an earlier one (module docstring)."""
    if not _same_place(old, new):
        return False
    if new.weak:
        return True
    if new.sub_event_type == old.sub_event_type:
        return True
    territory = (t.NON_STATE_OVERTAKES_TERRITORY, t.GOVERNMENT_REGAINS_TERRITORY)
    if new.sub_event_type == t.NON_VIOLENT_TRANSFER and old.sub_event_type in territory:
        return True  # "... took Deir ez-Zor. There was no fighting."
    if old.sub_event_type in territory and new.sub_event_type == t.ARMED_CLASH:
        return new.place is not None and old.place is not None
    return (
        new.sub_event_type in territory
        and old.sub_event_type == t.ARMED_CLASH
        and new.place is not None
        and old.place is not None
    )


def _named_home(event: ProtoEvent) -> str | None:
    """The home country of the first actor the event's sentences name by a name of its own."""
    for sentence in event.sentences[:3]:
        for m in sentence.look.actors:
            name: ActorName = m.value  # type: ignore[assignment]
            for entry in name.entries:
                if entry.country:
                    return entry.country
    return None


def _generic_forces(m: Mention) -> bool:
    """An actor mention that is only a generic name of armed forces ("the army", "الجيش")."""
    name: ActorName = m.value  # type: ignore[assignment]
    return name.state_forces and not name.entries and not name.local


def _objects(sentence: Sentence) -> list[bool]:
    """For each actor mention of the sentence, whether it is named as a target (cached)."""
    look = sentence.look
    if look.objects is None:
        look.objects = [_is_object(sentence, m) for m in look.actors]
    return look.objects


def _is_object(sentence: Sentence, m: Mention) -> bool:
    """An actor named as the target or the other side ("from the army", "ضد قسد")."""
    if m.start == 0:
        return False
    tokens = sentence.tokens
    before = tokens[m.start - 1]
    if before in _OBJECT_MARKERS or before in _REPELLING:
        return True
    return m.start > 1 and before == "the" and tokens[m.start - 2] in _OBJECT_MARKERS | _REPELLING


def _sub_event_type(signals: set[str], sentence: Sentence) -> str:
    """The ACLED sub-event type a set of cues stands for (precedence in the module docstring)."""
    s = signals
    victims_civilian = sentence.look.civilian
    armed_victims = sentence.look.armed
    if s & {"capture", "recapture", "enter", "fall"}:
        return t.NON_STATE_OVERTAKES_TERRITORY
    if "handover" in s:
        return t.NON_VIOLENT_TRANSFER
    if "withdraw" in s and not s & PRIMARY:
        # a withdrawal under fire is a territory loss; without fighting, a transfer
        if s & (FIGHTING | {"advance", "attack", "kill"}):
            return t.NON_STATE_OVERTAKES_TERRITORY
        return t.NON_VIOLENT_TRANSFER
    for signals_of, sub in _REMOTE_PRECEDENCE:
        if s & signals_of:
            return sub
    if s & CROWD:
        if s & {"riot"}:
            return t.VIOLENT_DEMONSTRATION
        if s & {"mob", "lynch"}:
            return t.MOB_VIOLENCE
        if s & {"kill", "wound"}:
            return t.EXCESSIVE_FORCE
        if s & {"live_fire", "gunfire", "disperse", "arrest"}:
            return t.PROTEST_WITH_INTERVENTION
        return t.PEACEFUL_PROTEST
    for signals_of, sub in _PRECEDENCE:
        if s & signals_of:
            return sub
    # secondary cues only
    if s & {"kill", "gunfire", "sniper", "attack", "torture", "advance", "siege", "wound"}:
        if victims_civilian and not armed_victims:
            return t.ATTACK
        if s & {"attack", "advance", "siege", "kill", "sniper", "gunfire"}:
            return t.ARMED_CLASH
    if "withdraw" in s:
        return t.NON_VIOLENT_TRANSFER
    return ""

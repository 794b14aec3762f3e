"""The public face of understanding: :class:`ReportContext` in, :class:`Understanding` out.

:func:`default_understander` builds the process-wide :class:`Understander` once: the gazetteer
(``SITREP_PLACES_FILE`` adds the operator's place aliases), the actor dictionary
(``SITREP_ACTORS_FILE`` adds the operator's actors) and the cue lexicon, all folded into one
phrase index. Understanding one report is then pure dictionary work: no I/O, no global state
besides caches, safe to call from any thread.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from sitrep.records.model import EventCandidate, SourceRole
from sitrep.understand import lexicon
from sitrep.understand.actors import ActorDictionary
from sitrep.understand.events import Reader, ReadingContext, Sentence
from sitrep.understand.gazetteer import Gazetteer
from sitrep.understand.language import detect_language
from sitrep.understand.matching import PhraseIndex
from sitrep.understand.text import clean_text, fold_phrase, join_key, sentences, tokens


@dataclass(frozen=True, slots=True)
class ReportContext:
    """What is known about a report besides its text.

    ``published_at`` must be an aware datetime: relative dates ("yesterday", "on Saturday") are
    read against it. ``region`` is the ISO country code the source reports on (place context).
    """

    report_id: str
    text: str
    published_at: datetime
    source_role: SourceRole = "other"
    source_side: str | None = None
    source_name: str | None = None
    title: str | None = None
    lang_hint: str | None = None
    region: str | None = None


@dataclass(frozen=True, slots=True)
class Understanding:
    """The language, the display text and the event candidates of one report.

    ``candidates`` are ordered by salience (most salient first); empty for a non-event.
    """

    language: str
    clean_text: str
    candidates: tuple[EventCandidate, ...]


class Understander:
    """Finds ACLED-coded event candidates in a report's text. Pure and thread-safe.

    Build it with :meth:`load` (or use :func:`default_understander`); construction loads and
    indexes every dictionary, which takes a fraction of a second.
    """

    def __init__(self, gazetteer: Gazetteer, actors: ActorDictionary) -> None:
        self.gazetteer = gazetteer
        self.actors = actors
        self.reader = Reader(gazetteer, actors)
        # common words are known words: the matcher must not cut them down to a place name
        self.index = PhraseIndex(
            _terms(actors),
            gazetteer.keys,
            gazetteer.prefixes,
            gazetteer.vocabulary | gazetteer.common_words,
            place_value=self.reader.place_name,
        )

    @classmethod
    def load(cls, places_file: Path | None = None, actors_file: Path | None = None) -> Understander:
        """Load the project's dictionaries and, when given, the operator's files.

        Raises :class:`~sitrep.understand.gazetteer.GazetteerError` or
        :class:`~sitrep.understand.actors.ActorsError` naming the bad file and line.
        """
        gazetteer = Gazetteer.load(operator_file=places_file)
        actors = ActorDictionary.load(
            operator_file=actors_file, country_names=gazetteer.country_names
        )
        return cls(gazetteer, actors)

    def understand(self, ctx: ReportContext) -> Understanding:
        """Understand one report; never raises for any text (an empty text has no events)."""
        text = clean_text(ctx.text)
        title = clean_text(ctx.title) if ctx.title else ""
        parts: list[Sentence] = []
        words: list[str] = []
        if title and not text.startswith(title):
            parts.append(self._sentence(0, title, is_title=True))
            words.extend(parts[0].raw)
        for sentence_text in sentences(_DATELINE.sub("", text, count=1)):
            sentence = self._sentence(len(parts), sentence_text)
            words.extend(sentence.raw)
            parts.append(sentence)
        language = detect_language(f"{title}\n{text}" if title else text, words, ctx.lang_hint)
        reading = ReadingContext(
            report_id=ctx.report_id,
            published_at=ctx.published_at,
            language=language,
            source_role=ctx.source_role,
            source_name=ctx.source_name,
            region=ctx.region,
            source_side=ctx.source_side,
        )
        candidates = self.reader.candidates(parts, reading)
        return Understanding(language=language, clean_text=text, candidates=candidates)

    def _sentence(self, index: int, text: str, is_title: bool = False) -> Sentence:
        raw = tokens(text)
        folded = self.index.fold_tokens(raw)
        return Sentence(index, text, raw, folded, self.index.mentions(folded), is_title)


def _terms(actors: ActorDictionary) -> dict[str, list[tuple[str, object]]]:
    """Every phrase of the lexicon and the actor dictionary, folded, with what it means."""
    terms: dict[str, list[tuple[str, object]]] = {}

    def add(phrases: Iterable[str], kind: str, value: object) -> None:
        for phrase in phrases:
            key = join_key(fold_phrase(phrase))
            if not key:
                continue
            bucket = terms.setdefault(key, [])
            if (kind, value) not in bucket:
                bucket.append((kind, value))

    def split(phrases: str) -> list[str]:
        return [p for p in phrases.split("|") if p.strip()]

    for signal, phrases in lexicon.CUES.items():
        add(split(phrases), "cue", signal)
    add(split(lexicon.DEATH_WORDS), "death", None)
    add(split(lexicon.INJURY_WORDS), "injury", None)
    for name, phrases in lexicon.MODIFIERS.items():
        add(split(phrases), "mod", name)
    add(split(lexicon.GENRE), "genre", "post")
    for name, phrases in lexicon.STRONG_GENRES.items():
        add(split(phrases), "genre", name)
    for name, phrases in lexicon.VICTIMS.items():
        add(split(phrases), "victim", name)
    for name, phrases in lexicon.PARTIES.items():
        add(split(phrases), "party", name)
    for role, phrases in lexicon.LOCATION_WORDS.items():
        add(split(phrases), "loc", role)
    _add_mapping(add, lexicon.NUMBER_WORDS, "num")
    _add_mapping(add, lexicon.VAGUE_NUMBERS, "vague")
    _add_mapping(add, lexicon.RELATIVE_DAYS, "date")
    _add_mapping(add, lexicon.WEEKDAYS, "weekday")
    _add_mapping(add, lexicon.MONTHS, "month")
    for phrase in split(lexicon.WEEK_WORDS):
        add([phrase], "week", int(_is_past(phrase)))
    for phrase in split(lexicon.MONTH_WORDS):
        add([phrase], "monthword", int(_is_past(phrase)))
    add(split(lexicon.SAY), "say", None)
    add(split(lexicon.ACCORDING), "according", None)
    add(split(lexicon.DENY), "deny", None)
    for names, role_country in lexicon.SOURCES.items():
        add(split(names), "source", role_country)
    for key, actor in actors.names.items():
        terms.setdefault(key, []).append(("actor", actor))
    return terms


def _add_mapping(add: object, mapping: Mapping[str, int], kind: str) -> None:
    for phrase, value in mapping.items():
        add([phrase], kind, value)  # type: ignore[operator]


# "BEIRUT (Reuters) -", "DAMASCUS/AMMAN (Reuters) -", "KHARTOUM —", "بيروت (رويترز) -": where the
# reporter files from, not where the event is
_DATELINE = re.compile(
    r"^\s*(?:[A-Z][A-Z .,'/-]{2,60}\s*\([A-Za-z. ]{1,25}\)\s*[-—–:]+"
    r"|[A-Z]{3,}(?:[ /,][A-Z]{3,}){0,3}\s*[-—–]+"
    r"|[\u0600-\u06ff ]{2,30}\s*\([\u0600-\u06ff ]{1,20}\)\s*[-—–:]+)\s*"
)
_PAST_WORDS = ("last", "past", "earlier", "الماضي", "прошл", "минул", "dernier", "dernière")


def _is_past(phrase: str) -> bool:
    return any(word in phrase for word in _PAST_WORDS)


@lru_cache(maxsize=1)
def default_understander() -> Understander:
    """The process-wide :class:`Understander`, built once.

    ``SITREP_PLACES_FILE`` and ``SITREP_ACTORS_FILE`` name the operator's own alias files
    (formats in :mod:`sitrep.understand.gazetteer` and :mod:`sitrep.understand.actors`).
    """
    places = os.environ.get("SITREP_PLACES_FILE") or None
    actors = os.environ.get("SITREP_ACTORS_FILE") or None
    return Understander.load(
        places_file=Path(places) if places else None,
        actors_file=Path(actors) if actors else None,
    )

"""The public face of understanding: :class:`ReportContext` in, :class:`Understanding` out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from sitrep.records.model import EventCandidate, SourceRole
from sitrep.understand import taxonomy
from sitrep.understand.language import detect_language
from sitrep.understand.text import clean_text, fold, sentences, tokens


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


_CUES = {
    "airstrike": taxonomy.AIR_DRONE_STRIKE,
    "airstrikes": taxonomy.AIR_DRONE_STRIKE,
    "drone": taxonomy.AIR_DRONE_STRIKE,
    "غاره": taxonomy.AIR_DRONE_STRIKE,
    "غارات": taxonomy.AIR_DRONE_STRIKE,
    "shelling": taxonomy.SHELLING,
    "shelled": taxonomy.SHELLING,
    "قصف": taxonomy.SHELLING,
    "clashes": taxonomy.ARMED_CLASH,
    "اشتباكات": taxonomy.ARMED_CLASH,
    "captured": taxonomy.NON_STATE_OVERTAKES_TERRITORY,
    "سيطرت": taxonomy.NON_STATE_OVERTAKES_TERRITORY,
    "protest": taxonomy.PEACEFUL_PROTEST,
    "مظاهره": taxonomy.PEACEFUL_PROTEST,
}


class Understander:
    """Finds ACLED-coded event candidates in a report's text. Pure and thread-safe."""

    def understand(self, ctx: ReportContext) -> Understanding:
        """Understand one report; never raises for any text (an empty text has no events)."""
        text = clean_text(ctx.text)
        words = tokens(text)
        language = detect_language(words, ctx.lang_hint)
        found: list[EventCandidate] = []
        for sentence in sentences(text):
            for word in tokens(sentence):
                sub = _CUES.get(fold(word))
                if sub is not None:
                    found.append(
                        EventCandidate(
                            candidate_id=f"{ctx.report_id}#{len(found)}",
                            event_type=taxonomy.EVENT_TYPE_OF[sub],
                            sub_event_type=sub,
                            occurred_on=ctx.published_at.date().isoformat(),
                            time_precision=taxonomy.TIME_DAY,
                            location=None,
                            actors=(),
                            fatalities=0,
                            claim_status="reported",
                            evidence=sentence,
                        )
                    )
                    break
        return Understanding(language=language, clean_text=text, candidates=tuple(found))


@lru_cache(maxsize=1)
def default_understander() -> Understander:
    """The process-wide :class:`Understander` (dictionaries are loaded once)."""
    return Understander()

"""Language detection: script first, a function-word model only where script cannot decide.

Arabic script is Arabic unless letters only Persian, Urdu or Kurdish use are present; Cyrillic
splits into Ukrainian, Russian, Belarusian and Serbian by their own letters; Hebrew and Greek
are their own scripts. Latin script is decided by counting function words of English, French,
Spanish, German, Turkish, Italian and Portuguese. The source's declared language is the
tie-breaker, and the answer when the text has no letters at all ("und" without one).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from operator import itemgetter
from typing import Final


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_FUNCTION_WORDS: Final[dict[str, frozenset[str]]] = {
    "en": _words(
        "the of and in to a is was were on for with by said that from at has have been "
        "are it its after as this"
    ),
    "fr": _words(
        "le la les des de du et un une est dans par pour sur au aux ont été qui que selon "
        "ce cette il elle ont"
    ),
    "es": _words("el los las del y en por con que una un fue según se al"),
    "de": _words("der die das und ist mit von den im nach bei wurde sind ein eine"),
    "tr": _words("ve bir bu ile için da de olarak olan en çok göre"),
    "it": _words("il della di che è nel con sono gli le per secondo"),
    "pt": _words("o os as do da dos das em com que foi segundo uma um"),
}
_PERSIAN: Final = frozenset("پچژگ")
_URDU: Final = frozenset("ٹڈڑےں")
_KURDISH: Final = frozenset("ێۆڵڕە")
_UKRAINIAN: Final = frozenset("іїєґ")
_RUSSIAN: Final = frozenset("ыэъё")
_SERBIAN: Final = frozenset("ђћџјљњ")


def _script(char: str) -> str:
    if "\u0600" <= char <= "\u06ff" or "\u0750" <= char <= "\u077f":
        return "arabic"
    if "\u0400" <= char <= "\u04ff":
        return "cyrillic"
    if char.isascii() or "\u00c0" <= char <= "\u024f" or "\u1e00" <= char <= "\u1eff":
        return "latin"
    if "\u0590" <= char <= "\u05ff":
        return "hebrew"
    if "\u0370" <= char <= "\u03ff":
        return "greek"
    if "\u4e00" <= char <= "\u9fff":
        return "han"
    return "other"


_SAMPLE: Final = 40  # words enough to tell the script of a text
_OTHER_SCRIPTS: Final = {"hebrew": "he", "greek": "el", "han": "zh"}
_FIRST: Final = itemgetter(0)
# the first letters of the sampled words, joined, are counted per script by one search each
# (a digit starts no word of any script: the Arabic-Indic digits are cut out of the Arabic
# block, the ASCII digits out of the Latin one)
_ARABIC_LETTERS: Final = re.compile("[\u0600-\u065f\u066a-\u06ef\u06fa-\u06ff\u0750-\u077f]")
_CYRILLIC_LETTERS: Final = re.compile("[\u0400-\u04ff]")
_LATIN_LETTERS: Final = re.compile("[\x00-\x2f\x3a-\x7f\u00c0-\u024f\u1e00-\u1eff]")
_NOT_ARABIC: Final = re.compile("[" + "".join(sorted(_PERSIAN | _URDU | _KURDISH)) + "]")
"""Letters of Persian, Urdu or Kurdish in Arabic script: absent from nearly every Arabic text."""


def detect_language(text: str, words: Sequence[str], hint: str | None = None) -> str:
    """ISO 639-1 code of ``text`` (whose word tokens are ``words``), or ``"und"``.

    The script is counted over the first words (by their first letter); ``hint`` (the
    source's declared language) breaks ties and answers when nothing else can.
    """
    firsts = "".join(map(_FIRST, words[:_SAMPLE]))
    arabic = len(_ARABIC_LETTERS.findall(firsts))
    cyrillic = len(_CYRILLIC_LETTERS.findall(firsts))
    latin = len(_LATIN_LETTERS.findall(firsts))
    if not arabic and not cyrillic and not latin:
        scripts = {_script(char) for char in firsts if not char.isdigit()}
        for script, language in _OTHER_SCRIPTS.items():
            if script in scripts:
                return language
        return hint or "und"
    if arabic >= latin and arabic >= cyrillic:
        if not _NOT_ARABIC.search(text):
            return "ar"
        letters = set(text)
        if letters & _KURDISH:
            return "ckb"
        if letters & _URDU:
            return "ur"
        if letters & _PERSIAN:
            return "fa"
        return "ar"
    if cyrillic >= latin:
        letters = set(text.lower())
        if letters & _SERBIAN and not letters & _RUSSIAN:
            return "sr"
        if "ў" in letters:
            return "be"
        uk, ru = len(letters & _UKRAINIAN), len(letters & _RUSSIAN)
        if uk > ru:
            return "uk"
        if ru > uk:
            return "ru"
        return hint if hint in ("ru", "uk") else "ru"
    sample = words[: _SAMPLE * 2]
    # tokens hold no spaces: one lower() of the joined sample lowers every word alike
    lowered = " ".join(sample).lower().split(" ") if sample else []
    return _latin_language(lowered, hint)


def _word_languages() -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for lang, vocabulary in _FUNCTION_WORDS.items():
        for word in vocabulary:
            out[word] = (*out.get(word, ()), lang)
    return out


_WORD_LANGUAGE: Final = _word_languages()


def _latin_language(words: list[str], hint: str | None) -> str:
    """The language whose function words are the most frequent among ``words`` (lower case)."""
    scores = dict.fromkeys(_FUNCTION_WORDS, 0)
    known = _WORD_LANGUAGE
    for word, n in Counter([word for word in words if word in known]).items():
        for lang in known[word]:
            scores[lang] += n
    best = max(scores.values())
    if best == 0:
        return hint if hint else ("en" if words else "und")
    leaders = [lang for lang, score in scores.items() if score == best]
    if hint in leaders:
        return hint  # type: ignore[return-value]
    return leaders[0]

"""Text normalization: display cleaning, matching folds, sentences and tokens.

Two forms of a text exist:

- the **clean** form (:func:`clean_text`) is what a reader sees: Unicode NFC, invisible controls
  (zero-width, bidi marks, soft hyphen, BOM) removed, runs of spaces collapsed. Arabic keeps its
  letters and diacritics;
- the **folded** form of each token (:func:`fold`) is internal, for dictionary lookups: lower
  case, Latin diacritics and apostrophes removed, doubled Latin letters made single and "ou"
  read as "u" (transliterations disagree on both), Arabic normalized (hamza and alef forms to
  bare alef, ta marbuta to ha, alef maqsura to ya, diacritics and tatweel removed), Arabic-Indic
  and Persian digits to ASCII, Cyrillic yo to ye, and transliteration variants of common name
  parts mapped to one spelling (``deir``/``dayr``, ``tell``/``tal``/``tall``...).

Every dictionary (places, actors, event cues) is folded with the same :func:`fold_phrase`, so a
lookup matches whatever spelling the source used, as long as it folds to the same key.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Final

_INVISIBLE: Final = dict.fromkeys(
    [
        0x00AD,  # soft hyphen
        0x061C,  # Arabic letter mark
        0x180E,
        *range(0x200B, 0x2010),  # zero-width space/joiners, LRM, RLM
        *range(0x202A, 0x202F),  # bidi embeddings and overrides
        *range(0x2060, 0x2065),  # word joiner, invisible operators
        *range(0x2066, 0x206A),  # bidi isolates
        0xFEFF,  # BOM / zero-width no-break space
    ]
)
_INVISIBLE_CHARS: Final = re.compile("[" + "".join(chr(code) for code in _INVISIBLE) + "]")
_SPACES: Final = re.compile(r"[^\S\n]+")
_BLANK_LINES: Final = re.compile(r"\s*\n\s*(?:\n\s*)+")
_LINE_EDGES: Final = re.compile(r"[^\S\n]*\n[^\S\n]*")


def clean_text(text: str) -> str:
    """The display form of ``text``: NFC, invisible controls removed, whitespace tidied.

    Runs of spaces become one space, blank-line runs become one blank line, the ends are
    stripped. Letters (Arabic diacritics included) are never changed.
    """
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    if _INVISIBLE_CHARS.search(text):
        text = text.translate(_INVISIBLE)
    if "  " in text or "\t" in text or "\r" in text or "\xa0" in text or "\u2009" in text:
        text = _SPACES.sub(" ", text)
    if "\n" in text:
        text = _LINE_EDGES.sub("\n", text)
        text = _BLANK_LINES.sub("\n\n", text)
    return text.strip()


def _fold_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    # Latin letters with diacritics -> base letter
    for code in [*range(0x00C0, 0x0250), *range(0x1E00, 0x1F00)]:
        char = chr(code)
        base = unicodedata.normalize("NFD", char)[0]
        if base != char and base.isascii():
            table[code] = base.lower()
    table.update(
        {
            ord(c): r
            for c, r in {
                "ı": "i", "İ": "i", "ł": "l", "Ł": "l", "ø": "o", "Ø": "o", "đ": "d", "Đ": "d",
                "ħ": "h", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ð": "d", "þ": "th",
                "ə": "e", "Ə": "e", "ё": "е", "Ё": "е", "ґ": "г", "Ґ": "г",
                # Arabic: alef forms, ta marbuta, alef maqsura, hamza seats, Persian letters
                "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي", "ؤ": "و", "ئ": "ي",
                "ک": "ك", "ی": "ي", "ھ": "ه",
            }.items()
        }
    )  # fmt: skip
    # apostrophes and ayn/hamza signs inside Latin transliterations vanish
    for char in "'’‘`´ʼʻʿʾ′":
        table[ord(char)] = None
    # Arabic diacritics, Quranic marks, tatweel
    for code in [*range(0x0610, 0x061B), *range(0x064B, 0x0660), 0x0670, *range(0x06D6, 0x06EE)]:
        table[code] = None
    table[0x0640] = None
    # Arabic-Indic and Persian digits; Arabic thousands separator
    for n in range(10):
        table[0x0660 + n] = str(n)
        table[0x06F0 + n] = str(n)
    table[0x066C] = None  # ٬
    table[0x066B] = "."  # ٫
    return table


_FOLD: Final = _fold_table()

TRANSLITERATION: Final[dict[str, str]] = {}
"""Folded name-part variant -> the one spelling used in keys (filled by :func:`add_variants`)."""

_ARTICLE_TOKEN: Final = re.compile(r"^(?:a[lnrstdz]|e[lnrsdz]|ash|adh|ath|u[dlnrst])-$")
_POSSESSIVE_END: Final = ("'s", "’s")
_DOUBLED: Final = re.compile(r"([a-z])\1+")

_FOLD_CACHE: dict[str, str] = {}
_FOLD_CACHE_LIMIT: Final = 200_000


def _fold_word(token: str) -> str:
    if _ARTICLE_TOKEN.match(token.lower()):
        return "al"
    if token.endswith(_POSSESSIVE_END):
        token = token[:-2]
    word = token.translate(_FOLD).lower()
    if "," in word:  # 1,200: only numbers hold commas
        return word.replace(",", "")
    if word.isascii():
        # transliterations disagree on doubled letters and on French "ou" for "u"
        word = _DOUBLED.sub(r"\1", word).replace("ou", "u")
    return word


def fold(token: str) -> str:
    """The matching form of one token (see the module docstring). Cached; pure."""
    found = _FOLD_CACHE.get(token)
    if found is not None:
        return found
    if len(_FOLD_CACHE) > _FOLD_CACHE_LIMIT:
        _FOLD_CACHE.clear()
    word = _fold_word(token)
    folded = TRANSLITERATION.get(word, word)
    _FOLD_CACHE[token] = folded
    return folded


def add_variants(variants: Mapping[str, str]) -> None:
    """Register transliteration variants (``{"deir": "dayr"}``): both sides fold to the value.

    Called while dictionaries load, before any key is built; clears the fold cache.
    """
    for variant, canonical in variants.items():
        TRANSLITERATION[_fold_word(variant)] = _fold_word(canonical)
    _FOLD_CACHE.clear()


# A word: letters, digits, Arabic marks and tatweel, inner apostrophes and hyphens (split off
# afterwards, an Arabic article keeping its hyphen: "al-Bab" -> "al-", "Bab").
_WORD: Final = re.compile(r"[\w\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed'’ʼ`-]+")
# the comma comes first so that the search skips ahead to commas (a lookbehind first is slow)
_THOUSANDS: Final = re.compile(r",(?<=\d,)(?=\d{3}(?!\d))")
_ARTICLES: Final = frozenset(
    "al el as ad ar an at az ash adh ath ez es ed er en ud ul ur us ut un".split()  # noqa: SIM905
)
_APOSTROPHES: Final = "'’ʼ`"


def tokens(text: str) -> list[str]:
    """The tokens of ``text`` in order, unfolded: words (Arabic marks and inner apostrophes
    kept), numbers ("1,200" is one), and an Arabic article with its hyphen ("al-")."""
    if "," in text:
        text = _THOUSANDS.sub("", text)
    words: list[str] = _WORD.findall(text)
    if "-" not in text:
        if "'" not in text and "’" not in text and "`" not in text:
            return words
        return [bare for word in words if (bare := word.strip(_APOSTROPHES))]
    out: list[str] = []
    for word in words:
        if "-" in word:
            pieces = word.split("-")
            last = len(pieces) - 1
            for n, piece in enumerate(pieces):
                bare = piece.strip(_APOSTROPHES)
                if bare:
                    out.append(f"{bare}-" if n < last and bare.lower() in _ARTICLES else bare)
        else:
            bare = word.strip(_APOSTROPHES)
            if bare:
                out.append(bare)
    return out


def fold_phrase(phrase: str) -> tuple[str, ...]:
    """The folded tokens of a dictionary phrase: the key a lookup must produce to match it."""
    return tuple(fold(t) for t in tokens(clean_text(phrase)))


_BREAK_CHARS: Final = re.compile(r"[.!?؟…\n•▪►🔴🔻]")
_CLOSERS: Final = "\"'”’»)]"
_BULLETS: Final = "•▪►🔴🔻"


def sentences(text: str) -> list[str]:
    """Split clean text into sentences (and list items / lines).

    A sentence ends after ``.``, ``!``, ``?``, ``؟`` or ``…`` (and any closing quotes) followed
    by a space, at a line break, and before a bullet. A break after ``.`` followed by a
    lower-case Latin letter is no break ("U.S. forces").
    """
    out: list[str] = []
    start = 0
    size = len(text)
    for match in _BREAK_CHARS.finditer(text):
        at = match.start()
        if at < start:
            continue
        char = text[at]
        if char == "\n" or char in _BULLETS:
            cut, resume = at, at + 1
        else:
            end = at + 1
            while end < size and text[end] in _CLOSERS:
                end += 1
            if end >= size or text[end] not in " \n":
                continue
            cut, resume = end, end + 1
            if char == "." and resume < size and text[resume].islower() and text[resume].isascii():
                continue
        piece = text[start:cut].strip()
        if piece:
            out.append(piece)
        start = resume
    piece = text[start:].strip()
    if piece:
        out.append(piece)
    return out


def is_arabic_char(char: str) -> bool:
    return "\u0600" <= char <= "\u06ff" or "\u0750" <= char <= "\u077f"


def is_cyrillic_char(char: str) -> bool:
    return "\u0400" <= char <= "\u04ff"


def join_key(parts: Iterable[str]) -> str:
    """The dictionary key of folded tokens (space separated)."""
    return " ".join(parts)

"""Copies: reposts and near-identical texts found by a 128-bit SimHash over word pairs.

A report is a *copy* when it repeats a report seen before instead of reporting on its own:

- a Telegram forward names its origin (``Report.origin_id``, ``copy_reason="forward"``);
- a repost or a syndicated wire story carries (almost) the same text without saying so.

This module finds the second kind. :func:`fingerprint` reduces a text to 128 bits such that
texts sharing most of their word shingles differ in few bits; two reports are near-identical
when the Hamming distance of their fingerprints is at most :data:`COPY_MAX_DISTANCE`.

Why these numbers (``python bench/bench_dedupe.py`` prints the measurement): on the hand-made
table ``tests/unit/dedupe/data/copy_pairs.jsonl`` — English and Arabic reposts with added emoji,
headers, channel footers, links and hashtags, a trimmed end, a changed toll, against other
reports of the same event and template texts about other towns — copies lie at distance 0–20
of 128 and distinct texts at 44 or more. On 780 synthetic reposts of the table's distinct texts
(a header, a footer, a word dropped or changed, the end trimmed) against their 325 pairs, copies
have median 14, 99th percentile 28, maximum 32, and distinct pairs 1st percentile 46; at 32 no
repost is missed and the one "distinct" pair taken for a copy really is one (a lead sentence
and the longer story it was cut from); at 28, three reposts would be missed. Word pairs beat single words and triples, and
128 bits beat 64 (whose gap was half as wide). Texts with fewer than :data:`MIN_SHINGLES`
shingles are too short for SimHash to tell "same words" from "same template": they count as
copies only when their normalized words are identical.

Fingerprints use BLAKE2b, not Python's ``hash``: they are stored in state and compared across
processes, so they must not depend on ``PYTHONHASHSEED``.
"""

from __future__ import annotations

import re
import unicodedata
from hashlib import blake2b
from typing import Final

FINGERPRINT_BITS: Final = 128
COPY_MAX_DISTANCE: Final = 32
"""Largest Hamming distance (of 128 bits) between the fingerprints of a copy and its origin."""

MIN_SHINGLES: Final = 6
"""Below this many shingles a text is compared by exact normalized words only."""

SHINGLE_WORDS: Final = 2
MAX_SHINGLES: Final = 256
"""Long wire stories are fingerprinted on their first 256 word pairs (about 1,500 characters):
a syndicated copy repeats the lead, and the cap bounds the cost per report."""

_NOISE = re.compile(
    r"https?://\S+|www\.\S+|t\.me/\S+|[@#][\w\u0600-\u06ff]+",
    re.UNICODE,
)
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
# Combining marks left by NFKD: Latin accents, Arabic harakat, hamza above/below, Quranic marks.
_MARKS = re.compile("[\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")
_ARABIC_FOLD = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ى": "ي",
        "ة": "ه",
        "ؤ": "و",
        "ئ": "ي",
        "ـ": None,  # tatweel
    }
)
_BYTES: Final = FINGERPRINT_BITS // 8
_MASK: Final = (1 << FINGERPRINT_BITS) - 1

# _BIT_PLANES[b] maps a byte to its bit b (0 or 1): translating all shingle hashes with it gives
# the bits to count (see _majority).
_BIT_PLANES: Final = tuple(bytes((value >> bit) & 1 for value in range(256)) for bit in range(8))
_LANE_ROW: Final = 2 * FINGERPRINT_BITS  # bytes per digest spread into 16-bit lanes
# _OVER_HALF[h] maps a count to 1 when it is over h; _BINARY_DIGITS maps 0/1 to "0"/"1"
_OVER_HALF: Final = tuple(
    bytes(int(v > h) for v in range(256)) for h in range(MAX_SHINGLES // 2 + 1)
)
_BINARY_DIGITS: Final = bytes.maketrans(b"\x00\x01", b"01")


def words(text: str) -> list[str]:
    """The words a fingerprint is built from: links, @mentions and #hashtags dropped (channel
    footers), case and Arabic letter variants folded, diacritics removed."""
    text = _NOISE.sub(" ", text).casefold()
    if not text.isascii():
        text = _MARKS.sub("", unicodedata.normalize("NFKD", text).translate(_ARABIC_FOLD))
    return _WORD.findall(text)


def _shingles(tokens: list[str]) -> list[str]:
    if len(tokens) < SHINGLE_WORDS:
        return [" ".join(tokens)] if tokens else []
    n = min(len(tokens) - SHINGLE_WORDS + 1, MAX_SHINGLES)
    return [" ".join(tokens[i : i + SHINGLE_WORDS]) for i in range(n)]


def fingerprint(text: str) -> int:
    """The 128-bit SimHash of ``text`` (an unsigned int; 0 for a text without words).

    Deterministic across processes and platforms. Short texts (fewer than
    :data:`MIN_SHINGLES` shingles) get a plain hash of their normalized words instead, so that
    they only ever match an identical text.
    """
    return fingerprint_and_kind(text)[0]


def is_short(text: str) -> bool:
    """True when ``text`` is fingerprinted by exact words (see :data:`MIN_SHINGLES`)."""
    return fingerprint_and_kind(text)[1]


def fingerprint_and_kind(text: str) -> tuple[int, bool]:
    """``(fingerprint(text), is_short(text))`` for the price of one."""
    shingles = _shingles(words(text))
    if not shingles:
        return 0, True
    if len(shingles) < MIN_SHINGLES:
        digest = blake2b(" ".join(shingles).encode(), digest_size=_BYTES, person=b"sitrep-short")
        return int.from_bytes(digest.digest(), "big"), True
    digests = b"".join(
        blake2b(shingle.encode(), digest_size=_BYTES).digest() for shingle in set(shingles)
    )
    return _majority(digests, len(digests) // _BYTES), False


def _majority(digests: bytes, count: int) -> int:
    """The SimHash vote: bit ``i`` of the result is set when more than half of the ``count``
    digests (``_BYTES`` each, concatenated) have it set."""
    if count <= _SLICED_UP_TO:
        return _majority_sliced(digests, count)
    return _majority_lanes(digests, count)


# below this many digests, counting in bit slices is faster than spreading them into lanes
# (9 vs 17 µs for 8 digests, 20 vs 30 µs for 20; at 60, 62 vs 41 µs)
_SLICED_UP_TO: Final = 32


def _majority_sliced(digests: bytes, count: int) -> int:
    """:func:`_majority` with bit-sliced counters: ``planes[k]`` holds bit ``k`` of all 128
    counts at once, and each digest is added with a ripple carry (128-bit integer operations
    per digest, a few per carry); then each count is compared with ``count // 2 + 1`` from
    the highest bit down."""
    planes: list[int] = []
    for start in range(0, count * _BYTES, _BYTES):
        carry = int.from_bytes(digests[start : start + _BYTES])
        for k, plane in enumerate(planes):
            planes[k] = plane ^ carry
            carry &= plane
            if not carry:
                break
        else:
            if carry:
                planes.append(carry)
    threshold = count // 2 + 1
    if threshold.bit_length() > len(planes):
        return 0
    above, equal = 0, _MASK  # counts above / equal to the threshold's bits so far
    for k in range(len(planes) - 1, -1, -1):
        plane = planes[k]
        if threshold >> k & 1:
            equal &= plane
        else:
            above |= equal & plane
            equal &= ~plane & _MASK
    return above | equal


def _majority_lanes(digests: bytes, count: int) -> int:
    """:func:`_majority` for many digests.

    Each digest bit gets a 16-bit lane (counts go up to :data:`MAX_SHINGLES`): spreading the
    digests into lanes with ``bytes.translate`` and adding the rows as one big integer (halving
    the rows with each addition) counts all 128 positions at once at C speed.
    """
    lanes = bytearray(count * _LANE_ROW)
    for bit, table in enumerate(_BIT_PLANES):  # bit b of byte p goes to lane 8p + 7 - b
        lanes[2 * (7 - bit) + 1 :: 2 * 8] = digests.translate(table)
    total = int.from_bytes(lanes)
    rows = count
    while rows > 1:
        lower = rows // 2
        width = lower * _LANE_ROW * 8
        total = (total >> width) + (total & ((1 << width) - 1))
        rows -= lower
    counts = total.to_bytes(_LANE_ROW)
    half = count // 2
    # a lane is over half when its high byte is set (256) or its low byte is over half
    over = int.from_bytes(counts[1::2].translate(_OVER_HALF[half])) | int.from_bytes(counts[0::2])
    return int(over.to_bytes(FINGERPRINT_BITS).translate(_BINARY_DIGITS), 2)


def distance(a: int, b: int) -> int:
    """Hamming distance between two fingerprints."""
    return ((a ^ b) & _MASK).bit_count()


def similarity(a: int, b: int) -> float:
    """``1 - distance/bits``: 1.0 for equal fingerprints (recorded as the copy's merge score)."""
    return 1.0 - distance(a, b) / FINGERPRINT_BITS

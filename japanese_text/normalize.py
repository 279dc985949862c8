"""NFKC normalization that remembers where every normalized character came from.

Residents type half-width kana (ｼﾞｭｳﾐﾝﾋｮｳ), full-width digits and Latin letters; the models
should see one canonical form, but entity offsets must point into the text the resident
actually sent. Normalizing cluster by cluster (a base character plus the marks that compose
with it) keeps an exact map from each normalized character back to its original span.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Half-width voiced/semi-voiced sound marks compose with the preceding half-width kana under
# NFKC (ｶﾞ -> ガ) although unicodedata does not classify them as combining characters.
_HALFWIDTH_SOUND_MARKS = {"\uff9e", "\uff9f"}
_VARIATION_SELECTORS = range(0xFE00, 0xFE10)
_INVISIBLE_CATEGORIES = ("Cc", "Cf", "Cs", "Co")
_ZERO_WIDTH_JOINER = "\u200d"
_WHITESPACE = re.compile(r"\s+")


def _joins_previous(char: str) -> bool:
    return (
        unicodedata.combining(char) != 0
        or char in _HALFWIDTH_SOUND_MARKS
        or char in ("\u3099", "\u309a", _ZERO_WIDTH_JOINER)
        or ord(char) in _VARIATION_SELECTORS
    )


def is_invisible(char: str) -> bool:
    """Control, format, surrogate and private-use characters, and U+FFFD.

    They carry no meaning in a question, confuse the tokenizer, and can hide content in logs
    (NUL, bidi overrides, zero-width spaces).
    """
    return unicodedata.category(char) in _INVISIBLE_CATEGORIES or char == "\ufffd"


def clean_text(text: str) -> str:
    """Invisible characters become spaces; runs of whitespace become one space; trimmed."""
    spaced = "".join(" " if is_invisible(char) else char for char in text)
    return _WHITESPACE.sub(" ", spaced).strip()


def _is_control(char: str) -> bool:
    # The joiner stays: it holds emoji sequences together (see _joins_previous).
    return is_invisible(char) and char != _ZERO_WIDTH_JOINER


@dataclass(frozen=True)
class NormalizedText:
    """Normalized text plus, for each of its characters, the original span it came from."""

    original: str
    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Maps a [start, end) span of the normalized text to the original text."""
        if start >= end:
            position = self.starts[start] if start < len(self.starts) else len(self.original)
            return position, position
        return self.starts[start], self.ends[end - 1]


def normalize_with_offsets(text: str) -> NormalizedText:
    """NFKC-normalizes `text` and maps every output character to its source span.

    Control characters become spaces (they carry no meaning for residents' questions, and a
    space keeps neighbouring words apart). Output characters of one cluster all map to the
    whole cluster, so a token never starts or ends in the middle of a composed character.
    """
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    i = 0
    n = len(text)
    while i < n:
        j = i + 1
        while j < n and _joins_previous(text[j]):
            j += 1
        cluster = text[i:j]
        normalized = " " if _is_control(cluster[0]) else unicodedata.normalize("NFKC", cluster)
        for char in normalized:
            out.append(char)
            starts.append(i)
            ends.append(j)
        i = j
    return NormalizedText(text, "".join(out), tuple(starts), tuple(ends))

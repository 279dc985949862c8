"""Which script a message is written in: residents sometimes write in English."""

from __future__ import annotations

import re
import unicodedata

# HTML-like tags are not words a resident wrote ("<script>" is markup, not English)
_MARKUP_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
# Fewer Latin letters than this is a word or an abbreviation inside Japanese (DX, PIN).
MIN_LATIN_LETTERS = 6


def _is_japanese(char: str) -> bool:
    name = unicodedata.name(char, "")
    return name.startswith(("HIRAGANA", "KATAKANA", "CJK UNIFIED", "HALFWIDTH KATAKANA"))


def is_english(text: str) -> bool:
    """Latin letters and no Japanese at all ("How do I apply for a My Number card?").

    Romanized Japanese ("kaji desu") counts as English too: a reply in English serves a
    resident who cannot type Japanese better than one in Japanese.
    """
    latin = 0
    for char in _MARKUP_TAG.sub(" ", unicodedata.normalize("NFKC", text)):
        if _is_japanese(char):
            return False
        if char.isascii() and char.isalpha():
            latin += 1
    return latin >= MIN_LATIN_LETTERS

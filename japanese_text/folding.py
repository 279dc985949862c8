"""Folding of spellings, so that the same word typed differently compares equal.

Residents write one word many ways: full- or half-width (ﾏｲﾅ, マイナ), upper or lower case,
katakana or hiragana (カード, かーど). Two strengths are needed: the lexicon keeps katakana
and hiragana apart (it lists both forms of a reading itself), while entity values fold them.
"""

from __future__ import annotations

import unicodedata


def hiragana_to_katakana(text: str) -> str:
    return "".join(chr(ord(c) + 0x60) if "ぁ" <= c <= "ゖ" else c for c in text)


def katakana_to_hiragana(text: str) -> str:
    return "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in text)


def fold_width_and_case(text: str) -> str:
    """NFKC (full-width Latin and digits, half-width kana) and lower case."""
    return unicodedata.normalize("NFKC", text).lower()


def fold_spelling(text: str) -> str:
    """`fold_width_and_case`, katakana as hiragana, no surrounding space."""
    return katakana_to_hiragana(fold_width_and_case(text)).strip()

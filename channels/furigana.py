"""Furigana for the kiosk: bot answers split into parts, with a hiragana reading on kanji.

The kiosk renders the parts with <ruby>/<rt> through DOM APIs, so the server returns data,
never HTML: a bot answer that contains markup stays plain text. Every character of the
input is kept (the parts concatenate to the original text exactly), so switching furigana
off and on can never change what the resident reads.

Readings come from the shared segmenter (fugashi + unidic-lite, with the staff-curated
lexicon first). Okurigana are left without ruby when the kana in the word can be matched
against the reading (申し込む -> 申[もう]し込[こ]む); when that is ambiguous, the whole word
carries the reading, which is less pretty but never wrong about which kanji reads how.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from japanese_text import Lexicon, Word, WordSegmenter, fold_spelling, fold_width_and_case

# Characters written inside kanji compounds: the iteration mark and the small ke of 霞ヶ関,
# which read differently from the kana they look like, so they belong to the kanji run.
_KANJI_LIKE = {"々", "〆", "ヶ", "ヵ"}


def is_kanji(char: str) -> bool:
    code = ord(char)
    return (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0xF900 <= code <= 0xFAFF
        or 0x20000 <= code <= 0x3134F
    )


def _in_kanji_run(char: str) -> bool:
    return is_kanji(char) or char in _KANJI_LIKE


def has_kanji(text: str) -> bool:
    return any(is_kanji(c) for c in text)


@dataclass(frozen=True)
class RubyPart:
    """A piece of text; `reading` (hiragana) is set only on pieces that contain kanji."""

    text: str
    reading: str | None = None


def _runs(text: str) -> list[tuple[str, bool]]:
    """Splits `text` into maximal runs of kanji and of everything else."""
    runs: list[tuple[str, bool]] = []
    for char in text:
        kanji = _in_kanji_run(char)
        if runs and runs[-1][1] == kanji:
            runs[-1] = (runs[-1][0] + char, kanji)
        else:
            runs.append((char, kanji))
    return runs


def _as_reading(kana: str) -> str:
    """What a non-kanji run looks like inside a hiragana reading (ｶﾞ, ガ -> が)."""
    return fold_spelling(kana)


def split_word(text: str, reading: str | None) -> list[RubyPart]:
    """Ruby over the kanji runs of one word only, when the kana runs pin the split down.

    The kana runs become literal anchors and each kanji run a group; the split is taken only
    when the shortest and the longest groups agree, i.e. the reading divides one way.
    """
    if not reading or not has_kanji(text):
        return [RubyPart(text)]
    runs = _runs(text)
    if len(runs) == 1:
        return [RubyPart(text, reading)]
    lazy = "".join("(.+?)" if kanji else re.escape(_as_reading(run)) for run, kanji in runs)
    greedy = "".join("(.+)" if kanji else re.escape(_as_reading(run)) for run, kanji in runs)
    short, long = re.fullmatch(lazy, reading), re.fullmatch(greedy, reading)
    if short is None or long is None or short.groups() != long.groups():
        return [RubyPart(text, reading)]
    readings = iter(short.groups())
    return [RubyPart(run, next(readings)) if kanji else RubyPart(run) for run, kanji in runs]


def _merge_plain(parts: list[RubyPart]) -> list[RubyPart]:
    """Joins neighbouring parts without reading: fewer DOM nodes, same text."""
    merged: list[RubyPart] = []
    for part in parts:
        if not part.text:
            continue
        if merged and part.reading is None and merged[-1].reading is None:
            merged[-1] = RubyPart(merged[-1].text + part.text)
        else:
            merged.append(part)
    return merged


class FuriganaAnnotator:
    """Turns text into RubyParts; one per process, the taggers are created on first use."""

    def __init__(self, lexicon: Lexicon | None = None) -> None:
        self._lexicon = lexicon or Lexicon()
        self._segmenter = WordSegmenter(self._lexicon)
        self._plain = WordSegmenter(Lexicon())

    def annotate(self, text: str) -> list[RubyPart]:
        return _merge_plain(self._cover(text, self._segmenter))

    def _cover(self, text: str, segmenter: WordSegmenter) -> list[RubyPart]:
        """Parts for every word plus the text between words (spaces, skipped characters)."""
        parts: list[RubyPart] = []
        cursor = 0
        for word in segmenter.segment(text):
            if word.start < cursor:  # never emit a character twice
                continue
            parts.append(RubyPart(text[cursor : word.start]))
            parts.extend(self._word_parts(text, word, segmenter))
            cursor = word.end
        parts.append(RubyPart(text[cursor:]))
        return parts

    def _word_parts(self, text: str, word: Word, segmenter: WordSegmenter) -> list[RubyPart]:
        if not has_kanji(word.text) or _is_counter_after_digit(text, word):
            return [RubyPart(word.text)]
        if segmenter is self._segmenter and self._is_lexicon_variant(word):
            # The lexicon maps variants to the canonical term and its reading
            # (一時停止 -> 一時利用停止), which is right for search but wrong as furigana.
            return self._cover(word.text, self._plain)
        return split_word(word.text, word.reading)

    def _is_lexicon_variant(self, word: Word) -> bool:
        if self._lexicon.reading_of(word.lemma) is None:
            return False
        return fold_width_and_case(word.normalized) != fold_width_and_case(word.lemma)


def _is_counter_after_digit(text: str, word: Word) -> bool:
    """A single kanji after a number (1日, 3月, 10円): unidic reads 1日 as か, not ついたち.

    Readers know these counters; a wrong reading is worse than none.
    """
    return len(word.text) == 1 and word.start > 0 and text[word.start - 1].isdigit()


@lru_cache(maxsize=4)
def annotator_for(lexicon_path: Path | None) -> FuriganaAnnotator:
    """One annotator per lexicon file, shared by all requests of the process."""
    if lexicon_path is not None and lexicon_path.is_file():
        return FuriganaAnnotator(Lexicon.load(lexicon_path))
    return FuriganaAnnotator()

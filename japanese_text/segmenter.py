"""Morphological segmentation of residents' Japanese with offsets into the original text."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from japanese_text.folding import katakana_to_hiragana
from japanese_text.lexicon import Lexicon
from japanese_text.normalize import normalize_with_offsets

if TYPE_CHECKING:
    import fugashi


@dataclass(frozen=True)
class Word:
    """A word as the resident wrote it (`text`, `start`, `end`) plus what the models need."""

    text: str
    start: int
    end: int
    normalized: str
    lemma: str
    pos: str
    reading: str | None  # hiragana; None when the dictionary does not know the word


def _clean_lemma(lemma: str | None, fallback: str) -> str:
    """UniDic lemmas of loanwords carry their origin (カード-card); keep the Japanese part."""
    if not lemma or lemma == "*":
        return fallback
    head, sep, tail = lemma.partition("-")
    if sep and head and tail.isascii():
        return head
    return lemma


_tagger: fugashi.Tagger | None = None
# Guards creating the tagger and each parse: a parse reuses the tagger's lattice, and the
# nodes it returns read from it, so a parse and the reading of its nodes must not interleave
# with another thread's parse (the app segments in its action threads and in a reload).
_tagger_lock = threading.RLock()


def shared_tagger() -> fugashi.Tagger:
    """The process's one MeCab tagger, created on first use.

    fugashi never unmaps a tagger's dictionary (unidic-lite's sys.dic and matrix.bin, ~260 MB)
    when the tagger is dropped, so a tagger per segmenter made the app ~160 MiB larger at
    every knowledge reload (bench/knowledge_reload_bench.py). The tagger holds no lexicon of
    ours (each WordSegmenter applies its own), so one serves them all.
    """
    global _tagger
    with _tagger_lock:
        if _tagger is None:
            import fugashi

            _tagger = fugashi.Tagger()
        return _tagger


class WordSegmenter:
    """fugashi + unidic-lite, with domain terms from a Lexicon matched first.

    The tagger is created on first use, not at import, so that importing this module stays
    cheap for processes that never segment text.
    """

    def __init__(self, lexicon: Lexicon | None = None) -> None:
        self.lexicon = lexicon or Lexicon()

    @property
    def tagger(self) -> fugashi.Tagger:
        return shared_tagger()

    def segment(self, text: str) -> list[Word]:
        normalized = normalize_with_offsets(text)
        words: list[Word] = []
        for seg_start, seg_end, entry in self.lexicon.split(normalized.text):
            surface = normalized.text[seg_start:seg_end]
            if entry is not None:
                start, end = normalized.original_span(seg_start, seg_end)
                words.append(
                    Word(text[start:end], start, end, surface, entry.lemma, "名詞", entry.reading)
                )
                continue
            words.extend(self._tag(text, normalized, seg_start, surface))
        return words

    def _tag(self, text: str, normalized, offset: int, segment: str) -> list[Word]:
        with _tagger_lock:
            return self._words(text, normalized, offset, segment)

    def _words(self, text: str, normalized, offset: int, segment: str) -> list[Word]:
        words: list[Word] = []
        cursor = 0
        for node in self.tagger(segment):
            surface = node.surface
            if not surface or surface.isspace():
                continue
            local = segment.find(surface, cursor)
            if local < 0:  # MeCab never rewrites surfaces, but never trust an offset blindly
                continue
            cursor = local + len(surface)
            start, end = normalized.original_span(offset + local, offset + cursor)
            feature = node.feature
            kana = getattr(feature, "kana", None)
            words.append(
                Word(
                    text=text[start:end],
                    start=start,
                    end=end,
                    normalized=surface,
                    lemma=_clean_lemma(getattr(feature, "lemma", None), surface),
                    pos=getattr(feature, "pos1", None) or "",
                    reading=katakana_to_hiragana(kana) if kana and kana != "*" else None,
                )
            )
        return words

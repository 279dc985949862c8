"""Japanese terms for BM25: dictionary forms of content words, after normalization.

Particles, auxiliary verbs and symbols carry little meaning for search (を, は, です) and are
dropped; a few very common verbs and nouns of questions (する, ある, 方法, どう) too. The
domain lexicon turns hiragana and half-width spellings into the same term as kanji.
"""

from __future__ import annotations

from pathlib import Path

from japanese_text import Lexicon, WordSegmenter

STOP_POS = {"助詞", "助動詞", "補助記号", "記号", "空白", "接頭辞"}
STOP_LEMMAS = {
    "為る",
    "有る",
    "居る",
    "成る",
    "出来る",
    "良い",
    "無い",
    "此の",
    "其の",
    "何",
    "どう",
    "教える",
    "知る",
    "方法",
    "方",
    "事",
    "物",
    "よう",
    "ください",
    "下さる",
    "です",
    "ます",
    "欲しい",
    "思う",
    "言う",
    "分かる",
    "可能",
    "件",
    "場合",
    "ん",
}


class TermAnalyzer:
    """Text -> list of search terms (lemmas), the same for documents and queries."""

    def __init__(self, lexicon_path: Path | None = None) -> None:
        lexicon = Lexicon.load(lexicon_path) if lexicon_path and lexicon_path.is_file() else None
        self._segmenter = WordSegmenter(lexicon)

    def terms(self, text: str) -> list[str]:
        terms: list[str] = []
        for word in self._segmenter.segment(text):
            if word.pos in STOP_POS or word.lemma in STOP_LEMMAS:
                continue
            lemma = word.lemma.lower()
            if lemma.strip():
                terms.append(lemma)
        return terms

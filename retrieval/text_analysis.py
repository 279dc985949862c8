"""Japanese terms for BM25: dictionary forms of content words, after normalization.

Particles, auxiliary verbs and symbols carry little meaning for search (を, は, です) and are
dropped; a few very common verbs and nouns of questions (する, ある, 方法, どう) too. The
domain lexicon turns hiragana and half-width spellings into the same term as kanji.

Spellings are folded the same way on both sides: 旧字体 become 新字体 before segmentation
(國民健康保險 → 国民健康保険), lemmas are compared in hiragana (UniDic's lemma already
folds 送り仮名 and most kana/kanji spellings: 申込み, 申し込み → 申し込む). Each content word
also adds its Sudachi synonym groups (retrieval/synonyms.py), weighted lower in a query than
the words the resident typed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from japanese_text import Lexicon, WordSegmenter
from japanese_text.folding import katakana_to_hiragana
from retrieval.english_stopwords import english_stopwords, stopwords_signature
from retrieval.synonyms import SYNONYM_PREFIX, SynonymGroups, synonyms_available

KYUJITAI_FILE = Path(__file__).parent / "data" / "kyujitai.tsv"
# a synonym group counts this much in a query, against 1 for a word the resident typed
SYNONYM_QUERY_WEIGHT = 0.5

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
# the parts of speech that say what a question is about (not 接尾辞, 代名詞, 感動詞 ...)
CONTENT_POS = {"名詞", "動詞", "形容詞", "形状詞", "副詞"}


@dataclass(frozen=True)
class ContentWord:
    """A word that says what the question is about: its folded lemma (as in `terms`) and the
    synonym-group tokens of the word, so that a text saying 印鑑 covers a question's はんこ."""

    lemma: str
    synonyms: tuple[str, ...] = ()


@lru_cache(maxsize=1)
def kyujitai_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for line in KYUJITAI_FILE.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            old, new = line.split("\t")
            table[ord(old)] = new
    return table


def fold_characters(text: str) -> str:
    """旧字体 -> 新字体, character by character."""
    return text.translate(kyujitai_table())


class TermAnalyzer:
    """Text -> search terms (folded lemmas, synonym groups), the same for documents and
    queries; `query_weights` weighs a query's synonym groups below its own words."""

    def __init__(
        self,
        lexicon_path: Path | None = None,
        *,
        synonyms: bool = True,
        synonym_weight: float = SYNONYM_QUERY_WEIGHT,
        folding: bool = True,
    ) -> None:
        lexicon = Lexicon.load(lexicon_path) if lexicon_path and lexicon_path.is_file() else None
        self._segmenter = WordSegmenter(lexicon)
        self._synonyms = SynonymGroups() if synonyms else None
        self.synonym_weight = synonym_weight
        self._fold = fold_characters if folding else str
        self._fold_kana = katakana_to_hiragana if folding else str

    @property
    def signature(self) -> str:
        """What shapes the terms (part of the index key)."""
        synonyms = self._synonyms is not None and synonyms_available()
        english = stopwords_signature()
        return (
            f"synonyms={synonyms}:{self.synonym_weight}|folding={self._fold is not str}"
            f"|english_stopwords={english}"
        )

    def lemmas(self, text: str) -> list[str]:
        terms: list[str] = []
        for word in self._segmenter.segment(self._fold(text)):
            if word.pos in STOP_POS or word.lemma in STOP_LEMMAS:
                continue
            lemma = self._fold_kana(word.lemma.lower())
            if lemma.strip() and lemma not in english_stopwords():
                terms.append(lemma)
        return terms

    def content_words(self, text: str) -> list[ContentWord]:
        """The distinct content words of `text` (numbers left out: 3か月 and 3歳 say little
        about the topic), for measuring how much of a question a document covers."""
        words: dict[str, ContentWord] = {}
        for word in self._segmenter.segment(self._fold(text)):
            if word.pos not in CONTENT_POS or word.lemma in STOP_LEMMAS:
                continue
            lemma = self._fold_kana(word.lemma.lower())
            if not lemma.strip() or lemma.isdigit() or lemma in words:
                continue
            if lemma in english_stopwords():
                continue
            synonyms = self._synonyms.tokens(word.text) if self._synonyms is not None else []
            words[lemma] = ContentWord(lemma, tuple(dict.fromkeys(synonyms)))
        return list(words.values())

    def terms(self, text: str) -> list[str]:
        terms = self.lemmas(text)
        if self._synonyms is not None:
            terms += self._synonyms.tokens(self._fold(text))
        return terms

    def query_weights(self, text: str) -> dict[str, float]:
        return {
            term: count * (self.synonym_weight if term.startswith(SYNONYM_PREFIX) else 1.0)
            for term, count in Counter(self.terms(text)).items()
        }

"""Synonym groups for BM25, from Sudachi's dictionary (sudachidict-core, Apache-2.0).

Why: residents and the FAQ name one thing with different words (はんこ / 印鑑, 失くす / 紛失,
亡くなる / 死亡 / 逝去, 引っ越し / 転居), and BM25 only meets words spelled alike. Sudachi's
system dictionary tags each word with the ids of the synonym groups it belongs to (the groups
of Sudachi's synonym dictionary); two words that share an id are synonyms. Each content word
therefore adds one token per group id to the text's terms, on both sides, which is query
expansion without a list of group members to expand to. The dictionary is inside the wheel:
nothing is downloaded at run time.

The chikkarpy package (the synonym dictionary itself) downloads it while it is built, which
fails offline; the group ids in sudachidict-core need no more than the dictionary.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import TYPE_CHECKING

from retrieval.english_stopwords import english_stopwords

if TYPE_CHECKING:
    from sudachipy import Dictionary

SYNONYM_PREFIX = "≡"
# Sudachi refuses very long inputs; texts are cut into pieces of at most this many characters
MAX_PIECE_CHARS = 4000
# Sudachi part-of-speech heads of words that carry no topic
SKIPPED_POS = {"助詞", "助動詞", "補助記号", "記号", "空白", "接頭辞", "接尾辞", "代名詞"}


@lru_cache(maxsize=1)
def _dictionary() -> Dictionary | None:
    """One dictionary per process (it maps 200 MB of file; every analyzer shares it)."""
    try:
        from sudachipy import Dictionary

        return Dictionary(dict="core")
    except Exception:  # package missing or dictionary unreadable: BM25 goes without synonyms
        return None


def synonyms_available() -> bool:
    return _dictionary() is not None


class SynonymGroups:
    """Text -> the synonym-group tokens of its content words (Sudachi, split mode C)."""

    def __init__(self) -> None:
        self._local = threading.local()  # a Sudachi tokenizer is not safe across threads

    def _tokenizer(self):  # sudachipy.Tokenizer, imported lazily
        tokenizer = getattr(self._local, "tokenizer", None)
        if tokenizer is None:
            dictionary = _dictionary()
            if dictionary is None:
                return None
            from sudachipy import SplitMode

            tokenizer = dictionary.tokenizer(SplitMode.C)
            self._local.tokenizer = tokenizer
        return tokenizer

    def tokens(self, text: str) -> list[str]:
        tokenizer = self._tokenizer()
        if tokenizer is None or not text.strip():
            return []
        tokens: list[str] = []
        for start in range(0, len(text), MAX_PIECE_CHARS):
            for morpheme in tokenizer.tokenize(text[start : start + MAX_PIECE_CHARS]):
                if morpheme.part_of_speech()[0] in SKIPPED_POS:
                    continue
                if morpheme.surface().lower() in english_stopwords():
                    continue
                tokens.extend(f"{SYNONYM_PREFIX}{g}" for g in morpheme.synonym_group_ids())
        return tokens

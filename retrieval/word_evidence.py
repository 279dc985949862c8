"""How much of a question the words of a document cover, and how much of it no document mentions.

Why: a near-miss lands close to a real FAQ in both the dense and the BM25 ranking
(マイナンバーカードの色やデザインを変えたい -> マイナンバーを変更できますか), because most of its
words are ours. What gives it away is the rest: words that the top document does not contain
(色, デザイン), and above all words that nothing in the knowledge mentions (改葬, 散骨, 不妊治療).
Both are read from the BM25 index the retriever already holds, with the analyzer's lemmas and
synonym groups, so a question costs one more segmentation and no model call.
"""

from __future__ import annotations

from collections.abc import Sequence

from retrieval.bm25 import BM25Index
from retrieval.text_analysis import ContentWord


def _known(word: ContentWord, index: BM25Index) -> bool:
    return index.knows(word.lemma) or any(index.knows(s) for s in word.synonyms)


def unknown_share(words: Sequence[ContentWord], index: BM25Index) -> float:
    """Share of the question's content words that no indexed document contains, neither as
    the lemma nor through one of its synonym groups (0 for a question without content words:
    the BM25 score already says there is nothing to match)."""
    if not words:
        return 0.0
    return sum(not _known(w, index) for w in words) / len(words)


def coverage(words: Sequence[ContentWord], index: BM25Index, doc_index: int) -> float:
    """Share of the question's content words that the document contains (the lemma or a
    synonym group), each word weighted by its idf: missing 色 counts more than missing 変える,
    and a word no document knows counts most."""
    if not words:
        return 0.0
    terms = index.document_terms(doc_index)
    weights = [index.idf(w.lemma) for w in words]
    covered = sum(
        weight
        for word, weight in zip(words, weights, strict=True)
        if word.lemma in terms or any(s in terms for s in word.synonyms)
    )
    return covered / sum(weights)

"""The hybrid retriever with tiny hand-written vectors (the real model is tested elsewhere)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from retrieval.documents import Document
from retrieval.hybrid import FusionConfig, HybridRetriever
from retrieval.text_analysis import TermAnalyzer
from retrieval.vector_store import InMemoryVectorStore

# Each text maps to a direction: three topics in a 3-dimensional space.
TOPIC_VECTORS = {
    "住民票": np.array([1.0, 0.0, 0.0]),
    "児童手当": np.array([0.0, 1.0, 0.0]),
    "マイナンバー": np.array([0.0, 0.0, 1.0]),
}


class KeywordEmbedder:
    """Embeds a text as the normalized sum of the topic directions it mentions."""

    model_id = "keyword-test"

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        rows = []
        for text in texts:
            vector = sum((v for k, v in TOPIC_VECTORS.items() if k in text), np.full(3, 0.01))
            rows.append(vector / np.linalg.norm(vector))
        return np.array(rows, dtype=np.float32)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts)


DOCUMENTS = [
    Document(
        "jumin",
        "住民票の写しはどこでとれますか",
        "市民課の窓口でとれます。",
        phrasings=("住民票の写しはどこでとれますか", "住民票ほしい"),
    ),
    Document(
        "jidou",
        "児童手当の申請方法",
        "出生から15日以内に申請してください。",
        phrasings=("児童手当の申請方法", "子ども手当の手続き"),
    ),
    Document(
        "card",
        "マイナンバーカードをなくしたら",
        "一時利用停止をしてください。",
        phrasings=("マイナンバーカードをなくしたら",),
    ),
]


def make(mode: str) -> HybridRetriever:
    retriever = HybridRetriever(
        TermAnalyzer(), KeywordEmbedder(), mode=mode, store_factory=InMemoryVectorStore
    )
    retriever.index(DOCUMENTS)
    return retriever


@pytest.mark.parametrize("mode", ["hybrid", "dense", "bm25"])
@pytest.mark.parametrize(
    "query, expected",
    [
        ("住民票をとりたい", "jumin"),
        ("児童手当はいつ申請", "jidou"),
        ("マイナンバーカード紛失", "card"),
    ],
)
def test_each_mode_finds_the_right_document(mode: str, query: str, expected: str) -> None:
    hits = make(mode).search(query, top_k=3)

    assert hits[0].document.id == expected


def test_phrasings_count_as_dense_matches() -> None:
    hits = make("dense").search("住民票", top_k=1)

    assert hits[0].document.id == "jumin"
    assert hits[0].dense_score == pytest.approx(1.0, abs=0.02)


def test_fusion_keeps_documents_found_by_one_side_only() -> None:
    retriever = make("hybrid")

    fused = retriever._fuse({0: 0.9, 1: 0.5}, {2: 3.0})

    assert set(fused) == {0, 1, 2}
    assert fused[0] == pytest.approx(FusionConfig().dense_weight)


def test_unknown_mode_and_missing_embedder_are_rejected() -> None:
    with pytest.raises(ValueError):
        HybridRetriever(TermAnalyzer(), KeywordEmbedder(), mode="magic")
    with pytest.raises(ValueError):
        HybridRetriever(TermAnalyzer(), None, mode="dense")


def test_bm25_mode_needs_no_embedder() -> None:
    retriever = HybridRetriever(TermAnalyzer(), None, mode="bm25")
    retriever.index(DOCUMENTS)

    assert retriever.search("児童手当", top_k=1)[0].document.id == "jidou"

"""The hybrid retriever with tiny hand-written vectors (the real model is tested elsewhere)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from retrieval.documents import Document
from retrieval.hybrid import FusionConfig, HybridRetriever, fuse
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
    adapted = False

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


def test_reciprocal_rank_fusion_weighs_ranks_not_scores() -> None:
    rrf = FusionConfig(method="rrf", dense_weight=0.5, rrf_k=60)

    fused = fuse({0: 0.9, 1: 0.1}, {1: 50.0, 2: 40.0}, rrf)

    assert fused[1] > fused[0] > fused[2] or fused[1] > fused[2] > fused[0]
    assert fused[1] == pytest.approx(0.5 * 61 / 62 + 0.5 * 61 / 61)
    assert fuse({0: 0.9}, {0: 3.0}, rrf)[0] == pytest.approx(1.0)


def test_unknown_fusion_method_is_rejected() -> None:
    with pytest.raises(ValueError):
        FusionConfig(method="max")


def test_a_long_document_is_found_by_its_best_passage() -> None:
    # 60 sentences of 15 characters about another topic: two passages of 450 characters,
    # then the child-allowance sentence alone (one vector of the whole would mix the two)
    filler = "住民票の説明がここに続きます。" * 60
    long_doc = Document("long", "長い文書", filler + "児童手当の申請はこちらです。")
    retriever = HybridRetriever(
        TermAnalyzer(),
        KeywordEmbedder(),
        mode="dense",
        store_factory=InMemoryVectorStore,
        fusion=FusionConfig(long_passage_chars=700, passage_piece_chars=450),
    )
    retriever.index([long_doc, DOCUMENTS[0]])

    hit = retriever.search("児童手当", top_k=1)[0]

    assert hit.document.id == "long"
    assert hit.dense_score == pytest.approx(1.0, abs=0.02)
    assert list(retriever._vector_owner).count(0) == 3


def test_question_focus_weighs_the_question_sentence_of_a_long_query() -> None:
    query = (
        "住民票のことは前に聞いたので大丈夫です。今日はマイナンバーカードの話で、"
        "なくしたらどうしますか？"
    )
    focused, plain = (
        HybridRetriever(
            TermAnalyzer(),
            KeywordEmbedder(),
            store_factory=InMemoryVectorStore,
            fusion=FusionConfig(question_focus=focus),
        )
        for focus in (0.5, 0.0)
    )
    focused.index(DOCUMENTS)
    plain.index(DOCUMENTS)

    assert focused.search(query, top_k=1)[0].document.id == "card"
    dense_focused, _ = focused.score_components(query)
    dense_plain, _ = plain.score_components(query)
    assert dense_focused[2] > dense_plain[2]


def test_hits_carry_the_word_evidence_of_the_question() -> None:
    retriever = make("hybrid")
    question = "住民票の写しの有効期限"  # 有効, 期限: in no document
    hits = retriever.search(question, top_k=2)

    top, other = retriever.with_word_evidence(question, hits)

    assert top.document.id == "jumin"
    assert top.coverage > other.coverage
    assert 0 < top.unknown_share < 1
    assert top.unknown_share == other.unknown_share
    assert (top.score, top.dense_score, top.bm25_score) == (
        hits[0].score,
        hits[0].dense_score,
        hits[0].bm25_score,
    )
    assert make("dense").with_word_evidence(question, hits) == hits


def test_a_query_can_weigh_the_dense_side_on_its_own() -> None:
    # the words name the child allowance's procedure, the meaning (for the test embedder,
    # the topic word alone) the card
    retriever = make("hybrid")
    query = "マイナンバー 申請 手続き"

    assert retriever.search(query, top_k=1, dense_weight=0.0)[0].document.id == "jidou"
    assert retriever.search(query, top_k=1, dense_weight=1.0)[0].document.id == "card"

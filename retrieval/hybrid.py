"""Hybrid retrieval: BM25 over Japanese lemmas and dense search, fused per query.

An FAQ is matched three ways: its phrasings (question and alternates) question-to-question,
its question + answer as a passage, and its words by BM25. A document's dense score is the
best of its vectors. The two rankings are fused by a weighted sum of per-query normalized
scores; `mode` switches to one side alone for evaluation.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from retrieval.bm25 import BM25Index
from retrieval.documents import Document, ScoredDocument
from retrieval.embedder import Embedder
from retrieval.faq_structure import PassageSplit, question_sentence
from retrieval.text_analysis import TermAnalyzer
from retrieval.vector_store import FaissVectorStore, VectorStore
from retrieval.word_evidence import coverage, unknown_share

MODES = ("hybrid", "dense", "bm25")
NORMALIZED, RRF = "normalized", "rrf"
FUSION_METHODS = (NORMALIZED, RRF)
Progress = Callable[[str], None]


@dataclass(frozen=True)
class FusionConfig:
    # Weight of the dense side in the fused score (BM25 gets 1 - dense_weight). 0.7 is chosen
    # on every held-out fold of our dev set for a plain FAQ corpus (bench/retrieval_dev.py,
    # base model: nDCG@10 0.806 vs 0.771 dense, 0.689 BM25); curated alternates make BM25
    # stronger, so the bot's own index uses CURATED_FAQ_DENSE_WEIGHT.
    dense_weight: float = 0.7
    # how many candidates each side contributes before fusion
    candidates: int = 100
    # BM25 text: the phrasings are repeated so that question words outweigh answer words
    phrasing_repeats: int = 2
    # NORMALIZED (weighted sum of per-query scaled scores) or RRF (weighted reciprocal ranks).
    # Normalized wins on held-out folds in both settings (plain corpus 0.806 vs 0.787 for RRF
    # with its best weight, curated index 0.868 vs 0.842): RRF throws away how far apart the
    # scores are, and a clear BM25 or dense winner is common in FAQ search.
    method: str = "normalized"
    # RRF's rank offset: larger values flatten the difference between ranks
    rrf_k: int = 60
    # dense side of long documents: passages cut at sentence boundaries (0: one vector,
    # truncated by the model), see retrieval/faq_structure.py
    long_passage_chars: int = 700
    passage_piece_chars: int = 450
    # a long query's question sentence: its share of the query vector, and its words count
    # once more in BM25 (0: the query as one). Off: at 0.5 it cost the dev set's 73 queries
    # of two or more sentences enough to lose 0.02-0.05 nDCG@10 on the dense side and 0.004 in
    # BM25 on held-out folds (bench/retrieval_dev.py); their question sentence alone lacks
    # the context the background gives ("撮影代は自腹？").
    question_focus: float = 0.0

    def __post_init__(self) -> None:
        if self.method not in FUSION_METHODS:
            raise ValueError(f"fusion method must be one of {FUSION_METHODS}")
        if not 0.0 <= self.dense_weight <= 1.0:
            raise ValueError("dense_weight must be between 0 and 1")
        if not 0.0 <= self.question_focus <= 1.0:
            raise ValueError("question_focus must be between 0 and 1")

    @property
    def passage_split(self) -> PassageSplit:
        return PassageSplit(self.long_passage_chars, self.passage_piece_chars)


# The bot's index (FAQ with alternates + plan passages): chosen on every held-out fold of
# the dev set, nDCG@10 0.868 vs 0.831 BM25, 0.785 dense (base model).
CURATED_FAQ_DENSE_WEIGHT = 0.4


class HybridRetriever:
    def __init__(
        self,
        analyzer: TermAnalyzer,
        embedder: Embedder | None,
        *,
        mode: str = "hybrid",
        fusion: FusionConfig | None = None,
        store_factory: Callable[[int], VectorStore] = FaissVectorStore,
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        if mode != "bm25" and embedder is None:
            raise ValueError(f"mode '{mode}' needs an embedder")
        self.analyzer = analyzer
        self.embedder = embedder
        self.mode = mode
        self.fusion = fusion or FusionConfig()
        self._store_factory = store_factory
        self.documents: list[Document] = []
        self._positions: dict[str, int] = {}
        self._bm25 = BM25Index()
        self._store: VectorStore | None = None
        self._vector_owner = np.zeros(0, dtype=np.int64)

    # ---------------------------------------------------------------- building
    def _bm25_text(self, document: Document) -> str:
        phrasings = " ".join(document.phrasings)
        repeated = " ".join([phrasings] * self.fusion.phrasing_repeats) if phrasings else ""
        return f"{document.title} {repeated} {document.body}"

    def index(
        self,
        documents: Sequence[Document],
        progress: Progress | None = None,
        encoder: Embedder | None = None,
    ) -> None:
        """Builds both sides; `encoder` (e.g. a CachedEmbedder) encodes the documents in place
        of the embedder that encodes questions at search time."""
        say = progress or (lambda _: None)
        encoder = encoder or self.embedder
        self.documents = list(documents)
        self._positions = {d.id: i for i, d in enumerate(self.documents)}
        if self.mode != "dense":
            say(f"BM25: analysing {len(self.documents)} documents")
            self._bm25 = BM25Index().build(
                [self.analyzer.terms(self._bm25_text(d)) for d in self.documents]
            )
        if self.mode != "bm25" and self.documents:
            assert encoder is not None
            owners: list[int] = []
            query_side: list[str] = []
            for i, doc in enumerate(self.documents):
                for phrasing in doc.phrasings:
                    owners.append(i)
                    query_side.append(phrasing)
            split = self.fusion.passage_split
            passage_owners: list[int] = []
            passage_texts: list[str] = []
            for i, doc in enumerate(self.documents):
                for passage in split.passages(doc):
                    passage_owners.append(i)
                    passage_texts.append(passage)
            say(
                f"dense: encoding {len(passage_texts)} passages of {len(self.documents)} "
                f"documents, {len(query_side)} phrasings"
            )
            vectors = [encoder.encode_passages(passage_texts)]
            if query_side:
                vectors.append(encoder.encode_queries(query_side))
            all_vectors = np.vstack(vectors)
            self._vector_owner = np.array(passage_owners + owners, dtype=np.int64)
            self._store = self._store_factory(all_vectors.shape[1])
            self._store.add(all_vectors)

    # --------------------------------------------------------------- searching
    def _query_vector(self, query: str, question: str | None) -> np.ndarray:
        assert self.embedder is not None
        vector = self.embedder.encode_queries([query])
        if question is None:
            return vector
        focus = self.fusion.question_focus
        mixed = (1 - focus) * vector + focus * self.embedder.encode_queries([question])
        return (mixed / np.linalg.norm(mixed, axis=1, keepdims=True)).astype(np.float32)

    def _dense_scores(self, query: str, question: str | None = None) -> dict[int, float]:
        if self._store is None or self.embedder is None or not len(self._store):
            return {}
        vector = self._query_vector(query, question)
        scores, ids = self._store.search(vector, len(self._store))
        found = ids[0] >= 0
        owners = self._vector_owner[ids[0][found]]
        # results are sorted by score: a document's first vector is its best one
        documents, first = np.unique(owners, return_index=True)
        return dict(zip(documents.tolist(), scores[0][found][first].tolist(), strict=True))

    def score_components(self, query: str) -> tuple[dict[int, float], dict[int, float]]:
        """Dense and BM25 scores by document position, before fusion (for tuning the fusion)."""
        question = question_sentence(query) if self.fusion.question_focus else None
        dense = self._dense_scores(query, question) if self.mode != "bm25" else {}
        bm25: dict[int, float] = {}
        if self.mode != "dense":
            weights = self.analyzer.query_weights(query)
            if question is not None:
                for term, weight in self.analyzer.query_weights(question).items():
                    weights[term] = weights.get(term, 0.0) + weight
            bm25 = self._bm25.scores(weights)
        return dense, bm25

    def search(
        self, query: str, top_k: int = 10, dense_weight: float | None = None
    ) -> list[ScoredDocument]:
        """`dense_weight` overrides the fusion's for this query (see KnowledgeService)."""
        dense, bm25 = self.score_components(query)
        return self.rank(dense, bm25, top_k, dense_weight)

    def rank(
        self,
        dense: dict[int, float],
        bm25: dict[int, float],
        top_k: int = 10,
        dense_weight: float | None = None,
    ) -> list[ScoredDocument]:
        if self.mode == "dense":
            fused = dense
        elif self.mode == "bm25":
            fused = bm25
        elif dense_weight is not None:
            fused = fuse(dense, bm25, replace(self.fusion, dense_weight=dense_weight))
        else:
            fused = self._fuse(dense, bm25)
        ranked = sorted(fused.items(), key=lambda item: (-item[1], item[0]))[:top_k]
        return [
            ScoredDocument(
                self.documents[i], score, dense_score=dense.get(i, 0.0), bm25_score=bm25.get(i, 0.0)
            )
            for i, score in ranked
        ]

    def with_word_evidence(
        self, query: str, hits: Sequence[ScoredDocument]
    ) -> list[ScoredDocument]:
        """`hits` with their `coverage` and `unknown_share` of `query` (unchanged without a
        BM25 side to read the words from)."""
        if self.mode == "dense" or not len(self._bm25):
            return list(hits)
        words = self.analyzer.content_words(query)
        unknown = unknown_share(words, self._bm25)
        return [
            replace(
                hit,
                coverage=coverage(words, self._bm25, self._positions[hit.document.id]),
                unknown_share=unknown,
            )
            for hit in hits
        ]

    def _fuse(self, dense: dict[int, float], bm25: dict[int, float]) -> dict[int, float]:
        return fuse(dense, bm25, self.fusion)

    # ------------------------------------------------------------- persistence
    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        state = {
            "mode": self.mode,
            "bm25": self._bm25.to_state(),
            "vector_owner": self._vector_owner.tolist(),
        }
        (directory / "retriever.json").write_text(json.dumps(state, ensure_ascii=False))
        if isinstance(self._store, FaissVectorStore):
            self._store.save(directory / "vectors.faiss")

    def load(self, directory: Path, documents: Sequence[Document]) -> None:
        state = json.loads((directory / "retriever.json").read_text())
        if state["mode"] != self.mode:
            raise ValueError("saved index was built for another mode")
        self.documents = list(documents)
        self._positions = {d.id: i for i, d in enumerate(self.documents)}
        self._bm25 = BM25Index.from_state(state["bm25"])
        self._vector_owner = np.array(state["vector_owner"], dtype=np.int64)
        vectors = directory / "vectors.faiss"
        if self.mode != "bm25" and vectors.is_file():
            self._store = FaissVectorStore.load(vectors)


def fuse(dense: dict[int, float], bm25: dict[int, float], fusion: FusionConfig) -> dict[int, float]:
    """The fused score of every candidate of either side (a pure function, for tuning)."""
    n = fusion.candidates
    top_dense = sorted(dense.items(), key=lambda item: (-item[1], item[0]))[:n]
    top_bm25 = sorted(bm25.items(), key=lambda item: (-item[1], item[0]))[:n]
    if fusion.method == RRF:
        return _reciprocal_rank_fusion(top_dense, top_bm25, fusion)
    return _normalized_sum(top_dense, top_bm25, fusion.dense_weight)


def _normalized_sum(
    top_dense: list[tuple[int, float]], top_bm25: list[tuple[int, float]], w: float
) -> dict[int, float]:
    """Weighted sum of scores scaled to [0, 1] within this query's candidates.

    Dense scores are scaled between the best candidate and the n-th, BM25 scores by the
    best; a document missing on one side gets 0 there.
    """
    scaled_dense: dict[int, float] = {}
    if top_dense:
        high, low = top_dense[0][1], top_dense[-1][1]
        spread = (high - low) or 1.0
        scaled_dense = {i: (s - low) / spread for i, s in top_dense}
    scaled_bm25: dict[int, float] = {}
    if top_bm25 and top_bm25[0][1] > 0:
        high = top_bm25[0][1]
        scaled_bm25 = {i: s / high for i, s in top_bm25}
    candidates = set(scaled_dense) | set(scaled_bm25)
    return {i: w * scaled_dense.get(i, 0.0) + (1 - w) * scaled_bm25.get(i, 0.0) for i in candidates}


def _reciprocal_rank_fusion(
    top_dense: list[tuple[int, float]], top_bm25: list[tuple[int, float]], fusion: FusionConfig
) -> dict[int, float]:
    """Weighted RRF: w / (k + dense rank) + (1 - w) / (k + BM25 rank), ranks from 1.

    Scaled so that a document first on both sides scores 1, which keeps the fused score on
    the same 0..1 footing as the normalized sum (the related-answer gap reads it).
    """
    k, w = fusion.rrf_k, fusion.dense_weight
    fused: dict[int, float] = {}
    for weight, ranking in ((w, top_dense), (1 - w, top_bm25)):
        for rank, (i, _) in enumerate(ranking, start=1):
            fused[i] = fused.get(i, 0.0) + weight * (k + 1) / (k + rank)
    return fused

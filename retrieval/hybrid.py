"""Hybrid retrieval: BM25 over Japanese lemmas and dense search, fused per query.

An FAQ is matched three ways: its phrasings (question and alternates) question-to-question,
its question + answer as a passage, and its words by BM25. A document's dense score is the
best of its vectors. The two rankings are fused by a weighted sum of per-query normalized
scores; `mode` switches to one side alone for evaluation.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from retrieval.bm25 import BM25Index
from retrieval.documents import Document, ScoredDocument
from retrieval.embedder import Embedder
from retrieval.text_analysis import TermAnalyzer
from retrieval.vector_store import FaissVectorStore, VectorStore

MODES = ("hybrid", "dense", "bm25")
Progress = Callable[[str], None]


@dataclass(frozen=True)
class FusionConfig:
    # Weight of the dense side in the fused score (BM25 gets 1 - dense_weight). 0.7 was best
    # for a plain FAQ corpus (question + answer) on our dev set (bench/retrieval_dev.py:
    # nDCG@10 0.787 vs 0.756 dense, 0.621 BM25); curated alternates make BM25 stronger,
    # so the bot's own index uses CURATED_FAQ_DENSE_WEIGHT.
    dense_weight: float = 0.7
    # how many candidates each side contributes before fusion
    candidates: int = 100
    # BM25 text: the phrasings are repeated so that question words outweigh answer words
    phrasing_repeats: int = 2


# Best on the bot's index (FAQ with alternates + plan passages) on the dev set: nDCG@10 0.860
# vs 0.850 at 0.6 and 0.837 at 0.8.
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
            say(f"dense: encoding {len(self.documents)} passages, {len(query_side)} phrasings")
            passages = encoder.encode_passages([d.passage for d in self.documents])
            vectors = [passages]
            if query_side:
                vectors.append(encoder.encode_queries(query_side))
            all_vectors = np.vstack(vectors)
            self._vector_owner = np.array(list(range(len(self.documents))) + owners, dtype=np.int64)
            self._store = self._store_factory(all_vectors.shape[1])
            self._store.add(all_vectors)

    # --------------------------------------------------------------- searching
    def _dense_scores(self, query: str) -> dict[int, float]:
        if self._store is None or self.embedder is None or not len(self._store):
            return {}
        vector = self.embedder.encode_queries([query])
        scores, ids = self._store.search(vector, len(self._store))
        found = ids[0] >= 0
        owners = self._vector_owner[ids[0][found]]
        # results are sorted by score: a document's first vector is its best one
        documents, first = np.unique(owners, return_index=True)
        return dict(zip(documents.tolist(), scores[0][found][first].tolist(), strict=True))

    def score_components(self, query: str) -> tuple[dict[int, float], dict[int, float]]:
        """Dense and BM25 scores by document position, before fusion (for tuning the fusion)."""
        dense = self._dense_scores(query) if self.mode != "bm25" else {}
        bm25 = self._bm25.scores(self.analyzer.terms(query)) if self.mode != "dense" else {}
        return dense, bm25

    def search(self, query: str, top_k: int = 10) -> list[ScoredDocument]:
        dense, bm25 = self.score_components(query)
        return self.rank(dense, bm25, top_k)

    def rank(
        self, dense: dict[int, float], bm25: dict[int, float], top_k: int = 10
    ) -> list[ScoredDocument]:
        if self.mode == "dense":
            fused = dense
        elif self.mode == "bm25":
            fused = bm25
        else:
            fused = self._fuse(dense, bm25)
        ranked = sorted(fused.items(), key=lambda item: (-item[1], item[0]))[:top_k]
        return [
            ScoredDocument(
                self.documents[i], score, dense_score=dense.get(i, 0.0), bm25_score=bm25.get(i, 0.0)
            )
            for i, score in ranked
        ]

    def _fuse(self, dense: dict[int, float], bm25: dict[int, float]) -> dict[int, float]:
        """Weighted sum of scores scaled to [0, 1] within this query's candidates.

        Dense scores are scaled between the best candidate and the n-th, BM25 scores by the
        best; a document missing on one side gets 0 there.
        """
        n = self.fusion.candidates
        top_dense = sorted(dense.items(), key=lambda item: -item[1])[:n]
        top_bm25 = sorted(bm25.items(), key=lambda item: -item[1])[:n]
        scaled_dense: dict[int, float] = {}
        if top_dense:
            high, low = top_dense[0][1], top_dense[-1][1]
            spread = (high - low) or 1.0
            scaled_dense = {i: (s - low) / spread for i, s in top_dense}
        scaled_bm25: dict[int, float] = {}
        if top_bm25 and top_bm25[0][1] > 0:
            high = top_bm25[0][1]
            scaled_bm25 = {i: s / high for i, s in top_bm25}
        w = self.fusion.dense_weight
        candidates = set(scaled_dense) | set(scaled_bm25)
        return {
            i: w * scaled_dense.get(i, 0.0) + (1 - w) * scaled_bm25.get(i, 0.0) for i in candidates
        }

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
        self._bm25 = BM25Index.from_state(state["bm25"])
        self._vector_owner = np.array(state["vector_owner"], dtype=np.int64)
        vectors = directory / "vectors.faiss"
        if self.mode != "bm25" and vectors.is_file():
            self._store = FaissVectorStore.load(vectors)

"""Okapi BM25 over an inverted index (plain Python: the corpus is a few thousand documents)."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence


class BM25Index:
    def __init__(self, k1: float = 1.2, b: float = 0.75) -> None:
        if k1 < 0 or not 0 <= b <= 1:
            raise ValueError("BM25 needs k1 >= 0 and 0 <= b <= 1")
        self.k1 = k1
        self.b = b
        self._postings: dict[str, list[tuple[int, int]]] = {}
        self._lengths: list[int] = []
        # per term: (document, idf x saturated term frequency), so that a query only adds
        self._impacts: dict[str, list[tuple[int, float]]] = {}
        # per document: the terms it contains (how much of a question a document covers)
        self._document_terms: list[frozenset[str]] = []

    def __len__(self) -> int:
        return len(self._lengths)

    def build(self, documents_terms: Sequence[Sequence[str]]) -> BM25Index:
        postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        self._lengths = []
        for doc_index, terms in enumerate(documents_terms):
            self._lengths.append(len(terms))
            for term, count in Counter(terms).items():
                postings[term].append((doc_index, count))
        self._postings = dict(postings)
        self._prepare()
        return self

    def _prepare(self) -> None:
        n = len(self._lengths)
        average = (sum(self._lengths) / n if n else 0.0) or 1.0
        norms = [self.k1 * (1 - self.b + self.b * length / average) for length in self._lengths]
        self._impacts = {}
        document_terms: list[set[str]] = [set() for _ in range(n)]
        for term, postings in self._postings.items():
            idf = self.idf(term)
            self._impacts[term] = [
                (doc, idf * count * (self.k1 + 1) / (count + norms[doc])) for doc, count in postings
            ]
            for doc, _ in postings:
                document_terms[doc].add(term)
        self._document_terms = [frozenset(terms) for terms in document_terms]

    def idf(self, term: str) -> float:
        """BM25's idf; a term no document contains gets the highest."""
        n, df = len(self._lengths), len(self._postings.get(term, ()))
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def knows(self, term: str) -> bool:
        return term in self._postings

    def document_terms(self, doc_index: int) -> frozenset[str]:
        return self._document_terms[doc_index]

    def scores(self, query_terms: Sequence[str] | Mapping[str, float]) -> dict[int, float]:
        """Scores of the documents that contain at least one query term; a mapping gives each
        term its weight (a plain sequence counts repeats)."""
        result: dict[int, float] = defaultdict(float)
        weights = query_terms if isinstance(query_terms, Mapping) else Counter(query_terms)
        for term, query_count in weights.items():
            for doc_index, impact in self._impacts.get(term, ()):
                result[doc_index] += query_count * impact
        return dict(result)

    def to_state(self) -> dict:
        return {
            "k1": self.k1,
            "b": self.b,
            "postings": self._postings,
            "lengths": self._lengths,
        }

    @classmethod
    def from_state(cls, state: dict) -> BM25Index:
        index = cls(state["k1"], state["b"])
        index._lengths = list(state["lengths"])
        index._postings = {t: [tuple(p) for p in ps] for t, ps in state["postings"].items()}
        index._prepare()
        return index

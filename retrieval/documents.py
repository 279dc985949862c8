"""What the retriever indexes: documents with the texts that should match a question."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Document:
    """A retrievable unit: an FAQ entry, a plan passage, or a BEIR corpus document.

    `phrasings` are the ways the question is asked (an FAQ's question and alternates). They
    are matched question-to-question; `title` + `body` are matched question-to-passage.
    Plan passages and BEIR documents have no phrasings.
    """

    id: str
    title: str
    body: str
    phrasings: tuple[str, ...] = ()
    metadata: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def passage(self) -> str:
        return f"{self.title} {self.body}".strip() if self.title else self.body

    def fingerprint(self) -> str:
        return "\x1f".join((self.id, self.title, self.body, *self.phrasings))


@dataclass(frozen=True)
class ScoredDocument:
    """A search hit: the fused `score` that ranks it, and the evidence the abstention policy
    weighs. `coverage` and `unknown_share` (retrieval/word_evidence.py) are filled for the
    candidates of a decision only; elsewhere they stay 0."""

    document: Document
    score: float
    dense_score: float = 0.0
    bm25_score: float = 0.0
    # idf-weighted share of the question's content words that the document contains
    coverage: float = 0.0
    # share of the question's content words that no indexed document contains
    unknown_share: float = 0.0

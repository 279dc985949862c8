"""Runtimes over real knowledge with the real embedding model, for action and retrieval tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.emergency import EmergencyLexicon
from core.runtime import Runtime
from embedding.sentence_transformer import SentenceTransformerEmbedder
from knowledge.municipality import Municipality
from knowledge.unanswered import UnansweredLog
from repo_paths import embedding_model_dir
from retrieval.knowledge_service import KnowledgeService


def real_embedder() -> SentenceTransformerEmbedder:
    model_dir = embedding_model_dir()
    if not model_dir.is_dir():
        pytest.fail("embedding model missing: run `python3 -m stack setup`")
    return SentenceTransformerEmbedder(model_dir)


def build_runtime(
    knowledge_dir: Path,
    embedder: SentenceTransformerEmbedder,
    index_dir: Path,
    unanswered: UnansweredLog | None = None,
) -> Runtime:
    municipality = Municipality.load(knowledge_dir / "municipality.yml")
    emergency = EmergencyLexicon.load(knowledge_dir / "emergency.yml")
    service = KnowledgeService.build(knowledge_dir, municipality, embedder, index_dir)
    return Runtime(municipality, emergency, service, unanswered)

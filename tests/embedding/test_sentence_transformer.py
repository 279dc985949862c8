"""The per-turn query path of the embedder gives the same vectors as sentence-transformers."""

from __future__ import annotations

import numpy as np
import pytest

from embedding.sentence_transformer import QUERY_PROMPT, SentenceTransformerEmbedder
from repo_paths import REPO_ROOT, embedding_model_dir

MODEL_DIR = embedding_model_dir()
SENTENCES_FILE = REPO_ROOT / "tests" / "data" / "embedding_sentences.txt"
SENTENCES = [line for line in SENTENCES_FILE.read_text(encoding="utf-8").splitlines() if line]
EDGE_CASES = ["", "🙂🙂", "ｼﾞｭｳﾐﾝﾋｮｳ", "住民票" * 400]


@pytest.fixture(scope="module")
def embedder() -> SentenceTransformerEmbedder:
    if not MODEL_DIR.is_dir():
        pytest.fail("embedding model missing: run `python3 -m stack setup`")
    return SentenceTransformerEmbedder(MODEL_DIR)


@pytest.mark.parametrize(
    "text",
    [*SENTENCES[:10], *EDGE_CASES],
)
def test_single_query_path_matches_sentence_transformers(
    embedder: SentenceTransformerEmbedder, text: str
) -> None:
    fast = embedder.encode_queries([text])
    assert embedder._single_query_path, "the E5 stack should take the single-query path"
    assert embedder._query_encoder is not None, "E5 is a BERT: BertQueryEncoder should run it"
    reference = embedder._encode([text], QUERY_PROMPT)

    assert fast.shape == reference.shape == (1, 384)
    assert float(fast[0] @ reference[0]) > 0.99999
    assert np.isclose(np.linalg.norm(fast[0]), 1.0, atol=1e-5)

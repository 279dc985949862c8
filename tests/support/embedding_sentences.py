"""The fixed Japanese sentences the embedding tests encode (tests/data/embedding_sentences.txt)."""

from __future__ import annotations

from repo_paths import REPO_ROOT

SENTENCES_FILE = REPO_ROOT / "tests" / "data" / "embedding_sentences.txt"


def embedding_sentences() -> list[str]:
    return [line for line in SENTENCES_FILE.read_text(encoding="utf-8").splitlines() if line]

"""Fixtures shared across the tree: the real embedding model and the real knowledge, loaded once.

The full index is the one `python3 -m stack setup` built (var/index, addressed by its
inputs); it is built here when missing. Imports happen inside the fixtures: the Rasa
environment (pydantic 1) runs tests/bot/components under this file too.
"""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(scope="session")
def embedder() -> Any:
    from tests.support.knowledge_runtime import real_embedder

    return real_embedder()


@pytest.fixture(scope="session")
def full_knowledge(embedder: Any) -> Any:
    """The bot's own knowledge (knowledge/) behind the cached index, as a core Runtime."""
    from repo_paths import INDEX_DIR, KNOWLEDGE_DIR
    from tests.support.knowledge_runtime import build_runtime

    return build_runtime(KNOWLEDGE_DIR, embedder, INDEX_DIR)

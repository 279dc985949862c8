"""A tiny real knowledge base (tests/data/knowledge_tiny) behind a real index, for the actions."""

from __future__ import annotations

from typing import Any

import pytest

from core.runtime import Runtime, RuntimeHolder
from knowledge.unanswered import UnansweredLog
from repo_paths import REPO_ROOT
from tests.support.knowledge_runtime import build_runtime

TINY_KNOWLEDGE = REPO_ROOT / "tests" / "data" / "knowledge_tiny"


@pytest.fixture(scope="session")
def tiny_runtime(embedder: Any, tmp_path_factory: pytest.TempPathFactory) -> Runtime:
    work = tmp_path_factory.mktemp("tiny-knowledge")
    unanswered = UnansweredLog(work / "app.sqlite3")
    return build_runtime(TINY_KNOWLEDGE, embedder, work / "index", unanswered)


@pytest.fixture
def holder(tiny_runtime: Runtime) -> RuntimeHolder:
    return RuntimeHolder(tiny_runtime)

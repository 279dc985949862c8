"""Where things live in a checkout: the one place that knows the repository's layout.

Standard library only and importing nothing of the project, so that every process can use it:
the set-up (system Python), the Rasa environment, the app environment, tests and benchmarks.
Built artefacts (models, indexes, databases) are never committed; they go under `models/` and
`var/`.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE_DIR = REPO_ROOT / "knowledge"
BOT_DIR = REPO_ROOT / "bot"
MODELS_DIR = REPO_ROOT / "models"
VAR_DIR = REPO_ROOT / "var"
INDEX_DIR = VAR_DIR / "index"
DEFAULT_EMBEDDING_MODEL_DIR = MODELS_DIR / "multilingual-e5-small"
EMBEDDING_MODEL_DIR_ENV = "EMBEDDING_MODEL_DIR"
LEXICON_FILE = KNOWLEDGE_DIR / "lexicon.yml"
EMERGENCY_LEXICON_FILE = KNOWLEDGE_DIR / "emergency.yml"


def embedding_model_dir() -> Path:
    """The sentence-transformers model in use: `EMBEDDING_MODEL_DIR`, else the provisioned one."""
    return Path(os.environ.get(EMBEDDING_MODEL_DIR_ENV) or DEFAULT_EMBEDDING_MODEL_DIR)

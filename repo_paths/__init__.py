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
# The base model fine-tuned on our knowledge (retrieval/adapt_model.py, a set-up step).
ADAPTED_EMBEDDING_MODEL_DIR = MODELS_DIR / "multilingual-e5-small-adapted"
# Which model the retriever uses: "base" or "adapted".
EMBEDDING_MODEL_ENV = "EMBEDDING_MODEL"
DEFAULT_EMBEDDING_MODEL = "base"
EMBEDDING_MODELS = ("base", "adapted")
LEXICON_FILE = KNOWLEDGE_DIR / "lexicon.yml"
EMERGENCY_LEXICON_FILE = KNOWLEDGE_DIR / "emergency.yml"


def base_embedding_model_dir() -> Path:
    """The provisioned (or the user's own) model: `EMBEDDING_MODEL_DIR`, else models/."""
    return Path(os.environ.get(EMBEDDING_MODEL_DIR_ENV) or DEFAULT_EMBEDDING_MODEL_DIR)


def adapted_embedding_model_dir() -> Path:
    return ADAPTED_EMBEDDING_MODEL_DIR


def selected_embedding_model() -> str:
    """`EMBEDDING_MODEL`; unset, the default, except that a model named by
    `EMBEDDING_MODEL_DIR` is used as it is."""
    choice = os.environ.get(EMBEDDING_MODEL_ENV, "").strip().lower()
    if not choice:
        choice = "base" if os.environ.get(EMBEDDING_MODEL_DIR_ENV) else DEFAULT_EMBEDDING_MODEL
    if choice not in EMBEDDING_MODELS:
        raise ValueError(f"{EMBEDDING_MODEL_ENV} must be one of {EMBEDDING_MODELS}, not {choice!r}")
    return choice


def embedding_model_dir() -> Path:
    """The sentence-transformers model in use: the adapted one or the base one."""
    if selected_embedding_model() == "adapted":
        return adapted_embedding_model_dir()
    return base_embedding_model_dir()

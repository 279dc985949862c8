"""Build artefacts of the app environment: the embedding model, its domain adaptation and
the knowledge index.

Every step skips its work when its inputs have not changed (a model directory records what
it was built from; the index directory is named by a hash of its inputs). The adaptation runs
only when the adapted model is the one in use (`EMBEDDING_MODEL`, repo_paths).
"""

from __future__ import annotations

import os
import subprocess
import sys

from repo_paths import INDEX_DIR, base_embedding_model_dir, selected_embedding_model
from stack import REPO_ROOT
from stack.environments import APP
from stack.progress import step


def app_env() -> dict[str, str]:
    """The environment of app-side processes: the repository importable.

    The model's offline and thread settings are applied by the `embedding` package itself
    (embedding/__init__.py), whoever starts the process.
    """
    return {**os.environ, "PYTHONPATH": str(REPO_ROOT)}


def ensure_all(python: str | None = None) -> None:
    python = python or str(APP.python)
    env = app_env()
    with step("embedding model (offline)"):
        subprocess.run(
            [python, "-m", "embedding.provision", "--target", str(base_embedding_model_dir())],
            cwd=REPO_ROOT,
            env=env,
            check=True,
        )
    if selected_embedding_model() == "adapted":
        with step("embedding model adaptation (fine-tuned on knowledge/, cached)"):
            subprocess.run(
                [python, "-m", "retrieval.adapt_model"], cwd=REPO_ROOT, env=env, check=True
            )
    with step("knowledge index"):
        subprocess.run(
            [python, "-m", "retrieval.build_index", "--index-dir", str(INDEX_DIR)],
            cwd=REPO_ROOT,
            env=env,
            check=True,
        )


if __name__ == "__main__":
    # In a container image: the app environment is the system Python.
    ensure_all(python=sys.executable)

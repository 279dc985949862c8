"""Build artefacts of the app environment: the embedding model and the knowledge index.

Both steps skip their work when their inputs have not changed (the model directory records
what it was built from; the index directory is named by a hash of its inputs).
"""

from __future__ import annotations

import os
import subprocess
import sys

from stack import MODELS_DIR, REPO_ROOT, VAR_DIR
from stack.environments import APP
from stack.progress import step

MODEL_DIR = MODELS_DIR / "multilingual-e5-small"


def app_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "PYTHONPATH": str(REPO_ROOT),
            "OMP_NUM_THREADS": "1",
            "MKL_NUM_THREADS": "1",
            "TOKENIZERS_PARALLELISM": "false",
            "HF_HUB_OFFLINE": "1",
            "TRANSFORMERS_OFFLINE": "1",
            "EMBEDDING_MODEL_DIR": os.environ.get("EMBEDDING_MODEL_DIR", str(MODEL_DIR)),
        }
    )
    return env


def ensure_all(python: str | None = None) -> None:
    python = python or str(APP.python)
    env = app_env()
    with step("embedding model (offline)"):
        subprocess.run(
            [python, "-m", "retrieval.embedding_model", "--target", env["EMBEDDING_MODEL_DIR"]],
            cwd=REPO_ROOT,
            env=env,
            check=True,
        )
    with step("knowledge index"):
        subprocess.run(
            [python, "-m", "retrieval.build_index", "--index-dir", str(VAR_DIR / "index")],
            cwd=REPO_ROOT,
            env=env,
            check=True,
        )


if __name__ == "__main__":
    # In a container image: the app environment is the system Python.
    ensure_all(python=sys.executable)

"""Trains the Rasa model only when its inputs changed (cached by content hash)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from stack import MODELS_DIR, REPO_ROOT
from stack.environments import RASA
from stack.fingerprint import hash_files
from stack.progress import say, step

BOT_DIR = REPO_ROOT / "bot"
RASA_MODELS_DIR = MODELS_DIR / "rasa"
TRAINING_INPUTS = (
    BOT_DIR / "config.yml",
    BOT_DIR / "domain.yml",
    BOT_DIR / "data",
    BOT_DIR / "components",
    REPO_ROOT / "japanese_text",
    REPO_ROOT / "knowledge" / "lexicon.yml",
    RASA.lock_file,
)


def rasa_env() -> dict[str, str]:
    """Environment for every Rasa command: the repo on the path, quiet TensorFlow."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO_ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env.setdefault("RASA_TELEMETRY_ENABLED", "false")
    env.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
    return env


def model_path() -> Path:
    digest = hash_files(TRAINING_INPUTS, root=REPO_ROOT)[:16]
    return RASA_MODELS_DIR / f"bot-{digest}.tar.gz"


def ensure_trained() -> Path:
    """Returns the model for the current bot/ inputs, training it first if it is missing."""
    target = model_path()
    if target.is_file():
        say(f"Rasa model is up to date ({target.name})")
        return target
    RASA_MODELS_DIR.mkdir(parents=True, exist_ok=True)
    with step(f"training the Rasa model ({target.name})"):
        subprocess.run(
            [
                str(RASA.bin("rasa")),
                "train",
                "--config",
                "bot/config.yml",
                "--domain",
                "bot/domain.yml",
                "--data",
                "bot/data",
                "--out",
                str(RASA_MODELS_DIR),
                "--fixed-model-name",
                target.name.removesuffix(".tar.gz"),
                # Rasa's own cache cannot see lexicon changes (a file named in the config).
                "--force",
            ],
            cwd=REPO_ROOT,
            env=rasa_env(),
            check=True,
        )
    for old in RASA_MODELS_DIR.glob("bot-*.tar.gz"):
        if old != target:
            old.unlink()
    return target

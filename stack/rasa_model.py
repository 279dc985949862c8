"""Trains the Rasa model only when its inputs changed (cached by content hash)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from repo_paths import BOT_DIR, EMERGENCY_LEXICON_FILE, LEXICON_FILE
from stack import MODELS_DIR, REPO_ROOT
from stack.environments import RASA
from stack.fingerprint import hash_files
from stack.progress import say, step

RASA_MODELS_DIR = MODELS_DIR / "rasa"
# The project's files as every Rasa command names them (paths relative to the repository)
CONFIG_ARGS = ("--config", "bot/config.yml")
DOMAIN_ARGS = ("--domain", "bot/domain.yml")
DATA_ARGS = ("--data", "bot/data")
TRAINING_INPUTS = (
    BOT_DIR / "config.yml",
    BOT_DIR / "domain.yml",
    BOT_DIR / "data",
    BOT_DIR / "components",
    BOT_DIR / "policies",
    BOT_DIR / "flow_evidence.py",
    BOT_DIR / "flow_evidence.yml",
    REPO_ROOT / "japanese_text",
    REPO_ROOT / "core" / "emergency.py",
    LEXICON_FILE,
    EMERGENCY_LEXICON_FILE,
    RASA.lock_file,
)


def rasa_command(*arguments: str) -> list[str]:
    return [str(RASA.bin("rasa")), *arguments]


def rasa_server_command(*arguments: str) -> list[str]:
    """`rasa run` through bot/rasa_server.py, which compiles the action-reply schema once."""
    return [str(RASA.bin("python")), "-m", "bot.rasa_server", "run", *arguments]


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
            rasa_command(
                "train",
                *CONFIG_ARGS,
                *DOMAIN_ARGS,
                *DATA_ARGS,
                "--out",
                str(RASA_MODELS_DIR),
                "--fixed-model-name",
                target.name.removesuffix(".tar.gz"),
                # Rasa's own cache cannot see lexicon changes (a file named in the config).
                "--force",
            ),
            cwd=REPO_ROOT,
            env=rasa_env(),
            check=True,
        )
    for old in RASA_MODELS_DIR.glob("bot-*.tar.gz"):
        if old != target:
            old.unlink()
    return target

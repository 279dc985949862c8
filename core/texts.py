"""The app's own Japanese texts (not the bot's conversation, which lives in bot/domain.yml).

They live in texts.ja.yml so that staff can reword them without touching Python.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

TEXTS_FILE = Path(__file__).with_name("texts.ja.yml")


@lru_cache
def load_texts() -> dict[str, Any]:
    return yaml.safe_load(TEXTS_FILE.read_text(encoding="utf-8"))


def reply_text(key: str, **values: Any) -> str:
    return str(load_texts()[key]).format(**values)


def text_table(key: str) -> dict[str, str]:
    """A mapping of short texts (labels, masks) under `key`."""
    return {str(k): str(v) for k, v in load_texts()[key].items()}


def main_topics() -> list[dict[str, str]]:
    return [dict(topic) for topic in load_texts()["main_topics"]]

"""Japanese texts of the app itself, loaded from messages.ja.yml."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

MESSAGES_FILE = Path(__file__).with_name("messages.ja.yml")


@lru_cache
def load_messages() -> dict[str, Any]:
    return yaml.safe_load(MESSAGES_FILE.read_text(encoding="utf-8"))


def message(key: str, **values: Any) -> str:
    return str(load_messages()[key]).format(**values)


def main_topics() -> list[dict[str, str]]:
    return [dict(topic) for topic in load_messages()["main_topics"]]

"""Emergencies as residents wrote them (tests/data/understanding*/emergencies.yml), and the
119/110 reply that must come first for each.

The reply is the same text whether Rasa's emergency action or the app on its own sends it
(core/texts.ja.yml), so one check serves with Rasa up and down.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import yaml

from core.texts import text_table
from repo_paths import REPO_ROOT

DATA_DIR = REPO_ROOT / "tests" / "data"


@lru_cache
def written_emergencies(set_name: str = "understanding") -> tuple[tuple[str, str], ...]:
    """(text, kind) of every emergency in one of the independently written sets."""
    path = DATA_DIR / set_name / "emergencies.yml"
    rows = yaml.safe_load(path.read_text(encoding="utf-8"))["emergencies"]
    return tuple((row["text"], row["kind"]) for row in rows)


@lru_cache
def emergency_replies() -> frozenset[str]:
    return frozenset([*text_table("emergency").values(), *text_table("emergency_en").values()])


def is_alarm(messages: Sequence[dict[str, Any]]) -> bool:
    """The reply starts with the 119/110 message."""
    return bool(messages) and messages[0]["text"] in emergency_replies()

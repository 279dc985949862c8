"""Maps entity text to canonical keys with the synonyms of the NLU data.

Rasa's EntitySynonymMapper only knows exact surface forms; residents' spellings vary more
(half-width kana, hiragana), so the actions fold both sides before looking them up.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from japanese_text.lexicon import katakana_to_hiragana

SYNONYMS_FILE = Path(__file__).resolve().parent.parent / "data" / "nlu" / "synonyms.yml"


def fold(text: str) -> str:
    return katakana_to_hiragana(unicodedata.normalize("NFKC", text).lower()).strip()


@lru_cache
def _synonyms() -> dict[str, str]:
    if not SYNONYMS_FILE.is_file():
        return {}
    data = yaml.safe_load(SYNONYMS_FILE.read_text(encoding="utf-8")) or {}
    mapping: dict[str, str] = {}
    for item in data.get("nlu", []):
        key = item.get("synonym")
        if not key:
            continue
        mapping[fold(str(key))] = str(key)
        for line in str(item.get("examples", "")).splitlines():
            surface = line.strip().removeprefix("- ").strip()
            if surface:
                mapping.setdefault(fold(surface), str(key))
    return mapping


def resolve(value: Any, allowed: set[str]) -> str | None:
    """The canonical key for an entity value, or None when it is not one of `allowed`."""
    if not isinstance(value, str) or not value:
        return None
    if value in allowed:
        return value
    key = _synonyms().get(fold(value))
    return key if key in allowed else None


def latest_entity(latest_message: dict[str, Any], entity: str, allowed: set[str]) -> str | None:
    for item in latest_message.get("entities") or []:
        if item.get("entity") == entity:
            key = resolve(item.get("value"), allowed)
            if key:
                return key
    return None

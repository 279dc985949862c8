"""Maps entity text to canonical keys with the synonyms of the NLU data.

Rasa's EntitySynonymMapper only knows exact surface forms; residents' spellings vary more
(half-width kana, hiragana), so the actions fold both sides before looking them up.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import yaml

from japanese_text import fold_spelling as fold
from repo_paths import BOT_DIR

SYNONYMS_FILE = BOT_DIR / "data" / "nlu" / "synonyms.yml"


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


def synonym_surfaces(keys: set[str]) -> frozenset[str]:
    """Every folded surface form that maps to one of `keys` (e.g. all aspect words)."""
    return frozenset(surface for surface, key in _synonyms().items() if key in keys)


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


def aspects_named(text: str, allowed: set[str]) -> set[str]:
    """The aspects whose surface forms the text contains, whether or not DIET tagged them:
    「児童手当の申請方法を教えて」 names the how-to even when no entity was extracted."""
    folded = fold(text)
    return {key for surface, key in _synonyms().items() if key in allowed and surface in folded}

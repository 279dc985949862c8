"""The Japanese words the importer needs, read from the YAML files next to this module.

Header names, eras and the wording of generated alternates are data that staff may extend;
keeping them out of the Python keeps the code free of user-facing Japanese text.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
HEADERS_FILE = HERE / "headers.yml"
WORDING_FILE = HERE / "wording.yml"


@dataclass(frozen=True)
class AlternateRules:
    """How alternates are derived from a question (see wording.yml)."""

    casual_endings: tuple[tuple[str, str], ...]
    fillers: tuple[str, ...]
    intent_words: tuple[tuple[str, str], ...]
    stop_keywords: frozenset[str]
    templates: tuple[str, ...]


@dataclass(frozen=True)
class Wording:
    default_category: str
    list_bullet: str
    eras: dict[str, int]
    first_year: str
    alternates: AlternateRules


def _pairs(items: list[list[str]]) -> tuple[tuple[str, str], ...]:
    return tuple((str(a), str(b)) for a, b in items)


@cache
def header_names() -> dict[str, tuple[str, ...]]:
    """Field name (question, answer, ...) -> the header names that mean it."""
    data = yaml.safe_load(HEADERS_FILE.read_text(encoding="utf-8"))
    return {field: tuple(str(n) for n in names) for field, names in data["fields"].items()}


@cache
def wording() -> Wording:
    data = yaml.safe_load(WORDING_FILE.read_text(encoding="utf-8"))
    rules = data["alternates"]
    return Wording(
        default_category=str(data["default_category"]),
        list_bullet=str(data["list_bullet"]),
        eras={str(k): int(v) for k, v in data["eras"].items()},
        first_year=str(data["first_year"]),
        alternates=AlternateRules(
            casual_endings=_pairs(rules["casual_endings"]),
            fillers=tuple(str(f) for f in rules["fillers"]),
            intent_words=_pairs(rules["intent_words"]),
            stop_keywords=frozenset(str(w) for w in rules["stop_keywords"]),
            templates=tuple(str(t) for t in rules["templates"]),
        ),
    )

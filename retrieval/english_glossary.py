"""English questions searched with the Japanese words our FAQ uses.

The multilingual embedding model reads English, but BM25 only matches words, and an English
question shares none with a Japanese answer. Adding the Japanese terms of a small,
staff-editable glossary (knowledge/english_glossary.yml) gives the word side the same chance;
the question itself is kept for the model.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import yaml


def _fold(text: str) -> str:
    """Lower case, with hyphens, slashes and underscores read as spaces: residents write
    "move-in", "moving in" and "move in" for the same thing, and "e-mail" or "email"."""
    lowered = unicodedata.normalize("NFKC", text).lower()
    return " ".join(re.sub(r"[-‐‑–—_/]+", " ", lowered).split())


class EnglishGlossary:
    def __init__(self, terms: dict[str, list[str]]) -> None:
        self._terms = {_fold(k): list(v) for k, v in terms.items() if k.strip()}
        phrases = sorted(self._terms, key=len, reverse=True)
        self._pattern = (
            re.compile(r"(?<![a-z])(?:" + "|".join(re.escape(p) for p in phrases) + r")(?![a-z])")
            if phrases
            else None
        )

    @classmethod
    def load(cls, path: Path) -> EnglishGlossary:
        if not path.is_file():
            return cls({})
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return cls({str(k): [str(t) for t in v] for k, v in (data.get("terms") or {}).items()})

    def japanese_terms(self, text: str) -> list[str]:
        if self._pattern is None:
            return []
        lowered = _fold(text)
        found: list[str] = []
        for match in self._pattern.finditer(lowered):
            found.extend(t for t in self._terms[match.group()] if t not in found)
        return found

    def expand(self, text: str) -> str:
        """The question followed by the Japanese terms it names (unchanged when none)."""
        terms = self.japanese_terms(text)
        return f"{text} {' '.join(terms)}" if terms else text

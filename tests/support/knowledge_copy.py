"""A throw-away copy of knowledge/ and an edit to one FAQ answer in it, as a staff member's
change lands on a running app (tests/e2e/test_knowledge_live_edit.py, bench/).

The repository's own knowledge/ is never edited: `AnswerEditor` refuses it.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from knowledge.loader import load_knowledge
from repo_paths import INDEX_DIR, KNOWLEDGE_DIR

VECTOR_CACHE_FILE = "vectors.sqlite3"


def copy_knowledge(parent: Path) -> Path:
    """knowledge/ copied to parent/knowledge (data files only, as the app reads them)."""
    target = parent / "knowledge"
    shutil.copytree(
        KNOWLEDGE_DIR, target, ignore=shutil.ignore_patterns("*.py", "__pycache__", "importer")
    )
    return target


def seed_index_dir(index_dir: Path) -> Path:
    """An index directory of its own, holding a snapshot of the checkout's vector cache, so a
    stack on a knowledge copy neither re-encodes everything at start nor evicts the
    checkout's index (builds prune the index dir to the knowledge they serve)."""
    index_dir.mkdir(parents=True, exist_ok=True)
    source = INDEX_DIR / VECTOR_CACHE_FILE
    if source.is_file():
        with sqlite3.connect(source) as src, sqlite3.connect(index_dir / VECTOR_CACHE_FILE) as dst:
            src.backup(dst)  # consistent even while another stack writes to it
    return index_dir


class AnswerEditor:
    """Rewrites the first line of one entry's answer (a block scalar) with a marker added."""

    def __init__(self, knowledge_dir: Path, entry_id: str) -> None:
        if knowledge_dir.resolve() == KNOWLEDGE_DIR.resolve():
            raise ValueError("edit a copy of knowledge/ (copy_knowledge), never the checkout's")
        found = [f for f in load_knowledge(knowledge_dir).faqs if f.entry.id == entry_id]
        if not found:
            raise ValueError(f"no FAQ entry '{entry_id}' in {knowledge_dir}")
        self.entry_id = entry_id
        self.question = found[0].entry.question
        self.path = found[0].path
        self._lines = self.path.read_text(encoding="utf-8").split("\n")
        self._line = self._answer_line()
        self.original = self._lines[self._line]

    def _answer_line(self) -> int:
        start = self._lines.index(f"- id: {self.entry_id}")
        for number in range(start + 1, len(self._lines)):
            line = self._lines[number]
            if line.startswith("- id:"):
                break
            if line.strip() in ("answer: |-", "answer: |"):
                return number + 1
        raise ValueError(f"[{self.entry_id}] needs its answer as a block scalar (answer: |-)")

    def mark(self, marker: str) -> None:
        """The answer becomes its original first line + `marker` (and the rest unchanged)."""
        self._lines[self._line] = self.original + marker
        self.path.write_text("\n".join(self._lines), encoding="utf-8")

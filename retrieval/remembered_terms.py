"""Document terms kept from one knowledge build to the next, so that a reload after a staff
edit analyses only the texts that changed.

BM25 needs the terms of every document; segmenting ~820 texts (MeCab, then Sudachi for the
synonym groups) was about two thirds of a rebuild at 666 entries, and the README promises an
edit is live within 30 s. A text's terms depend only on the text and on the analyzer (its
settings and lexicon file), so a build records the terms of the texts it analyses and the
next build with the same analyzer inputs reuses them. Only calls made while a build records
are kept: residents' questions never are, and the memory holds one build's texts at most.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from retrieval.text_analysis import TermAnalyzer


class RememberedTerms:
    """The terms of the texts of the last successful build, for one analyzer identity."""

    def __init__(self) -> None:
        self.identity = ""
        self.terms: dict[str, tuple[str, ...]] = {}


class RememberingTermAnalyzer(TermAnalyzer):
    """A TermAnalyzer that, while `recording()`, reuses and records document terms."""

    def __init__(self, lexicon_path: Path | None, memory: RememberedTerms) -> None:
        super().__init__(lexicon_path)
        lexicon = lexicon_path.read_bytes() if lexicon_path and lexicon_path.is_file() else b""
        identity = f"{self.signature}|{hashlib.sha256(lexicon).hexdigest()}"
        if memory.identity != identity:  # another lexicon or settings: other terms
            memory.identity, memory.terms = identity, {}
        self._memory = memory
        self._recorded: dict[str, tuple[str, ...]] | None = None
        self.analysed = 0  # texts analysed afresh while recording

    @contextmanager
    def recording(self) -> Iterator[None]:
        """Terms asked for inside are reused or analysed and kept; on success they replace the
        memory (a build that loaded its index from disk analysed nothing: the memory stays)."""
        self._recorded = {}
        try:
            yield
            if self._recorded:
                self._memory.terms = self._recorded
        finally:
            self._recorded = None

    def terms(self, text: str) -> list[str]:
        if self._recorded is None:
            return super().terms(text)
        found = self._memory.terms.get(text)
        if found is None:
            found = tuple(sys.intern(term) for term in super().terms(text))
            self.analysed += 1
        self._recorded[text] = found
        return list(found)

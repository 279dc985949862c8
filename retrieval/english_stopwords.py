"""English function words, which BM25 should not match on (retrieval/data/english_stopwords.txt).

Our corpus is Japanese with English only in a few alternates, so English function words are
rare in it and BM25 would weigh "the" or "how" as if they named a topic.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

ENGLISH_STOPWORDS_FILE = Path(__file__).parent / "data" / "english_stopwords.txt"


@lru_cache(maxsize=1)
def english_stopwords() -> frozenset[str]:
    lines = ENGLISH_STOPWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip() for w in lines if w.strip() and not w.startswith("#"))


def stopwords_signature() -> str:
    """Changes when the list does (part of the index key)."""
    return hashlib.sha256(" ".join(sorted(english_stopwords())).encode()).hexdigest()[:8]

"""Vectors kept by what they encode, so a knowledge edit re-encodes only what changed.

The index is rebuilt whenever knowledge/ changes; encoding every phrasing again took 90 s at
250 entries and would take minutes at 600. A vector depends only on the model, the prompt
side (query or passage) and the text, so it is stored under a hash of those three. A new
model gets new keys; entries nobody uses any more are pruned after a build.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from retrieval.embedder import Embedder

QUERY_SIDE = "query"
PASSAGE_SIDE = "passage"


def vector_key(model_id: str, side: str, text: str) -> str:
    return hashlib.sha256(f"{model_id}\x1f{side}\x1f{text}".encode()).hexdigest()


class VectorCache:
    """A small SQLite table of float32 vectors; safe for one writer thread at a time."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()
        with self._connect() as db:
            db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB)")

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=30)

    def get_many(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        with self._lock, self._connect() as db:
            for start in range(0, len(keys), 500):
                chunk = list(keys[start : start + 500])
                marks = ",".join("?" * len(chunk))
                for key, blob in db.execute(
                    f"SELECT key, vector FROM vectors WHERE key IN ({marks})",  # noqa: S608
                    chunk,
                ):
                    found[key] = np.frombuffer(blob, dtype=np.float32)
        return found

    def put_many(self, items: dict[str, np.ndarray]) -> None:
        with self._lock, self._connect() as db:
            db.executemany(
                "INSERT OR REPLACE INTO vectors (key, vector) VALUES (?, ?)",
                [(k, np.asarray(v, dtype=np.float32).tobytes()) for k, v in items.items()],
            )

    def keep_only(self, keys: set[str]) -> int:
        """Drops every vector whose key is not in `keys`; returns how many went."""
        with self._lock, self._connect() as db:
            stored = [row[0] for row in db.execute("SELECT key FROM vectors")]
            stale = [k for k in stored if k not in keys]
            db.executemany("DELETE FROM vectors WHERE key = ?", [(k,) for k in stale])
        return len(stale)

    def __len__(self) -> int:
        with self._lock, self._connect() as db:
            return int(db.execute("SELECT COUNT(*) FROM vectors").fetchone()[0])


class CachedEmbedder:
    """An Embedder that encodes only texts the cache does not hold yet (in one batch)."""

    def __init__(
        self, embedder: Embedder, cache: VectorCache, progress: Callable[[str], None] | None = None
    ) -> None:
        self.embedder = embedder
        self.cache = cache
        self.model_id = embedder.model_id
        self.adapted = embedder.adapted
        self._say = progress or (lambda _: None)
        self.used_keys: set[str] = set()
        self.encoded = 0

    def _vectors(self, texts: Sequence[str], side: str) -> np.ndarray:
        keys = [vector_key(self.model_id, side, t) for t in texts]
        self.used_keys.update(keys)
        found = self.cache.get_many(keys)
        missing = {k: t for k, t in zip(keys, texts, strict=True) if k not in found}
        if missing:
            self._say(f"encoding {len(missing)} new {side} texts ({len(found)} cached)")
            embedder = self.embedder
            encode = embedder.encode_queries if side == QUERY_SIDE else embedder.encode_passages
            fresh = dict(zip(missing, encode(list(missing.values())), strict=True))
            self.cache.put_many(fresh)
            found.update(fresh)
            self.encoded += len(fresh)
        if not keys:
            return np.zeros((0, 0), dtype=np.float32)
        return np.vstack([found[k] for k in keys]).astype(np.float32, copy=False)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._vectors(texts, QUERY_SIDE)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._vectors(texts, PASSAGE_SIDE)

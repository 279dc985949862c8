"""Exact inner-product search over unit vectors: FAISS for real use, numpy for unit tests."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

import numpy as np


class VectorStore(Protocol):
    dimension: int

    def add(self, vectors: np.ndarray) -> None: ...

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]: ...

    def __len__(self) -> int: ...


class FaissVectorStore:
    """IndexFlatIP: exact search. A municipality's knowledge is a few thousand vectors,
    where exact search takes well under a millisecond and needs no training."""

    def __init__(self, dimension: int) -> None:
        import faiss

        self.dimension = dimension
        self._index = faiss.IndexFlatIP(dimension)

    def add(self, vectors: np.ndarray) -> None:
        self._index.add(np.ascontiguousarray(vectors, dtype=np.float32))

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        k = min(k, len(self))
        scores, ids = self._index.search(np.ascontiguousarray(queries, dtype=np.float32), k)
        return scores, ids

    def __len__(self) -> int:
        return int(self._index.ntotal)

    def save(self, path: Path) -> None:
        import faiss

        faiss.write_index(self._index, str(path))

    @classmethod
    def load(cls, path: Path) -> FaissVectorStore:
        import faiss

        index = faiss.read_index(str(path))
        store = cls.__new__(cls)
        store.dimension = index.d
        store._index = index
        return store


class InMemoryVectorStore:
    """Same contract with numpy, for unit tests with tiny hand-written vectors."""

    def __init__(self, dimension: int) -> None:
        self.dimension = dimension
        self._vectors = np.zeros((0, dimension), dtype=np.float32)

    def add(self, vectors: np.ndarray) -> None:
        self._vectors = np.vstack([self._vectors, np.asarray(vectors, dtype=np.float32)])

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        k = min(k, len(self))
        scores = np.asarray(queries, dtype=np.float32) @ self._vectors.T
        ids = np.argsort(-scores, axis=1, kind="stable")[:, :k]
        return np.take_along_axis(scores, ids, axis=1), ids

    def __len__(self) -> int:
        return len(self._vectors)

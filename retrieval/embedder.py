"""What the retriever needs from an embedding model: text in, unit vectors out.

The implementation (sentence-transformers, with a fast path for one question) is in
embedding/sentence_transformer.py; unit tests use tiny hand-written ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np


class Embedder(Protocol):
    model_id: str
    # fine-tuned on our knowledge (embedding/adaptation.py): its cosines are spread wider than
    # the base model's, so the abstention policy is fitted to each family apart
    adapted: bool

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray: ...

"""Text -> unit vectors with a sentence-transformers model (retrieval's Embedder)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

    from embedding.bert_query_encoder import BertQueryEncoder


# question vectors kept for repeats (about 1.5 KiB each)
RECENT_QUERIES = 4096
# E5-style asymmetric encoding: the model's named prompts for the two sides
QUERY_PROMPT = "query"
PASSAGE_PROMPT = "passage"


def model_identity(model_dir: Path) -> str:
    """Name plus the provisioning input hash, so a rebuilt model invalidates cached indexes."""
    from embedding.provision import read_provenance

    provenance = read_provenance(model_dir) or {}
    input_hash = str(provenance.get("input_hash", ""))[:16]
    return f"{model_dir.name}@{input_hash}" if input_hash else model_dir.name


def is_adapted_model(model_dir: Path) -> bool:
    """Built by embedding/adaptation.py (its provenance says so), not provisioned as it is."""
    from embedding.provision import read_provenance

    return (read_provenance(model_dir) or {}).get("from") == "adaptation"


class SentenceTransformerEmbedder:
    """E5-style asymmetric encoding through the model's named prompts ("query", "passage")."""

    def __init__(self, model_dir: Path, *, batch_size: int = 32, show_progress: bool = False):
        if not model_dir.is_dir():
            raise FileNotFoundError(
                f"embedding model not found at {model_dir}; run `python3 -m stack setup`"
            )
        self.model_dir = model_dir
        self.model_id = model_identity(model_dir)
        self.adapted = is_adapted_model(model_dir)
        self.batch_size = batch_size
        self.show_progress = show_progress
        self._model: SentenceTransformer | None = None
        self._single_query_path = False
        self._query_encoder: BertQueryEncoder | None = None
        self._recent: OrderedDict[str, np.ndarray] = OrderedDict()
        self._recent_lock = threading.Lock()

    def warm_up(self) -> None:
        if self._model is None:
            from embedding.bert_query_encoder import BertQueryEncoder
            from embedding.provision import load_embedding_model

            self._model = load_embedding_model(self.model_dir)
            self._single_query_path = self._is_mean_pooled_transformer()
            if self._single_query_path and BertQueryEncoder.supports(self._model[0].auto_model):
                self._query_encoder = BertQueryEncoder(self._model[0].auto_model)

    def _encode(self, texts: Sequence[str], prompt_name: str) -> np.ndarray:
        self.warm_up()
        assert self._model is not None
        vectors = self._model.encode(
            list(texts),
            prompt_name=prompt_name,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=self.show_progress and len(texts) > self.batch_size,
        )
        return np.asarray(vectors, dtype=np.float32)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        self.warm_up()
        if len(texts) == 1 and self._single_query_path:
            return self._query_vector(texts[0])
        return self._encode(texts, QUERY_PROMPT)

    def _query_vector(self, text: str) -> np.ndarray:
        """One resident question, encoded once: buttons and common questions repeat, and one
        turn searches more than once (routing evidence, the answer, a flow's ranking)."""
        key = " ".join(text.split())
        with self._recent_lock:
            vector = self._recent.get(key)
            if vector is not None:
                self._recent.move_to_end(key)
                return vector
        vector = self._encode_one(text, QUERY_PROMPT)
        vector.setflags(write=False)
        with self._recent_lock:
            self._recent[key] = vector
            while len(self._recent) > RECENT_QUERIES:
                self._recent.popitem(last=False)
        return vector

    def _is_mean_pooled_transformer(self) -> bool:
        """True for the Transformer -> mean Pooling -> Normalize stack that E5 models use."""
        modules = list(self._model or [])
        return (
            len(modules) == 3
            and type(modules[0]).__name__ == "Transformer"
            and getattr(modules[1], "pooling_mode", None) == "mean"
            and type(modules[2]).__name__ == "Normalize"
        )

    def _encode_one(self, text: str, prompt_name: str) -> np.ndarray:
        """One resident question, per chat turn: the same vector as `encode`, without its
        batching machinery (about 13 ms of a 38 ms query on one CPU thread), and through
        `BertQueryEncoder` where the network allows (another ~10 ms)."""
        import torch

        assert self._model is not None
        prompt = self._model.prompts.get(prompt_name, "")
        features = self._model.tokenizer(
            [prompt + text],
            return_tensors="pt",
            truncation=True,
            max_length=self._model.max_seq_length,
        )
        if self._query_encoder is not None:
            vector = self._query_encoder.encode(features["input_ids"][0])
            return vector.unsqueeze(0).numpy()
        with torch.inference_mode():
            hidden = self._model[0].auto_model(**features).last_hidden_state
            mask = features["attention_mask"].unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
            vector = torch.nn.functional.normalize(pooled, dim=-1)
        return vector.numpy().astype(np.float32)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, PASSAGE_PROMPT)

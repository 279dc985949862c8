"""Rasa's sparse features of a message joined side by side without `scipy.sparse.hstack`.

Every message Rasa parses carries sparse features from four featurizers (regex, lexical,
words, character n-grams), for its tokens and for the sentence, and DIET joins them with
`Features.combine_with_features`, which calls `scipy.sparse.hstack`. For the few rows of one
message `hstack` costs about 0.24 ms, almost all of it `bmat`'s general block machinery:
7.9% of the Rasa process's time under 20 residents (py-spy, docs/scale.md). Joining two COO
matrices side by side is concatenating their entries with the right block's columns shifted,
which is what `bmat` does for two blocks in a row: the same entries in the same order, the
same dtypes and shape (tests/bot/test_sparse_feature_concat.py compares them with scipy's).

Installed for serving only (bot/rasa_server.py). Runs inside Rasa's environment.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse
from rasa.shared.nlu.training_data.features import Features
from scipy.sparse._sputils import get_index_dtype, upcast


def side_by_side(left: Any, right: Any) -> scipy.sparse.spmatrix:
    """`scipy.sparse.hstack([left, right])` for two sparse matrices with as many rows."""
    if isinstance(left, scipy.sparse.csc_matrix) and isinstance(right, scipy.sparse.csc_matrix):
        return scipy.sparse.hstack([left, right])  # scipy's own fast path, and a CSC result
    left, right = left.tocoo(), right.tocoo()
    if left.shape[0] != right.shape[0]:
        raise ValueError(f"blocks have {left.shape[0]} and {right.shape[0]} rows")
    shape = (left.shape[0], left.shape[1] + right.shape[1])
    index_dtype = get_index_dtype(maxval=max(shape))
    data = np.concatenate([left.data, right.data]).astype(upcast(left.dtype, right.dtype))
    row = np.concatenate([left.row, right.row]).astype(index_dtype, copy=False)
    col = np.concatenate([left.col, right.col + left.shape[1]]).astype(index_dtype, copy=False)
    return scipy.sparse.coo_matrix((data, (row, col)), shape=shape)


def _combine_sparse_features(self: Features, additional_features: Features) -> None:
    """Rasa's `Features._combine_sparse_features`, with `side_by_side` for `hstack`."""
    if self.features.shape[0] != additional_features.features.shape[0]:
        raise ValueError(
            f"Cannot combine sparse features as sequence dimensions do not "
            f"match: {self.features.shape[0]} != "
            f"{additional_features.features.shape[0]}."
        )
    self.features = side_by_side(self.features, additional_features.features)
    self._cached_fingerprint = None


def install_sparse_feature_concat() -> None:
    Features._combine_sparse_features = _combine_sparse_features  # type: ignore[method-assign]

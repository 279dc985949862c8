"""Sparse features joined side by side exactly as `scipy.sparse.hstack` joins them."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse
from rasa.shared.nlu.training_data.features import Features

from bot import sparse_feature_concat
from bot.sparse_feature_concat import side_by_side


def _random(rows: int, cols: int, dtype: type, fmt: str, seed: int) -> scipy.sparse.spmatrix:
    rng = np.random.default_rng(seed)
    dense = (rng.random((rows, cols)) < 0.2) * rng.integers(1, 5, (rows, cols))
    return scipy.sparse.coo_matrix(dense.astype(dtype)).asformat(fmt)


def _same(got: scipy.sparse.spmatrix, expected: scipy.sparse.spmatrix) -> None:
    assert got.format == expected.format
    assert got.shape == expected.shape
    assert got.dtype == expected.dtype
    if got.format == "coo":
        for part in ("row", "col", "data"):
            assert getattr(got, part).dtype == getattr(expected, part).dtype
            assert np.array_equal(getattr(got, part), getattr(expected, part))
    assert (got != expected).nnz == 0


@pytest.mark.parametrize(
    "formats", [("coo", "coo"), ("csr", "coo"), ("coo", "csr"), ("csc", "csc")]
)
@pytest.mark.parametrize("dtypes", [(np.float64, np.float64), (np.int64, np.float32)])
@pytest.mark.parametrize("shape", [(1, 7, 3), (9, 120, 40), (4, 0, 5), (3, 6, 0)])
def test_the_same_matrix_as_scipys_hstack(
    formats: tuple[str, str], dtypes: tuple[type, type], shape: tuple[int, int, int]
) -> None:
    rows, left_cols, right_cols = shape
    left = _random(rows, left_cols, dtypes[0], formats[0], seed=1)
    right = _random(rows, right_cols, dtypes[1], formats[1], seed=2)
    _same(side_by_side(left, right), scipy.sparse.hstack([left, right]))


def test_blocks_with_different_rows_are_refused() -> None:
    with pytest.raises(ValueError, match="rows"):
        side_by_side(_random(2, 3, np.float64, "coo", 1), _random(3, 3, np.float64, "coo", 2))


def test_features_combine_as_rasas_do(monkeypatch: pytest.MonkeyPatch) -> None:
    def features(matrix: scipy.sparse.spmatrix, origin: str) -> Features:
        return Features(matrix, "sequence", "text", origin)

    left = _random(5, 30, np.float64, "coo", 3)
    right = _random(5, 12, np.float64, "coo", 4)
    rasas = features(left, "words")
    rasas.combine_with_features(features(right, "chars"))
    with monkeypatch.context() as patched:
        patched.setattr(Features, "_combine_sparse_features", Features._combine_sparse_features)
        sparse_feature_concat.install_sparse_feature_concat()
        ours = features(left, "words")
        ours.combine_with_features(features(right, "chars"))
        with pytest.raises(ValueError, match="sequence dimensions"):
            ours.combine_with_features(features(_random(4, 3, np.float64, "coo", 5), "x"))
    _same(ours.features, rasas.features)
    assert ours.fingerprint() == rasas.fingerprint()

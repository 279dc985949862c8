from __future__ import annotations

import math

import pytest

from retrieval.metrics import evaluate_run, mrr_at_k, ndcg_at_k, recall_at_k


def test_perfect_and_missing_rankings() -> None:
    relevant = {"a": 1}

    assert ndcg_at_k(["a", "b"], relevant) == 1.0
    assert ndcg_at_k(["b", "c"], relevant) == 0.0
    assert mrr_at_k(["b", "a"], relevant) == 0.5
    assert recall_at_k(["b", "a"], {"a": 1, "z": 1}) == 0.5


def test_ndcg_matches_the_formula() -> None:
    assert ndcg_at_k(["x", "a"], {"a": 1}) == pytest.approx(1 / math.log2(3))


def test_evaluate_run_averages_judged_queries() -> None:
    metrics = evaluate_run(
        {"q1": {"a": 2.0, "b": 1.0}, "q2": {"c": 1.0}}, {"q1": {"a": 1}, "q2": {"d": 1}}
    )

    assert metrics["ndcg@10"] == pytest.approx(0.5)
    assert metrics["queries"] == 2

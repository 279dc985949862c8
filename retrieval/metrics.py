"""Ranking metrics as BEIR/pytrec_eval compute them (graded relevance, cut-off k)."""

from __future__ import annotations

import math
from collections.abc import Mapping


def ndcg_at_k(ranked: list[str], relevant: Mapping[str, int], k: int = 10) -> float:
    dcg = sum(
        (2 ** relevant.get(doc, 0) - 1) / math.log2(rank + 2) for rank, doc in enumerate(ranked[:k])
    )
    ideal = sorted((g for g in relevant.values() if g > 0), reverse=True)[:k]
    idcg = sum((2**g - 1) / math.log2(rank + 2) for rank, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def recall_at_k(ranked: list[str], relevant: Mapping[str, int], k: int = 10) -> float:
    wanted = {d for d, g in relevant.items() if g > 0}
    return len(wanted & set(ranked[:k])) / len(wanted) if wanted else 0.0


def mrr_at_k(ranked: list[str], relevant: Mapping[str, int], k: int = 10) -> float:
    for rank, doc in enumerate(ranked[:k]):
        if relevant.get(doc, 0) > 0:
            return 1.0 / (rank + 1)
    return 0.0


def evaluate_run(
    run: Mapping[str, Mapping[str, float]], qrels: Mapping[str, Mapping[str, int]], k: int = 10
) -> dict[str, float]:
    """Means over the queries that have relevance judgements (as BEIR does)."""
    totals = {"ndcg@10": 0.0, "recall@10": 0.0, "mrr@10": 0.0}
    judged = [q for q in qrels if any(g > 0 for g in qrels[q].values())]
    for query_id in judged:
        scores = run.get(query_id, {})
        ranked = sorted(scores, key=lambda d: (-scores[d], d))
        totals["ndcg@10"] += ndcg_at_k(ranked, qrels[query_id], k)
        totals["recall@10"] += recall_at_k(ranked, qrels[query_id], k)
        totals["mrr@10"] += mrr_at_k(ranked, qrels[query_id], k)
    n = len(judged) or 1
    return {name: value / n for name, value in totals.items()} | {"queries": float(len(judged))}

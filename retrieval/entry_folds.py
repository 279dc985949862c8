"""FAQ entries split into folds, for scoring what is learned from our knowledge honestly.

Whatever is fitted to our own knowledge (the adapted model, fusion weights, thresholds) must
be scored on entries it never saw: a dev query counts for fold k only through the model or
weights fitted on the other folds. Entries, not phrasings, are split, because an entry's
alternates are near-copies of its question and would leak the answer into training.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping

FOLDS = 5
FOLD_SEED = 14


def entry_folds(entry_ids: Iterable[str], k: int = FOLDS, seed: int = FOLD_SEED) -> dict[str, int]:
    """Entry id -> fold in 0..k-1: a seeded shuffle of the sorted ids, dealt round-robin."""
    if k < 2:
        raise ValueError("need at least two folds")
    ordered = sorted(set(entry_ids))
    random.Random(seed).shuffle(ordered)  # noqa: S311 (a fixed split, not a secret)
    return {entry_id: i % k for i, entry_id in enumerate(ordered)}


def query_folds(qrels: Mapping[str, Mapping[str, int]], folds: Mapping[str, int]) -> dict[str, int]:
    """Query id -> the fold of the entry that answers it best (its highest grade)."""
    result: dict[str, int] = {}
    for query_id, judged in qrels.items():
        best = max(judged.items(), key=lambda item: (item[1], item[0]))[0]
        if best in folds:
            result[query_id] = folds[best]
    return result

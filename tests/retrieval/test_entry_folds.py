from __future__ import annotations

import pytest

from retrieval.entry_folds import entry_folds, query_folds

IDS = [f"entry-{n:03d}" for n in range(23)]


def test_every_entry_is_in_one_fold_and_folds_are_balanced() -> None:
    folds = entry_folds(IDS, k=5)

    assert set(folds) == set(IDS)
    sizes = [list(folds.values()).count(f) for f in range(5)]
    assert max(sizes) - min(sizes) <= 1


def test_the_split_depends_on_the_seed_not_on_input_order() -> None:
    assert entry_folds(IDS) == entry_folds(list(reversed(IDS)))
    assert entry_folds(IDS, seed=1) != entry_folds(IDS, seed=2)


def test_a_query_goes_with_the_entry_that_answers_it_best() -> None:
    folds = {"a": 0, "b": 1, "c": 2}
    qrels = {"q1": {"a": 1, "b": 2}, "q2": {"c": 2}, "q3": {"unknown": 2}}

    assert query_folds(qrels, folds) == {"q1": 1, "q2": 2}


def test_one_fold_is_refused() -> None:
    with pytest.raises(ValueError):
        entry_folds(IDS, k=1)

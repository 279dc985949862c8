"""BM25 scores worked out by hand on a three-document corpus, and the persisted index."""

from __future__ import annotations

import json
import math

import pytest

from retrieval.bm25 import BM25Index

CORPUS = [["a", "b"], ["a", "a", "c"], ["c"]]  # lengths 2, 3, 1: average 2


def test_scores_match_okapi_bm25_by_hand() -> None:
    index = BM25Index(k1=1.2, b=0.75).build(CORPUS)
    idf_a = math.log(1 + (3 - 2 + 0.5) / (2 + 0.5))
    # doc 0: tf 1, length 2 (= average): 1 * 2.2 / (1 + 1.2)
    # doc 1: tf 2, length 3: norm 1.2 * (0.25 + 0.75 * 1.5) = 1.65; 2 * 2.2 / (2 + 1.65)
    expected = {0: idf_a * 1.0, 1: idf_a * 2 * 2.2 / 3.65}

    scores = index.scores(["a"])

    assert scores.keys() == expected.keys()  # doc 2 has no "a": not scored at all
    for doc, value in expected.items():
        assert scores[doc] == pytest.approx(value)


def test_repeated_query_terms_count_and_unknown_terms_are_ignored() -> None:
    index = BM25Index().build(CORPUS)
    once = index.scores(["c"])
    assert index.scores(["c", "c", "zzz"]) == pytest.approx({d: 2 * s for d, s in once.items()})
    assert index.scores(["zzz"]) == {}
    assert BM25Index().build([]).scores(["a"]) == {}


def test_persisted_index_scores_the_same() -> None:
    index = BM25Index(k1=1.5, b=0.5).build(CORPUS)
    state = json.loads(json.dumps(index.to_state()))  # as saved in retriever.json

    loaded = BM25Index.from_state(state)

    assert len(loaded) == 3
    assert loaded.scores(["a", "c"]) == pytest.approx(index.scores(["a", "c"]))


def test_invalid_parameters_are_refused() -> None:
    with pytest.raises(ValueError):
        BM25Index(k1=-1)
    with pytest.raises(ValueError):
        BM25Index(b=1.5)


def test_document_terms_and_idf_survive_persistence() -> None:
    index = BM25Index.from_state(json.loads(json.dumps(BM25Index().build(CORPUS).to_state())))

    assert index.document_terms(1) == {"a", "c"}
    assert index.knows("c") and not index.knows("zzz")
    assert index.idf("b") > index.idf("a")  # one document against two
    assert index.idf("zzz") > index.idf("b")  # in none: the highest

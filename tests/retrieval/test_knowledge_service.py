"""The bot's knowledge service on our own dev set, with the real model and the real index.

The index is the one `python3 -m stack setup` built (var/index, addressed by its inputs);
it is built here when missing. Thresholds are floors well below what bench/retrieval_dev.py
measures, so a regression in the model, the index or the policy shows, not noise.
"""

from __future__ import annotations

import json

import pytest

from core.runtime import Runtime
from repo_paths import REPO_ROOT
from retrieval.documents import Document, ScoredDocument
from retrieval.evaluate import read_qrels
from retrieval.knowledge_service import AbstentionPolicy, KnowledgeService

DEV_DIR = REPO_ROOT / "tests" / "data" / "retrieval_dev"


def read_texts(name: str) -> list[tuple[str, str]]:
    with (DEV_DIR / name).open(encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    return [(row["_id"], row["text"]) for row in rows]


@pytest.fixture(scope="module")
def service(full_knowledge: Runtime) -> KnowledgeService:
    assert full_knowledge.knowledge is not None
    return full_knowledge.knowledge


def hit(dense: float, bm25: float) -> ScoredDocument:
    return ScoredDocument(Document("d", "t", "b"), 0.5, dense_score=dense, bm25_score=bm25)


def test_shared_words_raise_confidence_up_to_a_limit() -> None:
    policy = AbstentionPolicy()

    assert policy.confidence(hit(0.9, 10)) > policy.confidence(hit(0.9, 0))
    assert policy.confidence(hit(0.9, 1000)) == pytest.approx(0.9 + policy.bm25_bonus)
    assert not policy.answers(hit(0.85, 0))
    assert policy.answers(hit(0.95, 0))


@pytest.mark.slow
def test_answerable_dev_questions_are_answered_with_the_right_entry(
    service: KnowledgeService,
) -> None:
    qrels = read_qrels(DEV_DIR / "qrels" / "test.tsv")
    queries = read_texts("queries.jsonl")
    answered = right = 0
    for query_id, text in queries:
        decision = service.decide(text)
        if decision.abstained:
            continue
        answered += 1
        right += qrels[query_id].get(decision.best.document.id, 0) > 0

    assert answered / len(queries) >= 0.90
    assert right / len(queries) >= 0.65


@pytest.mark.slow
def test_most_unanswerable_dev_questions_get_the_abstention(service: KnowledgeService) -> None:
    questions = read_texts("unanswerable.jsonl")

    abstained = sum(service.decide(text).abstained for _, text in questions)

    assert abstained / len(questions) >= 0.6


@pytest.mark.slow
@pytest.mark.parametrize("nonsense", ["ぴよぴよもげもげ", "asdfghjkl qwerty", "🙂🙂🙂"])
def test_nonsense_is_never_answered(service: KnowledgeService, nonsense: str) -> None:
    assert service.decide(nonsense).abstained


def test_answers_between_the_two_thresholds_are_tentative() -> None:
    policy = AbstentionPolicy(min_confidence=0.9, sure_confidence=0.95)

    assert policy.answers(hit(0.92, 0)) and not policy.is_sure(hit(0.92, 0))
    assert policy.is_sure(hit(0.96, 0))


@pytest.mark.slow
def test_tentative_answers_are_the_less_reliable_few(service: KnowledgeService) -> None:
    """The note is worth its space only if the band really is less reliable, and rare enough
    that most residents get a plain answer."""
    qrels = read_qrels(DEV_DIR / "qrels" / "test.tsv")
    counts = {True: [0, 0], False: [0, 0]}  # tentative -> [answered, right]
    for query_id, text in read_texts("queries.jsonl"):
        decision = service.decide(text)
        if decision.abstained:
            continue
        counts[decision.tentative][0] += 1
        counts[decision.tentative][1] += qrels[query_id].get(decision.best.document.id, 0) > 0

    (tentative, tentative_right), (sure, sure_right) = counts[True], counts[False]
    assert 0 < tentative <= 0.15 * (tentative + sure)
    assert tentative_right / tentative < sure_right / sure - 0.15

"""The bot's knowledge service on our own dev set, with the real model and the real index.

The index is the one `python3 -m stack setup` built (var/index, addressed by its inputs);
it is built here when missing. Thresholds are floors below what bench/retrieval_dev.py
measures, so a regression in the model, the index or the policy shows, not noise; except the
unanswerable one, which is issue 13's target itself (at most 20% answered) and which the
fitted policy meets without a question to spare (86 of 107 abstain, 86 are needed): a
knowledge edit that fails it calls for refitting the policy (bench/retrieval_dev.py
--abstention-only).
"""

from __future__ import annotations

import json

import pytest

from core.runtime import Runtime
from repo_paths import REPO_ROOT
from retrieval.documents import Document, ScoredDocument
from retrieval.evaluate import read_qrels
from retrieval.knowledge_service import ENGLISH_DENSE_WEIGHT, AbstentionPolicy, KnowledgeService

DEV_DIR = REPO_ROOT / "tests" / "data" / "retrieval_dev"


def read_texts(name: str) -> list[tuple[str, str]]:
    with (DEV_DIR / name).open(encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    return [(row["_id"], row["text"]) for row in rows]


@pytest.fixture(scope="module")
def service(full_knowledge: Runtime) -> KnowledgeService:
    assert full_knowledge.knowledge is not None
    return full_knowledge.knowledge


def hit(
    dense: float, bm25: float, *, coverage: float = 0.5, unknown: float = 0.0
) -> ScoredDocument:
    return ScoredDocument(
        Document("d", "t", "b"),
        0.5,
        dense_score=dense,
        bm25_score=bm25,
        coverage=coverage,
        unknown_share=unknown,
    )


def test_closeness_and_shared_words_raise_confidence() -> None:
    policy = AbstentionPolicy()

    assert policy.confidence(hit(0.92, 30)) > policy.confidence(hit(0.92, 10))
    assert policy.confidence(hit(0.94, 20)) > policy.confidence(hit(0.90, 20))
    assert 0.0 < policy.confidence(hit(0.80, 0)) < policy.confidence(hit(1.0, 100)) < 1.0
    assert not policy.answers(hit(0.86, 5))
    assert policy.answers(hit(0.95, 40))


def test_words_no_document_mentions_lower_confidence() -> None:
    """A near-miss: close to a real FAQ, but it asks about something our knowledge never
    names (不妊治療 next to 妊婦健診)."""
    policy = AbstentionPolicy()
    near_miss = hit(0.93, 18, unknown=0.5)

    assert policy.confidence(near_miss) < policy.confidence(hit(0.93, 18))
    assert policy.answers(hit(0.93, 18)) and not policy.answers(near_miss)


def test_a_fully_covered_keyword_question_is_answered_tentatively() -> None:
    """住民票 alone: every word is in the FAQ and the cosine is high, but one common word
    carries little BM25 mass."""
    policy = AbstentionPolicy()
    keyword = hit(0.965, 5, coverage=1.0)

    assert not policy.answers_by_confidence(keyword)
    assert policy.answers(keyword) and not policy.is_sure(keyword)
    assert not policy.answers(hit(0.94, 5, coverage=1.0))  # a lower cosine is not enough
    assert not policy.answers(hit(0.965, 5, coverage=0.8))


def test_a_policy_needs_one_weight_per_feature() -> None:
    with pytest.raises(ValueError):
        AbstentionPolicy(weights=(1.0, 2.0))


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

    # bench/retrieval_dev.py: 90.3% answered, 77.7% with a relevant entry; the ranking's
    # top hit is relevant for 82.5%, so no threshold can give the 90% right
    assert answered / len(queries) >= 0.90
    assert right / len(queries) >= 0.75


@pytest.mark.slow
def test_most_unanswerable_dev_questions_get_the_abstention(service: KnowledgeService) -> None:
    questions = read_texts("unanswerable.jsonl")

    abstained = sum(service.decide(text).abstained for _, text in questions)

    # issue 13: at most 20% answered (bench/retrieval_dev.py: 19.6%, 18.7% on held-out folds)
    assert abstained / len(questions) >= 0.8


@pytest.mark.slow
@pytest.mark.parametrize("nonsense", ["ぴよぴよもげもげ", "asdfghjkl qwerty", "🙂🙂🙂"])
def test_nonsense_is_never_answered(service: KnowledgeService, nonsense: str) -> None:
    assert service.decide(nonsense).abstained


def test_answers_between_the_two_thresholds_are_tentative() -> None:
    policy = AbstentionPolicy(weights=(1.0, 0.0, 0.0, 0.0), bias=0.0)
    low, middle, high = (policy.confidence(hit(d, 0)) for d in (0.1, 0.5, 0.9))
    policy = AbstentionPolicy(
        weights=(1.0, 0.0, 0.0, 0.0), bias=0.0, min_confidence=middle, sure_confidence=high
    )

    assert not policy.answers(hit(0.1, 0)) and low < middle
    assert policy.answers(hit(0.5, 0)) and not policy.is_sure(hit(0.5, 0))
    assert policy.is_sure(hit(0.9, 0))


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


@pytest.mark.parametrize(
    ("question", "weight"),
    [
        ("How do I apply for a My Number card?", ENGLISH_DENSE_WEIGHT),
        ("マイナンバーカードの申請方法を教えてください", None),
    ],
)
def test_an_english_question_is_fused_with_the_english_dense_weight(
    service: KnowledgeService,
    monkeypatch: pytest.MonkeyPatch,
    question: str,
    weight: float | None,
) -> None:
    """An English question's word side is only the glossary's translation, so its fusion
    leans on the dense side; every way in (decide, candidates, rank_within) goes through it."""
    weights: list[float | None] = []
    search = service.retriever.search

    def recording_search(*args: object, **kwargs: object) -> list[ScoredDocument]:
        weights.append(kwargs.get("dense_weight"))  # type: ignore[arg-type]
        return search(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(service.retriever, "search", recording_search)
    service._decisions.clear()
    service.decide(question)
    service.candidates(question)
    service.rank_within(question, service.documents[:3])
    assert weights and set(weights) == {weight}

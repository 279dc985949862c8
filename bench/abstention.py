"""Fitting the abstention policy (retrieval/knowledge_service.py) on the dev set, honestly.

The policy is a logistic regression over a few features of the top hit (AbstentionPolicy
.features). It is fitted to tell answerable dev questions from unanswerable ones (classes
weighted to count alike, features standardized, L2 penalty `L2` on the weights), and its
threshold is the lowest confidence at which at most `UNANSWERED_TARGET` of the unanswerable
questions still get an answer. Held-out figures: answerable questions are split by the fold of
the entry that answers them (retrieval/entry_folds.py), unanswerable ones into as many folds by
id; fold k is scored with the weights and threshold fitted on the other folds. The final
policy is then fitted on everything; its own figures are in-sample.

Plain numpy (Newton's method): the fit is a few hundred rows and three or four features.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from retrieval.documents import ScoredDocument
from retrieval.entry_folds import FOLDS
from retrieval.knowledge_service import FEATURE_NAMES, AbstentionPolicy

L2 = 1.0
# at most this share of the unanswerable questions may still get an answer (issue 13)
UNANSWERED_TARGET = 0.20
# the tentative band: the least confident answers, this share of those given
TENTATIVE_SHARE = 0.10
THRESHOLDS = (0.3, 0.4, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9)
# feature subsets compared on held-out folds (names from FEATURE_NAMES)
CANDIDATE_SETS: tuple[tuple[str, ...], ...] = (
    ("dense", "log_bm25"),
    ("dense", "log_bm25", "coverage"),
    ("dense", "log_bm25", "unknown"),
    ("dense", "log_bm25", "coverage", "unknown"),
)


@dataclass(frozen=True)
class Question:
    """One dev question and the top hit the bot would answer with (None: nothing found)."""

    fold: int
    answerable: bool
    hit: ScoredDocument | None
    right: bool = False  # the hit is an entry the qrels judge relevant


@dataclass(frozen=True)
class Figures:
    answered: float  # share of the answerable questions answered
    answered_right: float  # share of the answerable questions answered with a relevant entry
    precision: float  # share of the answers given that are right
    unanswerable_answered: float
    unanswerable_count: int

    def line(self, label: str) -> str:
        return (
            f"  {label:42s} answered {self.answered:6.1%}  right {self.answered_right:6.1%}"
            f"  (precision {self.precision:6.1%})  unanswerable answered "
            f"{self.unanswerable_answered:6.1%} of {self.unanswerable_count}"
        )


def fit_logistic(
    x: np.ndarray, y: np.ndarray, l2: float = L2, iterations: int = 50
) -> tuple[np.ndarray, float]:
    """Weights and bias on the raw features, both classes weighted to count alike."""
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    z = np.hstack([(x - mean) / scale, np.ones((len(x), 1))])
    positives = y.sum()
    sample = np.where(y == 1, len(y) / (2 * positives), len(y) / (2 * (len(y) - positives)))
    penalty = np.full(z.shape[1], l2)
    penalty[-1] = 0.0  # the bias is not shrunk
    theta = np.zeros(z.shape[1])
    for _ in range(iterations):
        p = 1 / (1 + np.exp(-z @ theta))
        gradient = z.T @ (sample * (p - y)) + penalty * theta
        hessian = (z * (sample * p * (1 - p))[:, None]).T @ z + np.diag(penalty)
        step = np.linalg.solve(hessian, gradient)
        theta -= step
        if np.abs(step).max() < 1e-10:
            break
    weights = theta[:-1] / scale
    bias = float(theta[-1] - (theta[:-1] * mean / scale).sum())
    return weights, bias


def _matrix(questions: Sequence[Question], features: Sequence[str]) -> np.ndarray:
    columns = [FEATURE_NAMES.index(name) for name in features]
    rows = [
        [AbstentionPolicy.features(q.hit)[c] for c in columns] if q.hit else [0.0] * len(columns)
        for q in questions
    ]
    return np.array(rows, dtype=float)


def fitted_policy(
    questions: Sequence[Question], features: Sequence[str], base: AbstentionPolicy
) -> AbstentionPolicy:
    """`base` with the weights of `features` fitted (the others 0) and both thresholds chosen."""
    x = _matrix(questions, features)
    y = np.array([q.answerable for q in questions], dtype=float)
    fitted, bias = fit_logistic(x, y)
    weights = [0.0] * len(FEATURE_NAMES)
    for name, weight in zip(features, fitted, strict=True):
        weights[FEATURE_NAMES.index(name)] = round(float(weight), 4)
    policy = replace(base, weights=tuple(weights), bias=round(bias, 4))
    return with_thresholds(policy, questions)


def with_thresholds(policy: AbstentionPolicy, questions: Sequence[Question]) -> AbstentionPolicy:
    """min_confidence: the lowest at which at most UNANSWERED_TARGET of the unanswerable
    questions are answered; sure_confidence: the one under which the least confident
    TENTATIVE_SHARE of the answers given fall."""
    unanswerable = sorted(_confidence(policy, q) for q in questions if not q.answerable)
    allowed = math.floor(UNANSWERED_TARGET * len(unanswerable))
    # answered: confidence >= threshold; just above the (allowed+1)-th most confident one
    cut = unanswerable[-(allowed + 1)] if allowed < len(unanswerable) else 0.0
    minimum = (math.floor(cut * 10_000) + 1) / 10_000  # above the cut, on a 4-decimal grid
    given = sorted(
        c for q in questions if q.answerable and (c := _confidence(policy, q)) >= minimum
    )
    sure = given[math.ceil(TENTATIVE_SHARE * len(given))] if given else minimum
    return replace(policy, min_confidence=minimum, sure_confidence=round(max(sure, minimum), 4))


def _confidence(policy: AbstentionPolicy, question: Question) -> float:
    return policy.confidence(question.hit) if question.hit else 0.0


def _answers(policy: AbstentionPolicy, question: Question) -> bool:
    return question.hit is not None and policy.answers(question.hit)


def _figures(pairs: Sequence[tuple[Question, bool]]) -> Figures:
    """From (question, answered) pairs."""
    answerable = [answered and q.right for q, answered in pairs if q.answerable]
    given = sum(answered for q, answered in pairs if q.answerable)
    wrongly = [answered for q, answered in pairs if not q.answerable]
    return Figures(
        answered=given / len(answerable),
        answered_right=sum(answerable) / len(answerable),
        precision=sum(answerable) / max(1, given),
        unanswerable_answered=sum(wrongly) / max(1, len(wrongly)),
        unanswerable_count=len(wrongly),
    )


def figures(policy: AbstentionPolicy, questions: Sequence[Question]) -> Figures:
    return _figures([(q, _answers(policy, q)) for q in questions])


def held_out(
    questions: Sequence[Question], features: Sequence[str], base: AbstentionPolicy
) -> tuple[Figures, list[AbstentionPolicy]]:
    """Every fold scored with the policy fitted on the others (weights and thresholds)."""
    pairs: list[tuple[Question, bool]] = []
    policies = []
    for fold in range(FOLDS):
        train = [q for q in questions if q.fold != fold]
        policy = fitted_policy(train, features, base)
        policies.append(policy)
        pairs += [(q, _answers(policy, q)) for q in questions if q.fold == fold]
    return _figures(pairs), policies


def tentative_band(policy: AbstentionPolicy, questions: Sequence[Question]) -> str:
    counts = {True: [0, 0], False: [0, 0]}  # tentative -> [answered, right]
    wrongly = in_band = 0
    for q in questions:
        if q.hit is None or not policy.answers(q.hit):
            continue
        band = not policy.is_sure(q.hit)
        if q.answerable:
            counts[band][0] += 1
            counts[band][1] += q.right
        else:
            wrongly += 1
            in_band += band
    (tentative, tentative_right), (sure, sure_right) = counts[True], counts[False]
    return (
        f"  tentative band [{policy.min_confidence}, {policy.sure_confidence}): "
        f"{tentative} answers, {tentative_right} right ({tentative_right / max(1, tentative):.0%});"
        f" above it {sure} answers, {sure_right} right ({sure_right / max(1, sure):.0%});"
        f" {in_band} of the {wrongly} unanswerable questions still answered fall in the band"
    )


def describe(policy: AbstentionPolicy) -> str:
    terms = " ".join(
        f"{w:+.4g}*{name}" for name, w in zip(FEATURE_NAMES, policy.weights, strict=True) if w
    )
    return (
        f"confidence = sigmoid({policy.bias:+.4g} {terms}); "
        f"min {policy.min_confidence}, sure {policy.sure_confidence}"
    )


def report(
    name: str,
    questions: Sequence[Question],
    outside: Sequence[Question] = (),
    in_code: AbstentionPolicy | None = None,
) -> None:
    """Held-out figures per feature set, then the policy in the code (for this model family)
    on the whole dev set."""
    in_code = in_code or AbstentionPolicy()
    answerable = sum(q.answerable for q in questions)
    print(
        f"\nabstention, service index, {name} model: {answerable} answerable and "
        f"{len(questions) - answerable} unanswerable dev questions; threshold: at most "
        f"{UNANSWERED_TARGET:.0%} of the unanswerable answered (chosen on the training folds)"
    )
    ceiling = sum(q.right for q in questions if q.answerable) / answerable
    print(f"  (top hit relevant for {ceiling:.1%} of the answerable: the most any threshold gives)")
    for features in CANDIDATE_SETS:
        held, _ = held_out(questions, features, in_code)
        print(held.line("held-out " + "+".join(features)))
    final = fitted_policy(questions, in_code.active_features(), in_code)
    print(f"  fitted on all folds: {describe(final)}")
    print(f"  in the code:         {describe(in_code)}")
    print(figures(in_code, questions).line("policy in the code (in-sample)"))
    print(tentative_band(in_code, questions))
    covered = [q for q in questions if q.hit is not None and in_code.covers_all(q.hit)]
    print(
        f"  answered on full coverage below min_confidence: "
        f"{sum(q.answerable and not in_code.answers_by_confidence(q.hit) for q in covered)} "
        f"answerable, {sum(not q.answerable for q in covered)} unanswerable (of "
        f"{len(covered)} fully covered at cosine >= {in_code.full_coverage_dense})"
    )
    # full_coverage_dense must stay above every unanswerable question the top hit covers
    unanswerable_covered = [
        q.hit.dense_score
        for q in questions
        if not q.answerable and q.hit is not None and q.hit.coverage >= 0.999
    ]
    if unanswerable_covered:
        print(
            f"  highest cosine of a fully covered unanswerable question: "
            f"{max(unanswerable_covered):.3f} (of {len(unanswerable_covered)})"
        )
    if outside:
        given = [q for q in outside if _answers(in_code, q)]
        print(
            f"  tests/data/new_topics.yml (not fitted on): {len(given)} of {len(outside)} "
            f"answered, {sum(q.right for q in given)} with an expected entry"
        )
    print("  min_confidence  answered  answered-right  top-1-right-overall  unanswerable-answered")
    for threshold in sorted({*THRESHOLDS, in_code.min_confidence}):
        at = figures(replace(in_code, min_confidence=threshold), questions)
        print(
            f"  {threshold:<14.4g}  {at.answered:6.1%}    {at.precision:6.1%}"
            f"          {at.answered_right:6.1%}               {at.unanswerable_answered:6.1%}"
        )

"""What the load and soak residents send (bench/question_mix.py), drawn from the real files."""

from __future__ import annotations

import itertools
import json
from collections import Counter

import pytest

from bench.question_mix import DEV_DIR, MAX_VISIT_TURNS, QuestionMix, resident_rng
from core.rate_limit import SenderRateLimiter


@pytest.fixture(scope="module")
def mix() -> QuestionMix:
    return QuestionMix.load()


@pytest.fixture(scope="module")
def visits(mix: QuestionMix) -> list[list[str]]:
    return [mix.visit(resident_rng(1, n)) for n in range(300)]


def test_the_pools_are_the_dev_set_and_the_faq(mix: QuestionMix) -> None:
    lines = (DEV_DIR / "queries.jsonl").read_text(encoding="utf-8").splitlines()
    assert set(mix.dev_questions) == {json.loads(line)["text"] for line in lines if line}
    assert len(mix.faq_phrasings) > 1000  # every FAQ question and alternate
    assert mix.unanswerable and mix.flows and mix.greetings and mix.closings


def test_most_messages_are_dev_set_questions_and_they_are_varied(
    mix: QuestionMix, visits: list[list[str]]
) -> None:
    messages = [text for visit in visits for text in visit]
    dev = [t for t in messages if t in set(mix.dev_questions)]
    faq = [t for t in messages if t in set(mix.faq_phrasings)]
    assert len(dev) / len(messages) > 0.35
    assert len(faq) / len(messages) > 0.1
    assert any(t in set(mix.unanswerable) for t in messages)
    assert any(t in set(mix.greetings) for t in messages)
    # not a fixed handful: drawing 329 of 538 at random leaves ~246 distinct (1 - e^-n/N)
    assert len(set(dev)) > 0.65 * len(dev)
    assert Counter(messages).most_common(1)[0][1] < 0.05 * len(messages)


def test_every_message_comes_from_a_source(mix: QuestionMix, visits: list[list[str]]) -> None:
    known = {
        *mix.dev_questions,
        *mix.faq_phrasings,
        *mix.unanswerable,
        *mix.greetings,
        *mix.closings,
        *(m for flow in mix.flows for m in flow),
    }
    assert {t for visit in visits for t in visit} <= known


def test_a_flow_is_sent_in_order_in_one_visit(mix: QuestionMix, visits: list[list[str]]) -> None:
    def contains(visit: list[str], flow: tuple[str, ...]) -> bool:
        return any(tuple(visit[i : i + len(flow)]) == flow for i in range(len(visit)))

    assert sum(contains(v, f) for v in visits for f in mix.flows) >= 20
    # a follow-up ("オンライン") only ever comes right after the message it answers
    after = {(f[k - 1], f[k]) for f in mix.flows for k in range(1, len(f))}
    follow_ups = {b for _, b in after} - {f[0] for f in mix.flows}
    for visit in visits:
        for i, text in enumerate(visit):
            if text in follow_ups:
                assert i > 0 and (visit[i - 1], text) in after


def test_a_visit_stays_below_the_apps_per_sender_burst(visits: list[list[str]]) -> None:
    assert max(len(v) for v in visits) <= MAX_VISIT_TURNS < SenderRateLimiter().burst
    assert min(len(v) for v in visits) >= 1


def test_draws_are_reproducible_per_resident(mix: QuestionMix) -> None:
    assert mix.visit(resident_rng(5, 2)) == mix.visit(resident_rng(5, 2))
    draws = {tuple(mix.visit(resident_rng(5, n))) for n in range(20)}
    assert len(draws) == 20


def test_a_long_session_runs_visit_after_visit(mix: QuestionMix) -> None:
    session = list(itertools.islice(mix.stream(resident_rng(1, -1)), 200))
    assert len(session) == 200
    assert len(set(session)) > 120  # greetings and flows repeat, questions rarely

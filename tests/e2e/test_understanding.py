"""Understanding through the real turn path (app -> Rasa -> actions -> index), fresh sessions.

- false alarms: no emergency reply for any FAQ question or alternate, generated message full
  of numbers, or non-emergency utterance of the held-out NLU file;
- recall: every emergency of the two independently written sets gets 119/110 first;
- routing: every FAQ question and alternate ends at its own answer or a flow covering its
  topic (>= 95%), at most 1% at a menu or a flow of another topic;
- English: the commonest questions get the right Japanese answer after the English line.
The misses are printed (pytest -s, or the failure message) so they can be read.
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache
from typing import Any

import pytest
import yaml

from core.texts import text_table
from knowledge.loader import load_knowledge
from repo_paths import BOT_DIR, KNOWLEDGE_DIR, REPO_ROOT
from tests.core.test_emergency import EMERGENCY_SETS, ENGLISH_SETS, heldout_utterances
from tests.e2e.conftest import RunningStack
from tests.support.chat_client import ask_each
from tests.support.number_messages import number_messages

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

ROUTING_TOP1_FLOOR = 0.95
ROUTING_WRONG_FLOW_CEILING = 0.01
ENGLISH_FLOOR = 0.85
MENUS = ("utter_ask_which_procedure", "utter_card_menu", "utter_ask_moving_kind")
FORM_START = "utter_ask_apply_method"


@lru_cache
def domain_texts() -> dict[str, str]:
    domain = yaml.safe_load((BOT_DIR / "domain.yml").read_text(encoding="utf-8"))
    return {name: variants[0]["text"] for name, variants in domain["responses"].items()}


@lru_cache
def emergency_replies() -> frozenset[str]:
    return frozenset([*text_table("emergency").values(), *text_table("emergency_en").values()])


def is_alarm(messages: list[dict[str, Any]]) -> bool:
    return bool(messages) and messages[0]["text"] in emergency_replies()


@lru_cache
def faq_texts() -> list[tuple[str, str]]:
    return [
        (f.entry.id, text)
        for f in load_knowledge(KNOWLEDGE_DIR).faqs
        for text in (f.entry.question, *f.entry.alternates)
    ]


@lru_cache
def faq_topics() -> dict[str, set[str]]:
    """What a flow must cover for an FAQ: its procedure and its topic."""
    return {
        f.entry.id: {v for v in (f.entry.procedure, f.entry.topic) if v}
        for f in load_knowledge(KNOWLEDGE_DIR).faqs
    }


@lru_cache
def faq_replies(base_url: str) -> list[list[dict[str, Any]]]:
    return ask_each(base_url, [text for _, text in faq_texts()])


def classify(faq_id: str, messages: list[dict[str, Any]]) -> str:
    answered = next((m["answer_id"] for m in messages if m.get("answer_id")), None)
    texts = [m["text"] for m in messages]
    if answered == faq_id:
        return "top1"
    topics = faq_topics()
    if answered and topics.get(answered, set()) & topics.get(faq_id, set()):
        return "covered"
    if domain_texts()[FORM_START] in texts and "card_apply" in topics.get(faq_id, set()):
        return "covered"
    if any(domain_texts()[menu] in texts for menu in MENUS):
        return "menu"
    if answered and topics.get(answered) and topics.get(answered) != topics.get(faq_id):
        return "other_topic"
    return "miss"


def test_no_faq_question_or_alternate_raises_the_alarm(stack: RunningStack) -> None:
    replies = faq_replies(stack.app_url)

    alarms = [
        text for (_, text), messages in zip(faq_texts(), replies, strict=True) if is_alarm(messages)
    ]
    assert len(replies) > 1500
    assert alarms == []


def test_no_message_full_of_numbers_raises_the_alarm(stack: RunningStack) -> None:
    messages = number_messages()

    alarms = [
        m for m, r in zip(messages, ask_each(stack.app_url, messages), strict=True) if is_alarm(r)
    ]
    assert alarms == []


def test_no_heldout_utterance_but_the_emergencies_raises_the_alarm(stack: RunningStack) -> None:
    rows = heldout_utterances()

    replies = ask_each(stack.app_url, [text for _, text in rows])

    alarms = [
        t
        for (intent, t), r in zip(rows, replies, strict=True)
        if intent != "emergency" and is_alarm(r)
    ]
    missed = [
        t
        for (intent, t), r in zip(rows, replies, strict=True)
        if intent == "emergency" and not is_alarm(r)
    ]
    assert alarms == []
    assert missed == []


@pytest.mark.parametrize("name", EMERGENCY_SETS)
def test_every_written_emergency_gets_119_or_110_first(stack: RunningStack, name: str) -> None:
    path = REPO_ROOT / "tests" / "data" / name / "emergencies.yml"
    emergencies = [
        e["text"] for e in yaml.safe_load(path.read_text(encoding="utf-8"))["emergencies"]
    ]

    replies = ask_each(stack.app_url, emergencies)

    missed = [
        text for text, messages in zip(emergencies, replies, strict=True) if not is_alarm(messages)
    ]
    assert missed == []


@pytest.mark.parametrize("name", EMERGENCY_SETS)
def test_harmless_messages_with_emergency_words_get_an_answer(
    stack: RunningStack, name: str
) -> None:
    path = REPO_ROOT / "tests" / "data" / name / "not_emergencies.yml"
    texts = [e["text"] for e in yaml.safe_load(path.read_text(encoding="utf-8"))["not_emergencies"]]

    replies = ask_each(stack.app_url, texts)

    alarms = [text for text, messages in zip(texts, replies, strict=True) if is_alarm(messages)]
    assert alarms == []


def test_every_faq_question_reaches_its_answer(stack: RunningStack) -> None:
    outcomes = [
        (faq_id, text, classify(faq_id, messages))
        for (faq_id, text), messages in zip(faq_texts(), faq_replies(stack.app_url), strict=True)
    ]
    counts = Counter(outcome for _, _, outcome in outcomes)
    total = len(outcomes)
    good = (counts["top1"] + counts["covered"]) / total
    wrong_flow = (counts["menu"] + counts["other_topic"]) / total
    misses = [f"{o}: [{i}] {t}" for i, t, o in outcomes if o not in ("top1", "covered")]
    report = f"{dict(counts)} of {total}; first misses:\n" + "\n".join(misses[:60])
    print(report)

    assert good >= ROUTING_TOP1_FLOOR, report
    assert wrong_flow <= ROUTING_WRONG_FLOW_CEILING, report


@pytest.mark.parametrize("name", ENGLISH_SETS)
def test_english_questions_get_the_right_answer_after_the_english_line(
    stack: RunningStack, name: str
) -> None:
    path = REPO_ROOT / "tests" / "data" / name / "english_questions.yml"
    questions = yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]

    replies = ask_each(stack.app_url, [q["text"] for q in questions])

    right, wrong = 0, []
    for question, messages in zip(questions, replies, strict=True):
        if question.get("emergency"):
            ok = is_alarm(messages) and any(ord(c) < 128 for c in messages[0]["text"])
        else:
            answered = {m.get("answer_id") for m in messages}
            ok = messages[0]["text"].startswith("Answers are in Japanese") and bool(
                answered & set(question["expected"])
            )
        right += ok
        if not ok:
            wrong.append(
                f"{question['text']} -> {[m.get('answer_id') or m['text'][:30] for m in messages]}"
            )
    share = right / len(questions)
    report = f"{right}/{len(questions)} right; wrong:\n" + "\n".join(wrong)
    print(report)
    assert len(questions) >= 20
    assert share >= ENGLISH_FLOOR, report

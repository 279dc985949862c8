"""/metrics of the running stack, scraped as Prometheus would: after an answered FAQ
question, an abstention, an emergency and the start of a flow, each outcome's turn count has
grown (counted from a scrape before, so what earlier tests sent cannot make this pass).

Names and labels: app/metrics.py (chatbot_turns{channel, outcome}) and core/observer.py
(the outcomes).
"""

from __future__ import annotations

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from core import observer as outcomes
from core.texts import load_texts, reply_text
from tests.e2e.conftest import RunningStack
from tests.support.chat_client import Conversation
from tests.support.emergencies import is_alarm
from tests.support.retrieval_dev_set import answerable, unanswerable

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

CHANNEL = "web"
ANSWERED_QUESTION = "q045"  # 入籍して姓が変わりました。マイナの券面の名前はどこで直すの？
UNANSWERABLE_QUESTION = "u001"  # マイナンバーカードの色やデザインを好きなものに変えたい
EMERGENCY = "家が火事です"
FLOW_START = "マイナンバーカードを申請したい"
# An address outside the host, as a reverse proxy on the host reports its client
# (uvicorn trusts X-Forwarded-For from loopback).
OUTSIDE_CLIENT = "203.0.113.7"


def scrape(stack: RunningStack, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.get(f"{stack.app_url}/metrics", headers=headers or {}, timeout=30)


def turn_counts(stack: RunningStack) -> dict[str, float]:
    response = scrape(stack)
    assert response.status_code == 200, response.text
    counts: dict[str, float] = {}
    for family in text_string_to_metric_families(response.text):
        if family.name != "chatbot_turns":
            continue
        for sample in family.samples:
            if sample.name == "chatbot_turns_total" and sample.labels["channel"] == CHANNEL:
                counts[sample.labels["outcome"]] = sample.value
    return counts


def texts(messages: list[dict]) -> list[str]:
    return [m["text"] for m in messages]


def opening(key: str) -> str:
    """A reply's fixed words, before its first placeholder (the contact)."""
    return str(load_texts()[key]).split("{", 1)[0]


def test_turns_by_outcome_are_counted(stack: RunningStack) -> None:
    question = next(q for q in answerable() if q.id == ANSWERED_QUESTION)
    unanswerable_text = dict(unanswerable())[UNANSWERABLE_QUESTION]
    before = turn_counts(stack)

    answered = Conversation(stack.app_url).say(question.text)
    abstained = Conversation(stack.app_url).say(unanswerable_text)
    emergency = Conversation(stack.app_url).say(EMERGENCY)
    flow = Conversation(stack.app_url).say(FLOW_START)

    after = turn_counts(stack)
    # what each message got, so that a miss names the reply and not only the counter
    assert question.answered_right(answered), texts(answered)
    assert not any(opening("answer_may_differ") in t for t in texts(answered)), texts(answered)
    assert any(t.startswith(opening("cannot_answer")) for t in texts(abstained)), texts(abstained)
    assert is_alarm(emergency), texts(emergency)
    assert "どの方法で申請" in "\n".join(texts(flow)), texts(flow)
    grown = {o: after.get(o, 0.0) - before.get(o, 0.0) for o in outcomes.OUTCOMES}
    for outcome in (outcomes.ANSWERED, outcomes.ABSTAINED, outcomes.EMERGENCY, outcomes.FLOW):
        assert grown[outcome] >= 1, grown
    assert reply_text("slow_down") not in texts(answered + abstained + emergency + flow)


def test_rasa_up_and_latency_are_exported(stack: RunningStack) -> None:
    Conversation(stack.app_url).say(FLOW_START)

    families = {f.name: f for f in text_string_to_metric_families(scrape(stack).text)}

    assert families["chatbot_rasa_up"].samples[0].value == 1
    for name in ("chatbot_turn_seconds", "chatbot_rasa_seconds", "chatbot_retrieval_seconds"):
        count = next(s.value for s in families[name].samples if s.name == f"{name}_count")
        assert count >= 1, name


def test_metrics_are_refused_to_a_client_outside_the_host(stack: RunningStack) -> None:
    response = scrape(stack, headers={"X-Forwarded-For": OUTSIDE_CLIENT})

    assert response.status_code == 401
    assert "chatbot_turns" not in response.text

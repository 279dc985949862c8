"""action_answer_question with the real knowledge index: a sure answer, an answer close to the
abstention threshold (which also names where to ask), and an abstention."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.actions.answer_question import ActionAnswerQuestion
from core.answers import answer_may_differ, cannot_answer
from core.runtime import Runtime, RuntimeHolder
from knowledge.municipality import Municipality
from repo_paths import KNOWLEDGE_DIR, REPO_ROOT
from retrieval.knowledge_service import KnowledgeService
from tests.support.actions import make_tracker, run_action

DEV_QUERIES = REPO_ROOT / "tests" / "data" / "retrieval_dev" / "queries.jsonl"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def knowledge(full_knowledge: Runtime) -> KnowledgeService:
    assert full_knowledge.knowledge is not None
    return full_knowledge.knowledge


async def answer(runtime: Runtime, text: str) -> list[dict[str, Any]]:
    action = ActionAnswerQuestion(RuntimeHolder(runtime))
    return (await run_action(action, make_tracker(text))).messages


def dev_question(knowledge: KnowledgeService, *, tentative: bool) -> str:
    """A dev question whose answer falls in the wanted band (found, not hard-coded, so the
    test follows the index and the calibration)."""
    for line in DEV_QUERIES.read_text(encoding="utf-8").splitlines():
        text = json.loads(line)["text"]
        decision = knowledge.decide(text)
        if not decision.abstained and decision.tentative == tentative:
            return text
    pytest.fail(f"no dev question with tentative={tentative}")


async def test_a_sure_answer_comes_without_the_note(
    full_knowledge: Runtime, knowledge: KnowledgeService
) -> None:
    messages = await answer(full_knowledge, dev_question(knowledge, tentative=False))

    assert messages[0]["custom"]["sources"][0]["title"]
    note = answer_may_differ(full_knowledge.municipality).text
    assert all(m.get("text") != note for m in messages)


async def test_an_answer_near_the_threshold_says_where_to_ask(
    full_knowledge: Runtime, knowledge: KnowledgeService
) -> None:
    messages = await answer(full_knowledge, dev_question(knowledge, tentative=True))

    assert messages[0]["custom"]["sources"][0]["title"], "the answer still comes first"
    note = messages[-1]["text"]
    assert note == answer_may_differ(full_knowledge.municipality).text
    contact = Municipality.load(KNOWLEDGE_DIR / "municipality.yml").fallback_contact
    assert contact.name in note and contact.phone in note


async def test_nonsense_gets_the_cannot_answer_reply(full_knowledge: Runtime) -> None:
    messages = await answer(full_knowledge, "ぴよぴよもげもげ")

    assert [m["text"] for m in messages] == [cannot_answer(full_knowledge.municipality).text]


async def test_an_unanswered_question_is_recorded_masked(holder) -> None:
    from bot.actions.answer_question import ActionAnswerQuestion as Action

    text = "ぴよぴよ 090-1234-5678 もげもげ"
    result = await run_action(Action(holder), make_tracker(text, metadata={"channel": "web"}))

    assert [m["text"] for m in result.messages] == [cannot_answer(holder.current.municipality).text]
    rows = holder.current.unanswered.rows()
    assert [r.question for r in rows] == ["ぴよぴよ [電話番号] もげもげ"]

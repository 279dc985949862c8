"""While Rasa is down, the bot's own topic buttons still get their topic's answer."""

from __future__ import annotations

from typing import Any

import pytest

from core.button_payloads import ButtonPayloads
from core.conversation import ConversationService
from core.runtime import Runtime, RuntimeHolder
from knowledge.unanswered import UnansweredLog
from repo_paths import REPO_ROOT
from tests.support.knowledge_runtime import build_runtime
from tests.support.recording_dialogue import RecordingDialogue

TINY_KNOWLEDGE = REPO_ROOT / "tests" / "data" / "knowledge_tiny"
SECRET = b"0123456789abcdef0123456789abcdef"


@pytest.fixture(scope="module")
def tiny_runtime(embedder: Any, tmp_path_factory: pytest.TempPathFactory) -> Runtime:
    work = tmp_path_factory.mktemp("tiny-knowledge")
    return build_runtime(TINY_KNOWLEDGE, embedder, work / "index", UnansweredLog(work / "db"))


@pytest.mark.parametrize(
    ("payload", "answer_id"),
    [
        ("/card_lost", "mynumber-card-lost"),
        ('/ask_procedure{"procedure": "child_allowance"}', "proc-child-allowance-apply"),
    ],
)
async def test_a_topic_button_is_answered_from_the_index(
    tiny_runtime: Runtime, payload: str, answer_id: str
) -> None:
    buttons = ButtonPayloads(SECRET)
    conversation = ConversationService(
        RecordingDialogue(down=True), RuntimeHolder(tiny_runtime), buttons, max_chars=1000
    )

    replies = await conversation.reply("s", buttons.issue(payload), channel="web")

    assert replies[0].answer_id == answer_id
    assert replies[0].sources


async def test_a_flow_button_without_an_answer_says_flows_must_wait(tiny_runtime: Runtime) -> None:
    buttons = ButtonPayloads(SECRET)
    conversation = ConversationService(
        RecordingDialogue(down=True), RuntimeHolder(tiny_runtime), buttons, max_chars=1000
    )

    replies = await conversation.reply("s", buttons.issue("/card_apply"), channel="web")

    assert replies == [conversation.unavailable()]

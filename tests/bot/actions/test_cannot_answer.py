"""action_cannot_answer: the honest reply, with the municipality's general contact."""

from __future__ import annotations

from bot.actions.cannot_answer import ActionCannotAnswer
from core.answers import cannot_answer
from core.runtime import RuntimeHolder
from tests.support.actions import make_tracker, run_action


async def test_it_names_the_general_contact(holder: RuntimeHolder) -> None:
    result = await run_action(ActionCannotAnswer(holder), make_tracker("明日の天気は"))

    contact = holder.current.municipality.fallback_contact
    [message] = result.messages
    assert message["text"] == cannot_answer(holder.current.municipality).text
    assert contact.name in message["text"] and contact.phone in message["text"]
    assert result.events == []

"""action_cannot_answer: the honest reply, with the municipality's general contact."""

from __future__ import annotations

from bot.actions.cannot_answer import ActionCannotAnswer
from core.runtime import RuntimeHolder
from tests.support.actions import make_tracker, run_action


async def test_it_names_the_general_contact(holder: RuntimeHolder) -> None:
    result = await run_action(ActionCannotAnswer(holder), make_tracker("明日の天気は"))

    contact = holder.current.municipality.fallback_contact
    assert result.responses == ["utter_cannot_answer"]
    assert result.messages[0]["contact_name"] == contact.name
    assert result.messages[0]["contact_phone"] == contact.phone
    assert result.events == []

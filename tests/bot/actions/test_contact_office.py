"""action_contact_office: the office for the conversation's topic, and whether it is open now."""

from __future__ import annotations

import pytest

from bot.actions.contact_office import ActionContactOffice
from core.runtime import RuntimeHolder
from tests.support.actions import make_tracker, run_action


@pytest.mark.parametrize(
    "topic, office",
    [
        ("card_lost", "offices.mynumber"),
        ("child_allowance", "offices.child"),
        (None, "offices.general"),
        ("no_such_topic", "offices.general"),
    ],
)
async def test_the_topic_chooses_the_office(
    holder: RuntimeHolder, topic: str | None, office: str
) -> None:
    tracker = make_tracker("担当の人と話したい", "request_human", slots={"topic": topic})

    result = await run_action(ActionContactOffice(holder), tracker)

    expected = holder.current.municipality.contact(office)
    message = result.messages[0]
    assert message["response"] == "utter_contact_office"
    assert message["contact_name"] == expected.name
    assert message["contact_phone"] == expected.phone
    assert message["open_status"] in (
        "ただいま受付時間内です。",
        "ただいま受付時間外です。受付時間内におかけください。",
    )

"""action_emergency: 119 for fire and illness, 110 for crime, both when the kind is unclear."""

from __future__ import annotations

import pytest

from bot.actions.emergency import ActionEmergency
from core.runtime import RuntimeHolder
from core.texts import text_table
from tests.support.actions import entity, make_tracker, run_action


@pytest.mark.parametrize(
    "kind",
    ["fire", "ambulance", "police", "unknown"],
)
async def test_the_apps_kind_picks_the_reply(holder: RuntimeHolder, kind: str) -> None:
    tracker = make_tracker(
        f'/emergency{{"emergency_type": "{kind}"}}',
        "emergency",
        entities=[entity("emergency_type", kind)],
    )

    result = await run_action(ActionEmergency(holder), tracker)

    assert [m["text"] for m in result.messages] == [text_table("emergency")[kind]]


@pytest.mark.parametrize(
    "text, kind",
    [
        ("家が火事です", "fire"),
        ("父が倒れて息をしていない", "ambulance"),
        ("泥棒が入ってきた", "police"),
    ],
)
async def test_for_typed_text_the_lexicon_names_the_kind(
    holder: RuntimeHolder, text: str, kind: str
) -> None:
    result = await run_action(ActionEmergency(holder), make_tracker(text, "emergency"))

    assert result.messages[0]["text"] == text_table("emergency")[kind]


async def test_english_gets_the_english_line_first(holder: RuntimeHolder) -> None:
    tracker = make_tracker("There is a fire in my house", "emergency", metadata={"language": "en"})

    result = await run_action(ActionEmergency(holder), tracker)

    assert [m["text"] for m in result.messages] == [
        text_table("emergency_en")["fire"],
        text_table("emergency")["fire"],
    ]

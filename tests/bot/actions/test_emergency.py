"""action_emergency: 119 for fire and illness, 110 for crime, both when the kind is unclear."""

from __future__ import annotations

import pytest

from bot.actions.emergency import ActionEmergency
from tests.support.actions import entity, make_tracker, run_action


@pytest.mark.parametrize(
    "value, response",
    [
        ("火事", "utter_emergency_fire"),
        ("救急車", "utter_emergency_fire"),
        ("泥棒", "utter_emergency_police"),
        ("事故", "utter_emergency_police"),
    ],
)
async def test_the_kind_picks_the_number(value: str, response: str) -> None:
    tracker = make_tracker(f"{value}です", "emergency", entities=[entity("emergency_type", value)])

    result = await run_action(ActionEmergency(), tracker)

    assert result.responses == [response]


async def test_without_a_kind_both_numbers_are_named() -> None:
    result = await run_action(ActionEmergency(), make_tracker("たすけて", "emergency"))

    assert result.responses == ["utter_emergency_unknown"]

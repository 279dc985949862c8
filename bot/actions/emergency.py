"""Emergencies first: 119 for fire and illness, 110 for crime, before anything else."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.entity_values import latest_entity

RESPONSES = {"fire": "utter_emergency_fire", "crime": "utter_emergency_police"}


class ActionEmergency(Action):
    def name(self) -> str:
        return "action_emergency"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        kind = latest_entity(tracker.latest_message, "emergency_type", set(RESPONSES))
        dispatcher.utter_message(response=RESPONSES.get(kind or "", "utter_emergency_unknown"))
        return []

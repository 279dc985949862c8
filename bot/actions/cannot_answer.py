"""The polite 'cannot answer' reply, always with a contact, never with a guessed answer."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.dispatch import send
from bot.actions.runtime_action import RuntimeAction
from core.answers import cannot_answer


class ActionCannotAnswer(RuntimeAction):
    def name(self) -> str:
        return "action_cannot_answer"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        send(dispatcher, [cannot_answer(self.runtime.municipality)])
        return []

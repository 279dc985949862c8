"""The warning after a message that contained personal data (the app has masked it).

The wording is the app's (core/texts.ja.yml), so that the warning is the same when the app
answers without Rasa.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from core.texts import reply_text


class ActionPersonalDataWarning(Action):
    def name(self) -> str:
        return "action_personal_data_warning"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        dispatcher.utter_message(text=reply_text("personal_data_warning"))
        return []

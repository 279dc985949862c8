"""Emergencies first: 119 for fire and illness, 110 for crime, before anything else.

The app decides (core/emergency.py) and sends `/emergency{"emergency_type": kind}`; DIET's
own emergency intent reaches this action only where the lexicon agrees
(bot/components/emergency_intent_gate.py). The wording is the app's (core/texts.ja.yml), so
that the reply is the same when the app answers without Rasa.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.entity_values import latest_entity
from bot.actions.runtime_action import RuntimeAction
from core.emergency import AMBULANCE, FIRE, POLICE, UNKNOWN
from core.replies import emergency_texts

KINDS = {FIRE, AMBULANCE, POLICE, UNKNOWN}


class ActionEmergency(RuntimeAction):
    def name(self) -> str:
        return "action_emergency"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        message = tracker.latest_message
        text = message.get("text") or ""
        # From the app, `/emergency{"emergency_type": kind}` names the kind; from DIET (where
        # the lexicon agreed) the lexicon's reading of the text does.
        from_lexicon = None if text.startswith("/") else self.runtime.emergency.check(text).kind
        kind = from_lexicon or latest_entity(message, "emergency_type", KINDS) or UNKNOWN
        english = (message.get("metadata") or {}).get("language") == "en"
        for text in emergency_texts(kind, english=english):
            dispatcher.utter_message(text=text)
        return []

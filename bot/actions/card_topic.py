"""My Number card help by topic: the curated answer for the topic, then the next choices."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.answer_question import (
    answer_from_knowledge,
    sure_answer_elsewhere,
    topic_slots,
)
from bot.actions.dispatch import send
from bot.actions.runtime_action import RuntimeAction
from core.answers import document_message

CARD_TOPICS = {
    "card_receive",
    "card_lost",
    "card_found",
    "card_pin",
    "card_certificate",
    "card_health_insurance",
    "card_convenience_store",
}


class ActionCardTopic(RuntimeAction):
    def name(self) -> str:
        return "action_card_topic"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        intent = (tracker.latest_message.get("intent") or {}).get("name", "")
        text = tracker.latest_message.get("text") or ""
        runtime = self.runtime
        knowledge = runtime.knowledge
        candidates = (
            knowledge.faqs_where(topic=intent) if knowledge and intent in CARD_TOPICS else []
        )
        if (
            not candidates
            or knowledge is None
            or sure_answer_elsewhere(runtime, text, "topic", {intent})
        ):
            answered = answer_from_knowledge(dispatcher, tracker, runtime, text)
            return topic_slots(answered)
        # Button payloads arrive as "/card_lost": rank by the topic's own question then.
        query = text if text and not text.startswith("/") else candidates[0].title
        best = knowledge.rank_within(query, candidates)[0]
        send(dispatcher, [document_message(best.document)])
        follow_up = f"utter_topic_next_{intent}"
        if follow_up in domain.get("responses", {}):
            dispatcher.utter_message(response=follow_up)
        return [SlotSet("topic", intent)]

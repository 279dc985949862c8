"""'I want to talk to a person': the office for the current topic, and whether it is open now."""

from __future__ import annotations

from collections import Counter
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.contacts import CARD_OFFICE, contact_values
from bot.actions.dispatch import response_text
from bot.actions.runtime_action import RuntimeAction
from knowledge.municipality import UnknownContactError
from retrieval.knowledge_service import KnowledgeService


def office_for_topic(topic: str | None, knowledge: KnowledgeService | None) -> str | None:
    """Card topics go to the card office; a procedure to the office its FAQs name most."""
    if not topic:
        return None
    if topic.startswith("card_"):
        return CARD_OFFICE
    if knowledge is None:
        return None
    contacts = Counter(
        d.metadata["contact"]
        for d in knowledge.faqs_where(procedure=topic)
        if (d.metadata.get("contact") or "").startswith("offices.")
    )
    return contacts.most_common(1)[0][0] if contacts else None


class ActionContactOffice(RuntimeAction):
    def name(self) -> str:
        return "action_contact_office"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        runtime = self.runtime
        municipality = runtime.municipality
        key = office_for_topic(tracker.get_slot("topic"), runtime.knowledge)
        try:
            contact = municipality.contact(key) if key else municipality.fallback_contact
        except UnknownContactError:
            contact = municipality.fallback_contact
        is_open = contact.is_open(municipality.now())
        status = ""
        if is_open is not None:
            status = response_text(
                domain, "utter_office_open_now" if is_open else "utter_office_closed_now"
            )
        dispatcher.utter_message(
            response="utter_contact_office", open_status=status, **contact_values(contact)
        )
        return []

"""Free-text questions answered from the knowledge index, or an honest 'cannot answer'."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.contact_response import contact_values
from bot.actions.knowledge_reply import utter_document, utter_related
from bot.actions.services import ActionServices, get_services

logger = logging.getLogger(__name__)


def utter_with_general_contact(
    dispatcher: CollectingDispatcher, services: ActionServices, response: str
) -> None:
    contact = services.municipality.fallback_contact
    dispatcher.utter_message(response=response, **contact_values(contact))


def utter_cannot_answer(dispatcher: CollectingDispatcher, services: ActionServices) -> None:
    utter_with_general_contact(dispatcher, services, "utter_cannot_answer")


def answer_from_knowledge(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    domain: dict[str, Any],
    query: str,
) -> bool:
    """Answers `query` from the index; False (and a cannot-answer reply) when it abstains."""
    services = get_services()
    if services.knowledge is None or not query.strip():
        utter_cannot_answer(dispatcher, services)
        return False
    decision = services.knowledge.decide(query)
    if decision.abstained:
        _record_unanswered(services, tracker, query, decision.candidates)
        utter_cannot_answer(dispatcher, services)
        return False
    assert decision.best is not None
    utter_document(dispatcher, decision.best.document)
    utter_related(dispatcher, domain, [r.document for r in decision.related])
    if decision.tentative:
        utter_with_general_contact(dispatcher, services, "utter_answer_may_differ")
    return True


def _record_unanswered(services: ActionServices, tracker: Tracker, query: str, candidates) -> None:
    if services.unanswered is None:
        return
    from app.personal_data import PersonalDataMasker

    nearest = candidates[0] if candidates else None
    try:
        services.unanswered.record(
            PersonalDataMasker().mask(query).text,
            channel=str((tracker.latest_message.get("metadata") or {}).get("channel", "")),
            nearest_id=nearest.document.id if nearest else None,
            nearest_question=nearest.document.title if nearest else None,
            nearest_score=nearest.dense_score if nearest else None,
        )
    except Exception:  # the resident's answer matters more than the statistics
        logger.exception("could not record an unanswered question")


class ActionAnswerQuestion(Action):
    def name(self) -> str:
        return "action_answer_question"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        answer_from_knowledge(dispatcher, tracker, domain, tracker.latest_message.get("text") or "")
        return []

"""Free-text questions answered from the knowledge index, or an honest 'cannot answer'."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.dispatch import send
from bot.actions.runtime_action import RuntimeAction
from core.answers import cannot_answer, decision_messages
from core.personal_data import PersonalDataMasker
from core.runtime import Runtime
from retrieval.documents import Document, ScoredDocument
from retrieval.knowledge_service import SURE

logger = logging.getLogger(__name__)


def answer_from_knowledge(
    dispatcher: CollectingDispatcher, tracker: Tracker, runtime: Runtime, query: str
) -> Document | None:
    """Answers `query` from the index: the document answered with, or None (and the
    cannot-answer reply with the contact) when it abstains."""
    if runtime.knowledge is None or not query.strip():
        send(dispatcher, [cannot_answer(runtime.municipality)])
        return None
    decision = runtime.knowledge.decide(query)
    if decision.abstained:
        _record_unanswered(runtime, tracker, query, decision.candidates)
    send(dispatcher, decision_messages(decision, runtime.knowledge, runtime.municipality))
    return decision.best.document if decision.best else None


def sure_answer_elsewhere(
    runtime: Runtime, query: str, metadata_key: str, values: set[str]
) -> bool:
    """Whether the knowledge base is sure of an answer outside the flow's own entries.

    A flow keyed by an entity or an intent (転入届 → moving_in) answers among its entries;
    when the resident's words point surely at an entry elsewhere (「引っ越しで転校するんだけど」
    is about 転校), that entry is the answer.
    """
    best = sure_answer(runtime, query)
    return best is not None and best.metadata.get(metadata_key) not in values


def sure_answer(runtime: Runtime, query: str) -> Document | None:
    """The entry the knowledge base is sure answers the resident's own words, if any."""
    if runtime.knowledge is None or not query.strip() or query.startswith("/"):
        return None
    decision = runtime.knowledge.decide(query)
    if decision.level != SURE or decision.best is None:
        return None
    return decision.best.document


def topic_slots(document: Document | None) -> list[dict[str, Any]]:
    """The conversation's topic follows the answer, so that a follow-up (「期限は？」) after an
    answer about 死亡届 is about 死亡届 even though no flow was taken."""
    if document is None:
        return []
    procedure = document.metadata.get("procedure")
    topic = procedure or document.metadata.get("topic")
    events = [SlotSet("topic", topic)] if topic else []
    if procedure:
        events.append(SlotSet("procedure", procedure))
    return events


def _record_unanswered(
    runtime: Runtime, tracker: Tracker, query: str, candidates: list[ScoredDocument]
) -> None:
    if runtime.unanswered is None:
        return
    nearest = candidates[0] if candidates else None
    try:
        runtime.unanswered.record(
            PersonalDataMasker().mask(query).text,
            channel=str((tracker.latest_message.get("metadata") or {}).get("channel", "")),
            nearest_id=nearest.document.id if nearest else None,
            nearest_question=nearest.document.title if nearest else None,
            nearest_score=nearest.dense_score if nearest else None,
        )
    except Exception:  # the resident's answer matters more than the statistics
        logger.exception("could not record an unanswered question")


class ActionAnswerQuestion(RuntimeAction):
    def name(self) -> str:
        return "action_answer_question"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        query = tracker.latest_message.get("text") or ""
        return topic_slots(answer_from_knowledge(dispatcher, tracker, self.runtime, query))

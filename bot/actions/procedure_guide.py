"""Procedure guidance that keeps the topic: after 児童手当, 「引っ越した場合は？」 is about it."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.answer_question import answer_from_knowledge, sure_answer, topic_slots
from bot.actions.dispatch import send
from bot.actions.entity_values import aspects_named, latest_entity
from bot.actions.runtime_action import RuntimeAction
from bot.actions.topic_words import names_a_topic
from core.answers import document_message
from knowledge.schema import ASPECTS, PROCEDURES
from retrieval.documents import Document

MOVING = "moving"  # 引っ越し in general: ask which of 転入・転出・転居
MOVING_PROCEDURES = {"moving_in", "moving_out", "moving_within"}


class ActionProcedureGuide(RuntimeAction):
    def name(self) -> str:
        return "action_procedure_guide"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        runtime = self.runtime
        message = tracker.latest_message
        text = message.get("text") or ""
        procedure = latest_entity(message, "procedure", PROCEDURES | {MOVING})
        aspect = latest_entity(message, "aspect", ASPECTS)
        # the bot's own button ("/ask_procedure{...}"): the resident chose this procedure
        typed = not text.startswith("/")
        if procedure is not None and typed:
            named = MOVING_PROCEDURES if procedure == MOVING else {procedure}
            sure = sure_answer(runtime, text)
            if sure is not None and sure.metadata.get("procedure") not in named:
                answered = answer_from_knowledge(dispatcher, tracker, runtime, text)
                return topic_slots(answered)
            if (
                sure is not None
                and procedure != MOVING
                and aspect is None
                and aspects_named(text, ASPECTS) <= {sure.metadata.get("aspect")}
            ):
                # 「転出の届けって2週間前からじゃないと出せないの？」: no aspect was read, but the
                # words point surely at one of the named procedure's entries (its deadline);
                # the how-to the missing aspect would default to is not what was asked. Words
                # of another aspect (申請方法) keep the ranking within that aspect's entries.
                return _procedure_answer(dispatcher, sure, procedure)
        if procedure == MOVING and aspect is None:
            dispatcher.utter_message(response="utter_ask_moving_kind")
            return []
        if procedure == MOVING:
            procedure = tracker.get_slot("procedure") or "moving_in"
        procedure = procedure or tracker.get_slot("procedure")
        knowledge = runtime.knowledge
        if procedure not in PROCEDURES:
            if knowledge is not None and names_a_topic(text, knowledge.retriever.analyzer):
                # a topic no flow covers: the knowledge base answers or says it cannot
                answered = answer_from_knowledge(dispatcher, tracker, runtime, text)
                return topic_slots(answered)
            dispatcher.utter_message(response="utter_ask_which_procedure")
            return []

        if knowledge is None:
            answer_from_knowledge(dispatcher, tracker, runtime, text)
            return [SlotSet("procedure", procedure), SlotSet("topic", procedure)]
        english = (message.get("metadata") or {}).get("language") == "en"
        if aspect is None and english:
            # no aspect is read from English: rank among all the procedure's entries
            candidates = knowledge.faqs_where(procedure=procedure)
        else:
            candidates = knowledge.faqs_where(
                procedure=procedure, aspect=aspect or "howto"
            ) or knowledge.faqs_where(procedure=procedure)
        if not candidates:
            answer_from_knowledge(dispatcher, tracker, runtime, text)
        else:
            best = knowledge.rank_within(text, candidates)[0].document if typed else candidates[0]
            return _procedure_answer(dispatcher, best, procedure)
        return [SlotSet("procedure", procedure), SlotSet("topic", procedure)]


def _procedure_answer(
    dispatcher: CollectingDispatcher, document: Document, procedure: str
) -> list[dict[str, Any]]:
    """One of the procedure's entries, the offer of its other aspects, and the procedure kept
    as the conversation's topic for the follow-ups."""
    send(dispatcher, [document_message(document)])
    dispatcher.utter_message(response="utter_procedure_next")
    return [SlotSet("procedure", procedure), SlotSet("topic", procedure)]

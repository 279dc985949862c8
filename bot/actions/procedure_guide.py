"""Procedure guidance that keeps the topic: after 児童手当, 「引っ越した場合は？」 is about it."""

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
from bot.actions.entity_values import latest_entity
from bot.actions.runtime_action import RuntimeAction
from bot.actions.topic_words import names_a_topic
from core.answers import document_message
from knowledge.schema import ASPECTS, PROCEDURES

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
            if sure_answer_elsewhere(runtime, text, "procedure", named):
                answered = answer_from_knowledge(dispatcher, tracker, runtime, text)
                return topic_slots(answered)
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
            send(dispatcher, [document_message(best)])
            dispatcher.utter_message(response="utter_procedure_next")
        return [SlotSet("procedure", procedure), SlotSet("topic", procedure)]

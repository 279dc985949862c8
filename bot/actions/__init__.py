"""Rasa custom actions, run by the app's action endpoint (app/action_endpoint.py)."""

from bot.actions.answer_question import ActionAnswerQuestion
from bot.actions.cannot_answer import ActionCannotAnswer
from bot.actions.card_application import (
    ActionAskHasQrForm,
    ActionCardApplicationSteps,
    ValidateCardApplicationForm,
)
from bot.actions.card_topic import ActionCardTopic
from bot.actions.contact_office import ActionContactOffice
from bot.actions.emergency import ActionEmergency
from bot.actions.procedure_guide import ActionProcedureGuide

__all__ = [
    "ActionAnswerQuestion",
    "ActionAskHasQrForm",
    "ActionCannotAnswer",
    "ActionCardApplicationSteps",
    "ActionCardTopic",
    "ActionContactOffice",
    "ActionEmergency",
    "ActionProcedureGuide",
    "ValidateCardApplicationForm",
]

"""Rasa custom actions, served by the app's action endpoint (app/routers/actions.py)."""

from __future__ import annotations

from rasa_sdk import Action

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
from bot.actions.personal_data_warning import ActionPersonalDataWarning
from bot.actions.procedure_guide import ActionProcedureGuide
from core.runtime import RuntimeHolder

RUNTIME_ACTIONS = (
    ActionAnswerQuestion,
    ActionAskHasQrForm,
    ActionCannotAnswer,
    ActionCardApplicationSteps,
    ActionCardTopic,
    ActionContactOffice,
    ActionEmergency,
    ActionProcedureGuide,
)


def build_actions(runtime: RuntimeHolder) -> list[Action]:
    """Every custom action the domain names, bound to the app's runtime."""
    return [
        *(action(runtime) for action in RUNTIME_ACTIONS),
        ActionPersonalDataWarning(),
        ValidateCardApplicationForm(),
    ]


__all__ = [
    "ActionAnswerQuestion",
    "ActionAskHasQrForm",
    "ActionCannotAnswer",
    "ActionCardApplicationSteps",
    "ActionCardTopic",
    "ActionContactOffice",
    "ActionEmergency",
    "ActionPersonalDataWarning",
    "ActionProcedureGuide",
    "ValidateCardApplicationForm",
    "build_actions",
]

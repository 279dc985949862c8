"""Residents' turns as Rasa's processor logs them, for tests of trackers (Rasa's environment).

The events follow bot/domain.yml and bot/data/rules.yml: small talk, procedure questions (the
guide sets `procedure` and `topic`), the card application form run to its end, and the form
interrupted by a question. Every call makes new event objects: a tracker changes the events
it logs (timestamps, metadata).
"""

from __future__ import annotations

import asyncio
from typing import Any

from rasa.core.actions.action import ActionSessionStart
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    Event,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from repo_paths import BOT_DIR

DOMAIN = Domain.load(str(BOT_DIR / "domain.yml"))
FORM = "card_application_form"
Turn = list[Event]


def user(text: str, intent: str, entities: list[dict[str, Any]] = (), **kwargs: Any) -> UserUttered:
    parse_data = {"intent": {"name": intent, "confidence": 0.98}, "entities": list(entities)}
    return UserUttered(text, parse_data["intent"], list(entities), parse_data, **kwargs)


def session_start() -> list[Event]:
    """What the processor logs for a new session: Rasa's own action_session_start."""
    tracker = DialogueStateTracker("resident", DOMAIN.slots)
    output = CollectingOutputChannel()
    events = asyncio.run(ActionSessionStart().run(output, None, tracker, DOMAIN))
    return [ActionExecuted("action_session_start"), *events]


def greeting() -> Turn:
    return [
        user("こんにちは", "greet"),
        ActionExecuted("utter_greet"),
        BotUttered("こんにちは。"),
        ActionExecuted("action_listen"),
    ]


def procedure_question(procedure: str) -> Turn:
    return [
        user(
            f"{procedure}の期限は？", "ask_procedure", [{"entity": "procedure", "value": procedure}]
        ),
        SlotSet("procedure", procedure),
        ActionExecuted("action_procedure_guide"),
        SlotSet("topic", procedure),
        BotUttered(f"{procedure}の手続きです。"),
        ActionExecuted("action_listen"),
    ]


def fallback() -> Turn:
    """RulePolicy's core fallback: Rasa's action_default_fallback takes the message back."""
    return [
        user("ええと", "affirm"),
        ActionExecuted("action_default_fallback"),
        BotUttered("すみません、わかりませんでした。"),
        UserUtteranceReverted(),
        ActionExecuted("action_listen"),
    ]


def form_started() -> Turn:
    return [
        user("マイナンバーカードを申請したい", "card_apply"),
        ActionExecuted(FORM),
        ActiveLoop(FORM),
        SlotSet("requested_slot", "apply_method"),
        BotUttered("どの方法で申請しますか。"),
        ActionExecuted("action_listen"),
    ]


def emergency_in_the_form() -> Turn:
    """bot/data/rules.yml: the emergency is answered and the form goes on."""
    return [
        user("/emergency", "emergency"),
        ActionExecuted("action_emergency"),
        BotUttered("119番に電話してください。"),
        ActionExecuted(FORM),
        BotUttered("どの方法で申請しますか。"),
        ActionExecuted("action_listen"),
    ]


def card_application() -> list[Turn]:
    """The form from its start to the tailored steps."""
    return [
        form_started(),
        [
            user(
                "スマホで", "inform_apply_method", [{"entity": "apply_method", "value": "スマホ"}]
            ),
            SlotSet("apply_method", "smartphone"),
            ActionExecuted(FORM),
            SlotSet("requested_slot", "has_qr_form"),
            BotUttered("QRコード付きの申請書はありますか。"),
            ActionExecuted("action_listen"),
        ],
        [
            user("はい", "affirm"),
            SlotSet("has_qr_form", True),
            ActionExecuted(FORM),
            ActiveLoop(None),
            SlotSet("requested_slot", None),
            ActionExecuted("action_card_application_steps"),
            SlotSet("topic", "card_apply"),
            BotUttered("スマホでの申請の手順です。"),
            ActionExecuted("action_listen"),
        ],
    ]


def interrupted_card_application() -> list[Turn]:
    """The form, left for a question (bot/data/rules.yml: ask_question interrupts it)."""
    return [
        form_started(),
        [
            user("計画期間は？", "ask_question"),
            ActionExecuted("action_deactivate_loop"),
            ActiveLoop(None),
            SlotSet("requested_slot", None),
            ActionExecuted("action_answer_question"),
            BotUttered("計画期間は5年間です。"),
            ActionExecuted("action_listen"),
        ],
    ]


def conversation(turns: int) -> list[Turn]:
    """`turns` turns of a resident asking, applying, being interrupted, asking again."""
    pattern = [
        lambda: [greeting()],
        lambda: [procedure_question("moving_in")],
        lambda: [fallback()],
        card_application,
        lambda: [procedure_question("child_allowance")],
        interrupted_card_application,
        lambda: [greeting()],
    ]
    made: list[Turn] = []
    while len(made) < turns:
        for block in pattern:
            made.extend(block())
    return made[:turns]


def tracker_of(turns: list[Turn], sender_id: str = "resident") -> DialogueStateTracker:
    events = [*session_start(), *(event for turn in turns for event in turn)]
    return DialogueStateTracker.from_events(sender_id, events, DOMAIN.slots)

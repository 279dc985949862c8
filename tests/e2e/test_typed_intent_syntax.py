"""Only the bot's own buttons speak Rasa's intent syntax; what a resident types is text.

Checked where it matters, in Rasa's tracker on the running stack: the typed message reached
Rasa with its "/" folded, so Rasa's NLU read it (a parse of intent syntax ranks only the
forced intent, and its entities come from Rasa's RegexMessageHandler), no alarm or
personal-data warning was forced, no form started and no slot took a typed value. The NLU
may still understand the words ("／greet" reads as a greeting, 転入届 is a procedure): that
is reading text, not obeying syntax. A button the bot offered still reaches Rasa as its
intent and drives its flow. And Rasa's action endpoint is closed to anyone but Rasa.
"""

from __future__ import annotations

import json

import httpx
import pytest

from core.conversation import TYPED_SLASH
from core.texts import reply_text
from tests.e2e.conftest import RunningStack
from tests.support.chat_client import Conversation
from tests.support.emergencies import is_alarm
from tests.support.rasa_tracker import slots_set, tracker, user_events

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

# Intents whose forced use would alarm or warn the resident for nothing.
SAFETY_INTENTS = ("emergency", "share_personal_data")
TYPED = [
    "/emergency",
    "/greet",
    '/inform{"procedure": "転入届"}',
    '/share_personal_data{"x":1}',
    '/share_personal_data{"personal_data_kind": "my_number"}',
    "/card_application",
    "/card_apply",  # the form's own intent
    '/ask_procedure{"procedure": "moving_out"}',  # an intent of the domain, with an entity
]
FORCED_ENTITY_EXTRACTOR = "RegexMessageHandler"


def typed_intent(text: str) -> str:
    return text[1:].split("{", 1)[0]


def typed_entities(text: str) -> dict[str, object]:
    return json.loads(text[text.index("{") :]) if "{" in text else {}


@pytest.mark.parametrize("typed", TYPED)
def test_typed_intent_syntax_reaches_rasa_as_text(stack: RunningStack, typed: str) -> None:
    resident = Conversation(stack.app_url)
    resident.say("こんにちは")
    assert resident.session_id is not None
    before = tracker(stack.rasa_url, resident.session_id)

    messages = resident.say(typed)

    after = tracker(stack.rasa_url, resident.session_id)
    message = user_events(after)[-1]
    parse = message["parse_data"]
    texts = [m["text"] for m in messages]
    assert messages and all(texts)
    assert not is_alarm(messages)
    assert reply_text("personal_data_warning") not in texts
    assert message["text"] == TYPED_SLASH + typed[1:], "Rasa must get the text, slash folded"
    assert len(parse["intent_ranking"]) > 1, f"a forced intent: {parse['intent_ranking']}"
    if typed_intent(typed) in SAFETY_INTENTS:
        assert parse["intent"]["name"] != typed_intent(typed)
    assert not [e for e in parse["entities"] if e.get("extractor") == FORCED_ENTITY_EXTRACTOR]
    assert not (after.get("active_loop") or {}).get("name"), "no form may start"
    entities = typed_entities(typed)
    if entities:
        slots = slots_set(after)
        assert all(slots.get(name) != value for name, value in entities.items()), slots
    else:
        assert slots_set(after) == slots_set(before)


def test_the_bots_own_buttons_drive_the_card_application(stack: RunningStack) -> None:
    """The form's buttons: a text payload (郵送で申請) and an intent payload (/deny)."""
    resident = Conversation(stack.app_url)
    first = resident.say("マイナンバーカードを申請したい")
    by_mail = next(b for m in first for b in m["buttons"] if b["title"] == "郵送")

    second = resident.say(by_mail["payload"])
    no_form = next(b for m in second for b in m["buttons"] if b["title"].startswith("いいえ"))
    final = resident.say(no_form["payload"])

    assert resident.session_id is not None
    state = tracker(stack.rasa_url, resident.session_id)
    message = user_events(state)[-1]
    assert message["text"] == "/deny", "the bot's own button reaches Rasa as its intent"
    assert message["parse_data"]["intent"]["name"] == "deny"
    filled = {
        (e["name"], e["value"])
        for e in state["events"]
        if e["event"] == "slot" and e["name"] in ("apply_method", "has_qr_form")
    }
    assert {("apply_method", "mail"), ("has_qr_form", False)} <= filled
    assert "手書き用の交付申請書" in "\n".join(m["text"] for m in final)


def test_a_topic_button_of_the_start_screen_is_answered(stack: RunningStack) -> None:
    topics = httpx.get(f"{stack.app_url}/api/topics", timeout=30).json()
    child_allowance = next(t for t in topics if t["title"] == "子育て・児童手当")

    messages = Conversation(stack.app_url).say(child_allowance["payload"])

    assert reply_text("unknown_button") not in [m["text"] for m in messages]
    assert "児童手当" in messages[0]["text"]
    assert messages[0]["answer_id"]


@pytest.mark.parametrize("method, path", [("POST", "/webhook"), ("GET", "/actions")])
@pytest.mark.parametrize("params", [{}, {"token": ""}, {"token": "not-the-token"}])
def test_rasas_action_endpoint_is_closed_on_the_public_port(
    stack: RunningStack, method: str, path: str, params: dict[str, str]
) -> None:
    action_call = {"next_action": "action_emergency", "sender_id": "x", "tracker": {}}
    response = httpx.request(
        method,
        f"{stack.app_url}{path}",
        params=params,
        json=action_call if method == "POST" else None,
        timeout=30,
    )

    assert response.status_code in (401, 404), response.text
    assert "action_emergency" not in response.text

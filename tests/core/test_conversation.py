"""The conversation turn: what reaches the dialogue engine, and what the resident gets back.

The engine here records what it is sent; tests/e2e sends the same through the real Rasa.
"""

from __future__ import annotations

import json

import pytest

from core.button_payloads import ButtonPayloads
from core.conversation import ConversationService
from core.emergency import EmergencyLexicon
from core.runtime import Runtime, RuntimeHolder
from core.texts import reply_text, text_table
from knowledge.municipality import Municipality
from repo_paths import EMERGENCY_LEXICON_FILE, KNOWLEDGE_DIR
from tests.support.recording_dialogue import RecordingDialogue, with_buttons

SECRET = b"0123456789abcdef0123456789abcdef"


@pytest.fixture
def runtime() -> RuntimeHolder:
    municipality = Municipality.load(KNOWLEDGE_DIR / "municipality.yml")
    return RuntimeHolder(Runtime(municipality, EmergencyLexicon.load(EMERGENCY_LEXICON_FILE)))


def service(runtime: RuntimeHolder, dialogue: RecordingDialogue) -> ConversationService:
    return ConversationService(dialogue, runtime, ButtonPayloads(SECRET), max_chars=1000)


@pytest.mark.parametrize(
    "typed", ["/emergency", "/greet", '/inform{"apply_method": "mail"}', "/share_personal_data{}"]
)
async def test_typed_intent_syntax_stays_text(runtime: RuntimeHolder, typed: str) -> None:
    dialogue = RecordingDialogue()

    await service(runtime, dialogue).reply("s", typed, channel="web")

    sent = dialogue.texts[0]
    assert not sent.startswith("/")
    assert sent == "／" + typed[1:]


async def test_the_bots_own_button_reaches_rasa_as_an_intent(runtime: RuntimeHolder) -> None:
    dialogue = RecordingDialogue(reply=with_buttons("/card_lost", "住民票のとり方を知りたい"))
    conversation = service(runtime, dialogue)

    first = await conversation.reply("s", "こんにちは", channel="web")
    tokens = [b.payload for b in first[0].buttons]
    await conversation.reply("s", tokens[0], channel="web")
    await conversation.reply("s", tokens[1], channel="web")

    assert all(t.startswith("b1.") for t in tokens)
    assert dialogue.texts[1:] == ["/card_lost", "住民票のとり方を知りたい"]


async def test_an_emergency_is_decided_before_rasa(runtime: RuntimeHolder) -> None:
    dialogue = RecordingDialogue(reply=[])

    replies = await service(runtime, dialogue).reply("s", "家が火事です！", channel="line")

    assert dialogue.texts == ['/emergency{"emergency_type": "fire"}']
    assert replies[0].text == text_table("emergency")["fire"]


async def test_an_emergency_is_answered_while_rasa_is_down(runtime: RuntimeHolder) -> None:
    dialogue = RecordingDialogue(down=True)

    replies = await service(runtime, dialogue).reply("s", "my father collapsed", channel="web")

    assert [r.text for r in replies] == [
        text_table("emergency_en")["ambulance"],
        text_table("emergency")["ambulance"],
    ]


async def test_an_emergency_with_personal_data_warns_after_the_alarm(
    runtime: RuntimeHolder,
) -> None:
    dialogue = RecordingDialogue(down=True)

    replies = await service(runtime, dialogue).reply("s", "泥棒です 090-1234-5678", channel="web")

    assert replies[0].text == text_table("emergency")["police"]
    assert replies[-1].text == reply_text("personal_data_warning")
    assert "090" not in json.dumps([d[1] for d in dialogue.sent])


async def test_a_past_event_is_answered_with_one_line_on_119(runtime: RuntimeHolder) -> None:
    dialogue = RecordingDialogue()

    replies = await service(runtime, dialogue).reply(
        "s", "先週火事にあったので罹災証明書がほしい", channel="web"
    )

    assert dialogue.texts == ["先週火事にあったので罹災証明書がほしい"]
    assert [r.text for r in replies] == ["回答です", reply_text("emergency_note")]
    assert dialogue.sent[0][2]["emergency"] == "mention"


async def test_numbers_never_raise_the_alarm(runtime: RuntimeHolder) -> None:
    dialogue = RecordingDialogue()

    for text in ["7", "12345", "ab12", "xyz=1", "令和6年度の住民税", "123-4567"]:
        replies = await service(runtime, dialogue).reply("s", text, channel="web")
        assert [r.text for r in replies] == ["回答です"]
    assert all(meta["emergency"] == "none" for _, _, meta in dialogue.sent)


async def test_an_english_question_gets_the_english_line_first(runtime: RuntimeHolder) -> None:
    dialogue = RecordingDialogue()

    replies = await service(runtime, dialogue).reply(
        "s", "How do I get a residence certificate?", channel="web"
    )

    contact = runtime.current.municipality.english_contact
    assert replies[0].text.startswith("Answers are in Japanese.")
    assert contact.name in replies[0].text
    assert replies[1].text == "回答です"
    assert dialogue.sent[0][2]["language"] == "en"


async def test_a_postback_the_bot_did_not_issue_is_unknown(runtime: RuntimeHolder) -> None:
    dialogue = RecordingDialogue()

    replies = await service(runtime, dialogue).reply_to_button(
        "s", "action=buyItem&itemId=123123&color=red", channel="line"
    )

    assert dialogue.sent == []
    assert replies[0].text == reply_text("unknown_button")
    assert replies[0].buttons and all(b.payload.startswith("b1.") for b in replies[0].buttons)

"""action_card_topic: the curated answer for a card topic, then that topic's next choices."""

from __future__ import annotations

from bot.actions.card_topic import ActionCardTopic
from core.runtime import RuntimeHolder
from tests.support.actions import make_tracker, run_action


async def test_a_button_payload_gets_the_topics_own_answer(holder: RuntimeHolder) -> None:
    result = await run_action(ActionCardTopic(holder), make_tracker("/card_lost", "card_lost"))

    answer = result.messages[0]
    assert answer["custom"]["document_id"] == "mynumber-card-lost"
    assert answer["custom"]["sources"][0]["title"]
    assert result.responses[-1] == "utter_topic_next_card_lost"
    assert result.slots() == {"topic": "card_lost"}


async def test_free_text_is_ranked_within_the_topic(holder: RuntimeHolder) -> None:
    tracker = make_tracker("なくしたマイナカードが見つかりました", "card_found")

    result = await run_action(ActionCardTopic(holder), tracker)

    assert result.messages[0]["custom"]["document_id"] == "mynumber-card-found"
    assert result.slots() == {"topic": "card_found"}


async def test_a_topic_without_entries_is_answered_from_the_whole_index(
    holder: RuntimeHolder,
) -> None:
    tracker = make_tracker("児童手当の申請はいつまでですか", "card_pin")

    result = await run_action(ActionCardTopic(holder), tracker)

    assert result.messages[0]["custom"]["document_id"] == "proc-child-allowance-deadline"
    assert "utter_topic_next_card_pin" not in result.responses

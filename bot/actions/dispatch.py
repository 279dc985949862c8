"""Chat messages (core/answers.py) sent through rasa-sdk's dispatcher, and domain texts.

Rasa's REST channel hands a message's text and its `custom` payload over as two items;
bot/rasa_client.py joins them back into the same ChatMessage.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk.executor import CollectingDispatcher

from core.schemas import ChatMessage


def send(dispatcher: CollectingDispatcher, messages: list[ChatMessage]) -> None:
    for message in messages:
        custom: dict[str, Any] = {}
        if message.sources or message.steps or message.link or message.answer_id:
            custom = {
                "sources": [s.model_dump() for s in message.sources],
                "steps": list(message.steps),
                "link": message.link,
                "document_id": message.answer_id,
            }
        dispatcher.utter_message(
            text=message.text,
            buttons=[b.model_dump() for b in message.buttons],
            json_message=custom or None,
        )


def response_text(domain: dict[str, Any], name: str) -> str:
    """The first text variant of a domain response (the conversation's texts stay there)."""
    variants = domain.get("responses", {}).get(name) or [{}]
    return str(variants[0].get("text", ""))

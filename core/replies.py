"""Replies the app gives on its own, the same on every channel."""

from __future__ import annotations

from core.schemas import Button, ChatMessage
from core.texts import main_topics, reply_text
from knowledge.municipality import Municipality


def service_unavailable(municipality: Municipality) -> ChatMessage:
    """'Please try again later', naming the municipality's general contact as it is now."""
    contact = municipality.fallback_contact
    return ChatMessage(
        text=reply_text(
            "service_unavailable", contact_name=contact.name, contact_phone=contact.phone or ""
        )
    )


def main_topic_buttons() -> list[Button]:
    """The main topics, as buttons for start screens and LINE greetings."""
    return [Button(**topic) for topic in main_topics()]

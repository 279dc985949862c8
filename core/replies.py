"""Replies the app gives on its own, the same on every channel."""

from __future__ import annotations

from core.schemas import Button, ChatMessage
from core.texts import main_topics, reply_text, text_table
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


def emergency_texts(kind: str, *, english: bool = False) -> list[str]:
    """119/110 for the kind of emergency (core/emergency.py); in English first when the
    resident wrote English."""
    japanese = text_table("emergency")
    texts = [japanese.get(kind, japanese["unknown"])]
    if english:
        translated = text_table("emergency_en")
        texts.insert(0, translated.get(kind, translated["unknown"]))
    return texts


def emergency_note(*, english: bool = False) -> ChatMessage:
    """The one line added to an answer whose question mentions an emergency that is over."""
    return ChatMessage(text=reply_text("emergency_note_en" if english else "emergency_note"))


def english_notice(municipality: Municipality) -> ChatMessage:
    contact = municipality.english_contact
    return ChatMessage(
        text=reply_text(
            "english_notice", contact_name=contact.name, contact_phone=contact.phone or ""
        )
    )

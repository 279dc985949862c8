"""One conversational turn, the same for every channel.

Cleans and checks the resident's text, masks personal data before anything else sees it,
asks Rasa, and turns Rasa's REST-channel output into ChatMessages. Failures become polite
replies: a resident must never get an error page or silence.
"""

from __future__ import annotations

import json
import logging
import re
import unicodedata
from typing import Any

from app.messages import message
from app.personal_data import PersonalDataMasker
from app.rasa_client import RasaClient, RasaUnavailableError
from app.schemas import Button, ChatMessage, Source
from knowledge.municipality import Municipality

logger = logging.getLogger(__name__)

PERSONAL_DATA_INTENT = "share_personal_data"
_WHITESPACE = re.compile(r"\s+")


def clean_text(text: str) -> str:
    """Drops control and format characters and collapses whitespace.

    Invisible characters (NUL, bidi overrides, zero-width spaces) carry no meaning in a
    question, confuse the tokenizer, and can hide content in logs.
    """
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if category in ("Cc", "Cf", "Cs", "Co") or char == "\ufffd":
            kept.append(" ")
        else:
            kept.append(char)
    return _WHITESPACE.sub(" ", "".join(kept)).strip()


def _has_words(text: str) -> bool:
    return any(unicodedata.category(c)[0] in ("L", "N") for c in text)


class ConversationService:
    def __init__(
        self,
        rasa: RasaClient,
        municipality: Municipality,
        *,
        max_chars: int,
        masker: PersonalDataMasker | None = None,
    ) -> None:
        self._rasa = rasa
        self._municipality = municipality
        self._max_chars = max_chars
        self._masker = masker or PersonalDataMasker()

    async def reply(self, sender_id: str, text: str, *, channel: str) -> list[ChatMessage]:
        cleaned = clean_text(text)
        if not cleaned:
            return [ChatMessage(text=message("empty_input"))]
        if len(cleaned) > self._max_chars:
            return [ChatMessage(text=message("too_long", max_chars=self._max_chars))]
        if not _has_words(cleaned):
            return [ChatMessage(text=message("only_symbols"))]

        masked = self._masker.mask(cleaned)
        if masked.had_personal_data:
            # The resident's words never reach Rasa: the tracker store would keep them.
            kinds = sorted(masked.kinds)
            rasa_text = f"/{PERSONAL_DATA_INTENT}" + json.dumps(
                {"personal_data_kind": kinds[0]}, ensure_ascii=False
            )
        else:
            rasa_text = cleaned
        logger.info("turn channel=%s sender=%s text=%s", channel, sender_id, masked.text)

        try:
            raw = await self._rasa.send(sender_id, rasa_text, {"channel": channel})
        except RasaUnavailableError as error:
            logger.warning("rasa unavailable: %s", error)
            return [self._unavailable()]
        messages = to_chat_messages(raw)
        return messages or [self._unavailable()]

    def _unavailable(self) -> ChatMessage:
        contact = self._municipality.fallback_contact
        return ChatMessage(
            text=message(
                "service_unavailable", contact_name=contact.name, contact_phone=contact.phone
            )
        )


def to_chat_messages(raw: list[dict[str, Any]]) -> list[ChatMessage]:
    """Converts Rasa REST output; a `custom` payload enriches the text message before it.

    Custom actions send an answer as text plus `json_message` ({"sources", "steps",
    "link"}); Rasa's REST channel delivers the two as separate items.
    """
    result: list[ChatMessage] = []
    for item in raw:
        custom = item.get("custom") if isinstance(item.get("custom"), dict) else None
        text = item.get("text")
        if text:
            result.append(
                ChatMessage(
                    text=str(text),
                    buttons=[
                        Button(title=str(b.get("title", "")), payload=str(b.get("payload", "")))
                        for b in item.get("buttons") or []
                        if b.get("title") and b.get("payload")
                    ],
                )
            )
        if custom and result:
            target = result[-1]
            target.sources.extend(Source(**s) for s in custom.get("sources", []))
            target.steps.extend(str(s) for s in custom.get("steps", []))
            target.link = custom.get("link") or target.link
    return result

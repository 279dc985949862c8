"""One conversational turn, the same for every channel.

In order: the text is cleaned and checked; a bot-issued button token is opened (anything
else is typed text and never Rasa's intent syntax); emergencies are decided by the explicit
lexicon before anything else; personal data is masked before anything keeps it; then the
dialogue engine (Rasa) answers. Failures become polite replies: a resident must never get an
error page or silence.
"""

from __future__ import annotations

import asyncio
import json
import logging
import unicodedata
from dataclasses import dataclass

from core.button_payloads import ButtonPayloads
from core.dialogue import DialogueEngine, DialogueUnavailableError
from core.emergency import METADATA_KEY as EMERGENCY_METADATA_KEY
from core.emergency import EmergencyCheck
from core.personal_data import PersonalDataMasker
from core.rate_limit import SenderRateLimiter
from core.replies import (
    emergency_note,
    emergency_texts,
    english_notice,
    main_topic_buttons,
    service_unavailable,
)
from core.runtime import Runtime, RuntimeHolder
from core.schemas import Button, ChatMessage
from core.texts import reply_text
from japanese_text import clean_text, is_english

logger = logging.getLogger(__name__)

PERSONAL_DATA_INTENT = "share_personal_data"
# metadata key of the knowledge base's verdict for the message (sure, tentative, abstained)
KNOWLEDGE_METADATA_KEY = "knowledge"
EMERGENCY_INTENT = "emergency"
INTENT_PREFIX = "/"
# What a typed leading "/" becomes: the same character to a reader, no intent to Rasa.
TYPED_SLASH = "／"


def _has_words(text: str) -> bool:
    return any(unicodedata.category(c)[0] in ("L", "N") for c in text)


def _intent_syntax(intent: str, entity: str, value: str) -> str:
    return f"{INTENT_PREFIX}{intent}" + json.dumps({entity: value}, ensure_ascii=False)


@dataclass(frozen=True)
class _Message:
    """What the turn knows about the resident's message before asking the dialogue engine."""

    text: str
    english: bool
    emergency: EmergencyCheck
    personal_data_kind: str | None


class ConversationService:
    def __init__(
        self,
        dialogue: DialogueEngine,
        runtime: RuntimeHolder,
        buttons: ButtonPayloads,
        *,
        max_chars: int,
        masker: PersonalDataMasker | None = None,
        limiter: SenderRateLimiter | None = None,
    ) -> None:
        self._dialogue = dialogue
        self._runtime = runtime
        self._buttons = buttons
        self._max_chars = max_chars
        self._masker = masker or PersonalDataMasker()
        self._limiter = limiter or SenderRateLimiter()

    async def reply(self, sender_id: str, text: str, *, channel: str) -> list[ChatMessage]:
        """A message from a chat box: a bot-issued button token, or typed text."""
        if not self._limiter.allow(sender_id):
            return [ChatMessage(text=reply_text("slow_down"))]
        payload = self._buttons.read(text)
        if payload is not None:
            return await self._button(sender_id, payload, channel)
        return self._buttons.sign(await self._typed(sender_id, text, channel))

    async def reply_to_button(
        self, sender_id: str, data: str, *, channel: str
    ) -> list[ChatMessage]:
        """A postback: only tokens the bot issued are read; anything else is unknown."""
        if not self._limiter.allow(sender_id):
            return [ChatMessage(text=reply_text("slow_down"))]
        payload = self._buttons.read(data)
        if payload is None:
            logger.info("button payload the bot did not issue, channel=%s", channel)
            return self._buttons.sign(
                [ChatMessage(text=reply_text("unknown_button"), buttons=main_topic_buttons())]
            )
        return await self._button(sender_id, payload, channel)

    def topic_buttons(self) -> list[Button]:
        return self._buttons.sign_buttons(main_topic_buttons())

    def unavailable(self) -> ChatMessage:
        return service_unavailable(self._runtime.current.municipality)

    async def _button(self, sender_id: str, payload: str, channel: str) -> list[ChatMessage]:
        if payload.startswith(INTENT_PREFIX):
            # the bot's own intent payload (/card_lost, /affirm): Rasa reads it as such
            messages = await self._ask(sender_id, payload, {"channel": channel, "button": True})
            return self._buttons.sign(messages)
        return self._buttons.sign(await self._typed(sender_id, payload, channel))

    async def _typed(self, sender_id: str, text: str, channel: str) -> list[ChatMessage]:
        cleaned = clean_text(text)
        if not cleaned:
            return [ChatMessage(text=reply_text("empty_input"))]
        if len(cleaned) > self._max_chars:
            return [ChatMessage(text=reply_text("too_long", max_chars=self._max_chars))]
        if not _has_words(cleaned):
            return [ChatMessage(text=reply_text("only_symbols"))]
        runtime = self._runtime.current
        message = self._read(runtime, cleaned)
        metadata: dict[str, object] = {
            "channel": channel,
            "language": "en" if message.english else "ja",
            EMERGENCY_METADATA_KEY: message.emergency.verdict,
        }
        logger.info(
            "turn channel=%s sender=%s emergency=%s text=%s",
            channel,
            sender_id,
            message.emergency.verdict,
            message.text,
        )
        if message.emergency.is_emergency:
            return await self._emergency(sender_id, message, metadata)
        if message.personal_data_kind:
            # The resident's words never reach Rasa: the tracker store would keep them.
            dialogue_text = _intent_syntax(
                PERSONAL_DATA_INTENT, "personal_data_kind", message.personal_data_kind
            )
        elif cleaned.startswith(INTENT_PREFIX):
            dialogue_text = TYPED_SLASH + cleaned[len(INTENT_PREFIX) :]
        else:
            dialogue_text = cleaned
        if not message.personal_data_kind and runtime.knowledge is not None:
            # routing evidence for Rasa's flow policy: would the knowledge base answer this?
            decision = await asyncio.to_thread(runtime.knowledge.decide, dialogue_text)
            metadata[KNOWLEDGE_METADATA_KEY] = decision.level
        messages = await self._ask(sender_id, dialogue_text, metadata)
        if not messages:
            return [self.unavailable()]
        if message.emergency.mentions_emergency:
            messages.append(emergency_note(english=message.english))
        if message.english:
            messages.insert(0, english_notice(runtime.municipality))
        return messages

    def _read(self, runtime: Runtime, cleaned: str) -> _Message:
        masked = self._masker.mask(cleaned)
        return _Message(
            text=masked.text,
            english=is_english(cleaned),
            emergency=runtime.emergency.check(cleaned),
            personal_data_kind=sorted(masked.kinds)[0] if masked.had_personal_data else None,
        )

    async def _emergency(
        self, sender_id: str, message: _Message, metadata: dict[str, str]
    ) -> list[ChatMessage]:
        """119/110 first. Rasa hears of it (a form in progress asks its question again
        afterwards); when Rasa cannot answer, the app gives the same reply itself."""
        kind = message.emergency.kind or "unknown"
        dialogue_text = _intent_syntax(EMERGENCY_INTENT, "emergency_type", kind)
        try:
            messages = await self._dialogue.send(sender_id, dialogue_text, metadata)
        except DialogueUnavailableError as error:
            logger.warning("dialogue engine unavailable for an emergency: %s", error)
            messages = []
        if not messages:
            messages = [ChatMessage(text=t) for t in emergency_texts(kind, english=message.english)]
        if message.personal_data_kind:
            messages.append(ChatMessage(text=reply_text("personal_data_warning")))
        return messages

    async def _ask(
        self, sender_id: str, text: str, metadata: dict[str, object]
    ) -> list[ChatMessage]:
        try:
            return await self._dialogue.send(sender_id, text, metadata)
        except DialogueUnavailableError as error:
            logger.warning("dialogue engine unavailable: %s", error)
            return [self.unavailable()]

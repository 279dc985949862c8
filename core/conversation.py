"""One conversational turn, the same for every channel.

In order: the text is cleaned and checked; a bot-issued button token is opened (anything
else is typed text and never Rasa's intent syntax); emergencies are decided by the explicit
lexicon before anything else; personal data is masked before anything keeps it; the
knowledge base's verdict is taken as routing evidence; then the dialogue engine (Rasa)
answers. While Rasa is down or restarting the app answers on its own: the safety rules as
always, FAQ questions from its index with the same abstention policy and sources, and only
the flows say they are briefly unavailable. A resident never gets an error page or silence.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import unicodedata
from dataclasses import dataclass

from core import observer as outcomes
from core.answers import answer_may_differ, cannot_answer, decision_messages, document_message
from core.button_payloads import ButtonPayloads
from core.dialogue import DialogueEngine, DialogueUnavailableError
from core.emergency import METADATA_KEY as EMERGENCY_METADATA_KEY
from core.emergency import EmergencyCheck
from core.observer import NoObserver, TurnObserver
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
from retrieval.knowledge_service import AnswerDecision

logger = logging.getLogger(__name__)

PERSONAL_DATA_INTENT = "share_personal_data"
EMERGENCY_INTENT = "emergency"
INTENT_PREFIX = "/"
# What a typed leading "/" becomes: the same character to a reader, no intent to Rasa.
TYPED_SLASH = "／"
# metadata key of the knowledge base's verdict for the message (sure, tentative, abstained)
KNOWLEDGE_METADATA_KEY = "knowledge"


def _has_words(text: str) -> bool:
    return any(unicodedata.category(c)[0] in ("L", "N") for c in text)


def _entities(entities_json: str) -> dict[str, str]:
    """The entities of one of the bot's own intent payloads ("/ask_procedure{...}")."""
    try:
        value = json.loads("{" + entities_json) if entities_json else {}
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}


def _intent_syntax(intent: str, entity: str, value: str) -> str:
    return f"{INTENT_PREFIX}{intent}" + json.dumps({entity: value}, ensure_ascii=False)


@dataclass(frozen=True)
class _Message:
    """What the turn knows about the resident's message before asking the dialogue engine."""

    text: str
    english: bool
    emergency: EmergencyCheck
    personal_data_kind: str | None


@dataclass(frozen=True)
class Turn:
    messages: list[ChatMessage]
    outcome: str


def outcome_of(messages: list[ChatMessage], runtime: Runtime) -> str:
    """What Rasa's reply did for the resident, read off the messages."""
    texts = {m.text for m in messages}
    if cannot_answer(runtime.municipality).text in texts:
        return outcomes.ABSTAINED
    if any(m.answer_id for m in messages):
        note = answer_may_differ(runtime.municipality).text
        return outcomes.TENTATIVE if note in texts else outcomes.ANSWERED
    return outcomes.FLOW


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
        observer: TurnObserver | None = None,
    ) -> None:
        self._dialogue = dialogue
        self._runtime = runtime
        self._buttons = buttons
        self._max_chars = max_chars
        self._masker = masker or PersonalDataMasker()
        self._limiter = limiter or SenderRateLimiter()
        self._observer = observer or NoObserver()

    async def reply(self, sender_id: str, text: str, *, channel: str) -> list[ChatMessage]:
        """A message from a chat box: a bot-issued button token, or typed text."""
        started = time.monotonic()
        if not self._limiter.allow(sender_id):
            turn = Turn([ChatMessage(text=reply_text("slow_down"))], outcomes.RATE_LIMITED)
        else:
            payload = self._buttons.read(text)
            if payload is not None:
                turn = await self._button(sender_id, payload, channel)
            else:
                turn = await self._typed(sender_id, text, channel)
        return self._finish(turn, channel, started)

    async def reply_to_button(
        self, sender_id: str, data: str, *, channel: str
    ) -> list[ChatMessage]:
        """A postback: only tokens the bot issued are read; anything else is unknown."""
        started = time.monotonic()
        payload = self._buttons.read(data)
        if not self._limiter.allow(sender_id):
            turn = Turn([ChatMessage(text=reply_text("slow_down"))], outcomes.RATE_LIMITED)
        elif payload is None:
            logger.info(
                "button payload the bot did not issue",
                extra={"channel": channel, "sender": sender_id},
            )
            unknown = ChatMessage(text=reply_text("unknown_button"), buttons=main_topic_buttons())
            turn = Turn([unknown], outcomes.UNKNOWN_BUTTON)
        else:
            turn = await self._button(sender_id, payload, channel)
        return self._finish(turn, channel, started)

    def topic_buttons(self) -> list[Button]:
        return self._buttons.sign_buttons(main_topic_buttons())

    def unavailable(self) -> ChatMessage:
        return service_unavailable(self._runtime.current.municipality)

    def _finish(self, turn: Turn, channel: str, started: float) -> list[ChatMessage]:
        self._observer.turn(channel, turn.outcome, time.monotonic() - started)
        return self._buttons.sign(turn.messages)

    # ------------------------------------------------------------------ buttons
    async def _button(self, sender_id: str, payload: str, channel: str) -> Turn:
        if not payload.startswith(INTENT_PREFIX):
            return await self._typed(sender_id, payload, channel)
        # the bot's own intent payload (/card_lost, /affirm): Rasa reads it as such
        runtime = self._runtime.current
        messages = await self._ask(sender_id, payload, {"channel": channel, "button": True})
        if messages is not None:
            return Turn(messages or [self.unavailable()], outcome_of(messages, runtime))
        return self._intent_without_rasa(runtime, payload)

    def _intent_without_rasa(self, runtime: Runtime, payload: str) -> Turn:
        """A card topic's button still gets that topic's entry; other flows must wait."""
        intent, _, entities_json = payload[len(INTENT_PREFIX) :].partition("{")
        entries = []
        if runtime.knowledge is not None:
            entries = runtime.knowledge.faqs_where(topic=intent)
            procedure = _entities(entities_json).get("procedure")
            if not entries and procedure:
                entries = runtime.knowledge.faqs_where(
                    procedure=procedure, aspect="howto"
                ) or runtime.knowledge.faqs_where(procedure=procedure)
        if entries:
            return Turn([document_message(entries[0])], outcomes.DEGRADED_ANSWER)
        return Turn([self.unavailable()], outcomes.UNAVAILABLE)

    # ------------------------------------------------------------------ typed text
    async def _typed(self, sender_id: str, text: str, channel: str) -> Turn:
        cleaned = clean_text(text)
        if not cleaned:
            return Turn([ChatMessage(text=reply_text("empty_input"))], outcomes.INVALID_INPUT)
        if len(cleaned) > self._max_chars:
            too_long = reply_text("too_long", max_chars=self._max_chars)
            return Turn([ChatMessage(text=too_long)], outcomes.INVALID_INPUT)
        if not _has_words(cleaned):
            return Turn([ChatMessage(text=reply_text("only_symbols"))], outcomes.INVALID_INPUT)
        runtime = self._runtime.current
        message = self._read(runtime, cleaned)
        metadata: dict[str, object] = {
            "channel": channel,
            "language": "en" if message.english else "ja",
            EMERGENCY_METADATA_KEY: message.emergency.verdict,
        }
        # as fields, never in the message: the log formatter hashes the sender and masks text
        logger.info(
            "turn",
            extra={
                "channel": channel,
                "sender": sender_id,
                "emergency": message.emergency.verdict,
                "text": message.text,
            },
        )
        if message.emergency.is_emergency:
            return await self._emergency(sender_id, message, metadata)
        if message.personal_data_kind:
            return await self._personal_data(sender_id, message, metadata)
        if cleaned.startswith(INTENT_PREFIX):
            dialogue_text = TYPED_SLASH + cleaned[len(INTENT_PREFIX) :]
        else:
            dialogue_text = cleaned
        decision = await self._decide(runtime, dialogue_text)
        if decision is not None:
            # routing evidence for Rasa's flow policy: would the knowledge base answer this?
            metadata[KNOWLEDGE_METADATA_KEY] = decision.level
        messages = await self._ask(sender_id, dialogue_text, metadata)
        if messages:
            turn = Turn(messages, outcome_of(messages, runtime))
        else:
            turn = self._without_rasa(runtime, decision)
        if message.emergency.mentions_emergency:
            turn.messages.append(emergency_note(english=message.english))
        if message.english:
            turn.messages.insert(0, english_notice(runtime.municipality))
        return turn

    def _read(self, runtime: Runtime, cleaned: str) -> _Message:
        masked = self._masker.mask(cleaned)
        return _Message(
            text=masked.text,
            english=is_english(cleaned),
            emergency=runtime.emergency.check(cleaned),
            personal_data_kind=sorted(masked.kinds)[0] if masked.had_personal_data else None,
        )

    async def _decide(self, runtime: Runtime, text: str) -> AnswerDecision | None:
        if runtime.knowledge is None:
            return None
        started = time.monotonic()
        decision = await asyncio.to_thread(runtime.knowledge.decide, text)
        self._observer.retrieval(time.monotonic() - started)
        return decision

    def _without_rasa(self, runtime: Runtime, decision: AnswerDecision | None) -> Turn:
        """Rasa is down or restarting: FAQ questions are answered from the app's own index
        (the same decision, sources and notes); what needs a flow waits."""
        if decision is not None and runtime.knowledge is not None and not decision.abstained:
            messages = decision_messages(decision, runtime.knowledge, runtime.municipality)
            return Turn(messages, outcomes.DEGRADED_ANSWER)
        return Turn([self.unavailable()], outcomes.UNAVAILABLE)

    async def _emergency(
        self, sender_id: str, message: _Message, metadata: dict[str, object]
    ) -> Turn:
        """119/110 first. Rasa hears of it (a form in progress asks its question again
        afterwards); when Rasa cannot answer, the app gives the same reply itself."""
        kind = message.emergency.kind or "unknown"
        dialogue_text = _intent_syntax(EMERGENCY_INTENT, "emergency_type", kind)
        messages = await self._ask(sender_id, dialogue_text, metadata)
        if not messages:
            messages = [ChatMessage(text=t) for t in emergency_texts(kind, english=message.english)]
        if message.personal_data_kind:
            messages.append(ChatMessage(text=reply_text("personal_data_warning")))
        return Turn(messages, outcomes.EMERGENCY)

    async def _personal_data(
        self, sender_id: str, message: _Message, metadata: dict[str, object]
    ) -> Turn:
        """The resident's words never reach Rasa (its tracker store would keep them): only
        the kind of data does, so that a form in progress asks its question again."""
        assert message.personal_data_kind is not None
        dialogue_text = _intent_syntax(
            PERSONAL_DATA_INTENT, "personal_data_kind", message.personal_data_kind
        )
        messages = await self._ask(sender_id, dialogue_text, metadata)
        if not messages:
            messages = [ChatMessage(text=reply_text("personal_data_warning"))]
        return Turn(messages, outcomes.PERSONAL_DATA)

    async def _ask(
        self, sender_id: str, text: str, metadata: dict[str, object]
    ) -> list[ChatMessage] | None:
        """Rasa's messages; None when Rasa did not answer."""
        started = time.monotonic()
        try:
            messages = await self._dialogue.send(sender_id, text, metadata)
        except DialogueUnavailableError as error:
            logger.warning("dialogue engine unavailable: %s", error)
            self._observer.dialogue(time.monotonic() - started, ok=False)
            return None
        self._observer.dialogue(time.monotonic() - started, ok=True)
        return messages

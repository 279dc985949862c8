"""One conversational turn, the same for every channel.

Cleans and checks the resident's text, masks personal data before anything else sees it,
asks the dialogue engine (Rasa), and turns failures into polite replies: a resident must
never get an error page or silence.
"""

from __future__ import annotations

import json
import logging
import unicodedata

from core.dialogue import DialogueEngine, DialogueUnavailableError
from core.personal_data import PersonalDataMasker
from core.replies import service_unavailable
from core.runtime import RuntimeHolder
from core.schemas import ChatMessage
from core.texts import reply_text
from japanese_text import clean_text

logger = logging.getLogger(__name__)

PERSONAL_DATA_INTENT = "share_personal_data"


def _has_words(text: str) -> bool:
    return any(unicodedata.category(c)[0] in ("L", "N") for c in text)


class ConversationService:
    def __init__(
        self,
        dialogue: DialogueEngine,
        runtime: RuntimeHolder,
        *,
        max_chars: int,
        masker: PersonalDataMasker | None = None,
    ) -> None:
        self._dialogue = dialogue
        self._runtime = runtime
        self._max_chars = max_chars
        self._masker = masker or PersonalDataMasker()

    async def reply(self, sender_id: str, text: str, *, channel: str) -> list[ChatMessage]:
        cleaned = clean_text(text)
        if not cleaned:
            return [ChatMessage(text=reply_text("empty_input"))]
        if len(cleaned) > self._max_chars:
            return [ChatMessage(text=reply_text("too_long", max_chars=self._max_chars))]
        if not _has_words(cleaned):
            return [ChatMessage(text=reply_text("only_symbols"))]

        masked = self._masker.mask(cleaned)
        if masked.had_personal_data:
            # The resident's words never reach Rasa: the tracker store would keep them.
            kinds = sorted(masked.kinds)
            dialogue_text = f"/{PERSONAL_DATA_INTENT}" + json.dumps(
                {"personal_data_kind": kinds[0]}, ensure_ascii=False
            )
        else:
            dialogue_text = cleaned
        logger.info("turn channel=%s sender=%s text=%s", channel, sender_id, masked.text)

        try:
            messages = await self._dialogue.send(sender_id, dialogue_text, {"channel": channel})
        except DialogueUnavailableError as error:
            logger.warning("dialogue engine unavailable: %s", error)
            return [self.unavailable()]
        return messages or [self.unavailable()]

    def unavailable(self) -> ChatMessage:
        return service_unavailable(self._runtime.current.municipality)

"""The LINE channel: verified webhook events in, conversation turns, replies out.

The router (app/routers/line.py) hands over the raw body and signature; events are parsed
with line-bot-sdk v3's WebhookParser, de-duplicated, and each is answered through LineApi
(an expired reply token falls back to a push).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from typing import Any

from linebot.v3 import WebhookParser
from linebot.v3.webhooks import (
    FollowEvent,
    GroupSource,
    JoinEvent,
    MessageEvent,
    PostbackEvent,
    RoomSource,
    TextMessageContent,
    UnfollowEvent,
    UserSource,
)

from channels.line_api import LineApi
from channels.line_event_log import LineEventLog, event_key
from channels.line_messages import to_line_messages
from core.conversation import ConversationService
from core.schemas import ChatMessage
from core.texts import reply_text, text_table

logger = logging.getLogger(__name__)


def hashed(identifier: str, salt: str) -> str:
    """LINE ids are personal data: logs and Rasa only ever see a salted hash."""
    return hashlib.sha256(f"{salt}:{identifier}".encode()).hexdigest()[:24]


class LineChannel:
    def __init__(
        self,
        channel_secret: str,
        api: LineApi,
        conversation: ConversationService,
        event_log: LineEventLog,
    ) -> None:
        self.parser = WebhookParser(channel_secret)
        self.api = api
        self.conversation = conversation
        self.event_log = event_log
        self._salt = hashlib.sha256(channel_secret.encode()).hexdigest()
        self.labels = text_table("line_labels")

    def parse(self, body: str, signature: str) -> list[tuple[Any, dict[str, Any]]]:
        """Verified events paired with their raw JSON (for de-duplication keys)."""
        events = self.parser.parse(body, signature)
        raw_events = json.loads(body).get("events", [])
        return list(zip(events, raw_events, strict=False))

    async def handle_all(self, events: list[tuple[Any, dict[str, Any]]]) -> None:
        await asyncio.gather(*(self._handle_safely(e, raw) for e, raw in events))

    async def _handle_safely(self, event: Any, raw: dict[str, Any]) -> None:
        try:
            if not self.event_log.first_time(event_key(raw)):
                logger.info("LINE duplicate delivery of %s skipped", raw.get("webhookEventId"))
                return
            await self.handle(event, raw)
        except Exception:  # one bad event must not stop the others
            logger.exception("LINE event %s failed", raw.get("type"))

    def _conversation_id(self, source: Any) -> str | None:
        if isinstance(source, GroupSource):
            return "line-g-" + hashed(source.group_id, self._salt)
        if isinstance(source, RoomSource):
            return "line-r-" + hashed(source.room_id, self._salt)
        if isinstance(source, UserSource) and source.user_id:
            return "line-u-" + hashed(source.user_id, self._salt)
        return None

    @staticmethod
    def _push_target(source: Any) -> str | None:
        if isinstance(source, GroupSource):
            return source.group_id
        if isinstance(source, RoomSource):
            return source.room_id
        return getattr(source, "user_id", None)

    async def handle(self, event: Any, raw: dict[str, Any]) -> None:
        source = getattr(event, "source", None)
        conversation_id = self._conversation_id(source)
        kind = raw.get("type")
        topics = self.conversation.topic_buttons()
        if isinstance(event, UnfollowEvent):
            logger.info("LINE unfollow from %s", conversation_id)
            return
        if kind == "messageEdited":
            # LINE sends these only in group chats, possibly out of order, and documents them
            # as the edited state of a message the bot has already answered, not as a new one.
            logger.info("LINE messageEdited from %s: the original was answered", conversation_id)
            return
        if isinstance(event, FollowEvent):
            replies = [ChatMessage(text=reply_text("line_follow_greeting"), buttons=topics)]
        elif isinstance(event, JoinEvent):
            replies = [ChatMessage(text=reply_text("line_join_greeting"), buttons=topics)]
        elif isinstance(event, MessageEvent):
            content = getattr(event, "message", None)
            if isinstance(content, TextMessageContent) and conversation_id:
                replies = await self.conversation.reply(
                    conversation_id, content.text, channel="line"
                )
            else:
                replies = [ChatMessage(text=reply_text("unsupported_message"), buttons=topics)]
        elif isinstance(event, PostbackEvent) and conversation_id:
            replies = await self.conversation.reply_to_button(
                conversation_id, event.postback.data or "", channel="line"
            )
        else:
            logger.info("LINE %s event from %s: nothing to answer", kind, conversation_id)
            return
        await self._send(getattr(event, "reply_token", None), source, replies)

    async def _send(self, reply_token: str | None, source: Any, replies: list[ChatMessage]) -> None:
        messages = to_line_messages(replies, self.labels)
        if not messages:
            return
        status = await self.api.reply(reply_token, messages) if reply_token else 400
        if status is not None and 400 <= status < 500:
            # An expired or used reply token (e.g. on redelivery): push instead.
            target = self._push_target(source)
            if target:
                await self.api.push(target, messages)

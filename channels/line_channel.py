"""The LINE channel: verified webhook events in, conversation turns, replies out.

The router (app/routers/line.py) hands over the raw body and signature; the signature and
the events are checked with line-bot-sdk v3's WebhookParser, and the events written to the
durable queue (channels/line_event_queue.py) before the webhook answers. Workers take them
from the queue, one turn each, and answer through LineApi (an expired reply token falls back
to a push with the event's own retry key). Stopping lets the turns in progress finish; what
is still queued is answered after the next start.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
from typing import Any

from linebot.v3 import WebhookParser
from linebot.v3.webhook import UnknownEvent
from linebot.v3.webhooks import (
    Event,
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
from channels.line_event_queue import (
    Accepted,
    LineEventQueue,
    QueuedEvent,
    retry_key,
)
from channels.line_messages import to_line_messages
from channels.line_webhook_body import LineWebhookBody
from core.conversation import ConversationService
from core.schemas import ChatMessage
from core.texts import reply_text, text_table

logger = logging.getLogger(__name__)

WORKERS = 2  # turns in progress at once; more would only queue up in front of Rasa
IDLE_POLL_SECONDS = 1.0
RETRY_BACKOFF_SECONDS = 1.0
STOP_TIMEOUT_SECONDS = 20.0


def hashed(identifier: str, salt: str) -> str:
    """LINE ids are personal data: logs and Rasa only ever see a salted hash."""
    return hashlib.sha256(f"{salt}:{identifier}".encode()).hexdigest()[:24]


class LineChannel:
    def __init__(
        self,
        channel_secret: str,
        api: LineApi,
        conversation: ConversationService,
        queue: LineEventQueue,
        *,
        workers: int = WORKERS,
    ) -> None:
        self.parser = WebhookParser(channel_secret)
        self.api = api
        self.conversation = conversation
        self.queue = queue
        self._salt = hashlib.sha256(channel_secret.encode()).hexdigest()
        self.labels = text_table("line_labels")
        self._workers = workers
        self._tasks: list[asyncio.Task[None]] = []
        self._wake = asyncio.Event()
        self._stopping = False
        self._busy = 0

    def accept(self, body: str, signature: str) -> Accepted:
        """Verifies the request and writes its events to the queue (raises on a bad one)."""
        self.parser.parse(body, signature)
        LineWebhookBody.model_validate_json(body)  # a ValueError when it is not LINE's shape
        raw_events = json.loads(body)["events"]  # queued as LINE sent them
        accepted = self.queue.accept(raw_events)
        if accepted.duplicates:
            logger.info("LINE: %d redelivered events skipped", accepted.duplicates)
        self._wake.set()
        return accepted

    # ---------------------------------------------------------------- workers
    def start(self) -> None:
        released = self.queue.release_abandoned()
        if released:
            logger.info("LINE: events of %d stopped processes queued again", released)
        self._tasks = [asyncio.create_task(self._work()) for _ in range(self._workers)]

    async def stop(self, timeout: float = STOP_TIMEOUT_SECONDS) -> None:
        """Lets the turns in progress finish; queued events wait for the next start."""
        self._stopping = True
        self._wake.set()
        if not self._tasks:
            return
        _, pending = await asyncio.wait(self._tasks, timeout=timeout)
        for task in pending:
            task.cancel()

    def idle(self) -> bool:
        """Nothing queued and nothing in progress."""
        return self._busy == 0 and self.queue.depth() == 0

    async def _work(self) -> None:
        while not self._stopping:
            event = await asyncio.to_thread(self.queue.take)
            if event is None:
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout=IDLE_POLL_SECONDS)
                continue
            self._busy += 1
            try:
                await self._process(event)
            finally:
                self._busy -= 1

    async def _process(self, queued: QueuedEvent) -> None:
        raw = queued.raw
        try:
            try:
                event = Event.from_dict(raw)
            except ValueError:
                event = UnknownEvent.new_from_json_dict(raw)
            await self.handle(event, raw, retry_key(queued.key))
        except Exception:  # one bad event must not stop the others; it is tried again
            logger.exception("LINE event %s failed (attempt %d)", raw.get("type"), queued.attempts)
            if not await asyncio.to_thread(
                self.queue.retry_later, queued, RETRY_BACKOFF_SECONDS * 2**queued.attempts
            ):
                logger.error("LINE event %s given up", raw.get("webhookEventId"))
            return
        await asyncio.to_thread(self.queue.done, queued.key)

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

    async def handle(self, event: Any, raw: dict[str, Any], push_key: str) -> None:
        source = getattr(event, "source", None)
        conversation_id = self._conversation_id(source)
        kind = raw.get("type")
        topics = self.conversation.topic_buttons()
        if isinstance(event, UnfollowEvent):
            logger.info("LINE unfollow", extra={"sender": conversation_id})
            return
        if kind == "messageEdited":
            # LINE sends these only in group chats, possibly out of order, and documents them
            # as the edited state of a message the bot has already answered, not as a new one.
            logger.info(
                "LINE messageEdited: the original was answered", extra={"sender": conversation_id}
            )
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
            logger.info("LINE %s event: nothing to answer", kind, extra={"sender": conversation_id})
            return
        await self._send(getattr(event, "reply_token", None), source, replies, push_key)

    async def _send(
        self, reply_token: str | None, source: Any, replies: list[ChatMessage], push_key: str
    ) -> None:
        messages = to_line_messages(replies, self.labels)
        if not messages:
            return
        status = await self.api.reply(reply_token, messages) if reply_token else 400
        if status is not None and 400 <= status < 500:
            # An expired or used reply token (a redelivery, or an event answered after a
            # restart): push instead, with the event's own retry key.
            target = self._push_target(source)
            if target:
                await self.api.push(target, messages, push_key)

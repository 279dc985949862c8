"""The LINE channel: POST /line/webhook, as the Messaging API calls it.

The signature is checked on the raw body before anything else; the request is answered 200
at once and the events are handled in the background (LINE times out slow webhooks and
then redelivers). Replies go through line-bot-sdk v3's async client to a configurable base
URL, with retries for network errors and 5xx; an expired reply token falls back to a push.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import uuid
from typing import Any

import aiohttp
from fastapi import APIRouter, BackgroundTasks, Request
from fastapi.responses import JSONResponse
from linebot.v3 import WebhookParser
from linebot.v3.exceptions import InvalidSignatureError
from linebot.v3.messaging import (
    ApiException,
    AsyncApiClient,
    AsyncMessagingApi,
    Configuration,
    Message,
    PushMessageRequest,
    ReplyMessageRequest,
)
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

from app.conversation import ConversationService
from app.messages import load_messages, main_topics, message
from app.schemas import Button, ChatMessage
from channels.line_event_log import LineEventLog, event_key
from channels.line_messages import to_line_messages

logger = logging.getLogger(__name__)
router = APIRouter(tags=["line"])

RETRY_DELAYS_SECONDS = (0.5, 1.0, 2.0)


def hashed(identifier: str, salt: str) -> str:
    """LINE ids are personal data: logs and Rasa only ever see a salted hash."""
    return hashlib.sha256(f"{salt}:{identifier}".encode()).hexdigest()[:24]


class LineApi:
    """Reply/push with retries; 4xx are logged, never raised to the caller."""

    def __init__(self, access_token: str, endpoint: str) -> None:
        self._client = AsyncApiClient(Configuration(access_token=access_token, host=endpoint))
        self._api = AsyncMessagingApi(self._client)

    async def close(self) -> None:
        await self._client.close()

    async def _call(self, what: str, call: Any) -> int | None:
        """Runs `call()` with retries; returns None on success, else the last HTTP status."""
        status: int | None = None
        for attempt, delay in enumerate((0.0, *RETRY_DELAYS_SECONDS)):
            if delay:
                await asyncio.sleep(delay)
            try:
                await call()
                return None
            except ApiException as error:
                status = error.status
                if status is not None and 400 <= status < 500:
                    logger.warning("LINE %s rejected (%s): %s", what, status, error.body)
                    return status
                logger.warning("LINE %s failed (%s), attempt %d", what, status, attempt + 1)
            except (aiohttp.ClientError, TimeoutError, OSError) as error:
                status = 0
                logger.warning("LINE %s network error %r, attempt %d", what, error, attempt + 1)
            except Exception:  # the request may have gone out: never send twice
                logger.exception("LINE %s: unexpected error, not retried", what)
                return None
        logger.error("LINE %s gave up after %d attempts", what, len(RETRY_DELAYS_SECONDS) + 1)
        return status

    async def reply(self, reply_token: str, messages: list[Message]) -> int | None:
        request = ReplyMessageRequest(replyToken=reply_token, messages=messages)
        return await self._call("reply", lambda: self._api.reply_message(request))

    async def push(self, to: str, messages: list[Message]) -> int | None:
        request = PushMessageRequest(to=to, messages=messages)
        retry_key = str(uuid.uuid4())  # the same key on every retry: LINE sends once
        return await self._call(
            "push", lambda: self._api.push_message(request, x_line_retry_key=retry_key)
        )


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
        self.labels = dict(load_messages()["line_labels"])

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
        if isinstance(event, UnfollowEvent):
            logger.info("LINE unfollow from %s", conversation_id)
            return
        if isinstance(event, FollowEvent | JoinEvent):
            replies = [ChatMessage(text=message("line_follow_greeting"), buttons=_topics())]
        elif isinstance(event, MessageEvent) or kind == "messageEdited":
            content = getattr(event, "message", None)
            if isinstance(content, TextMessageContent) and conversation_id:
                replies = await self.conversation.reply(
                    conversation_id, content.text, channel="line"
                )
            else:
                replies = [ChatMessage(text=message("unsupported_message"), buttons=_topics())]
        elif isinstance(event, PostbackEvent) and conversation_id:
            replies = await self.conversation.reply(
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


def _topics() -> list[Button]:
    return [Button(**topic) for topic in main_topics()]


@router.post("/line/webhook")
async def line_webhook(request: Request, background: BackgroundTasks) -> JSONResponse:
    channel: LineChannel | None = getattr(request.app.state, "line_channel", None)
    if channel is None:
        return JSONResponse({"error": "LINE channel is not configured"}, status_code=404)
    signature = request.headers.get("X-Line-Signature")
    if not signature:
        return JSONResponse({"error": "missing signature"}, status_code=400)
    raw_body = await request.body()
    try:
        body = raw_body.decode("utf-8")
        events = channel.parse(body, signature)
    except InvalidSignatureError:
        logger.warning("LINE webhook with an invalid signature rejected")
        return JSONResponse({"error": "invalid signature"}, status_code=400)
    except (UnicodeDecodeError, ValueError, KeyError, TypeError):
        return JSONResponse({"error": "invalid body"}, status_code=400)
    background.add_task(channel.handle_all, events)
    return JSONResponse({"status": "ok"})

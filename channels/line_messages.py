"""Chat messages -> LINE Messaging API messages, within LINE's limits.

LINE accepts at most 5 messages per reply, 5,000 characters per text, 13 quick-reply items
with labels of at most 20 characters; the SDK enforces none of these, so we do it here.
Answers with steps or sources become a Flex bubble (title, steps, source, 「詳しく」 link).
"""

from __future__ import annotations

from typing import Any

from linebot.v3.messaging import (
    FlexContainer,
    FlexMessage,
    Message,
    PostbackAction,
    QuickReply,
    QuickReplyItem,
    TextMessage,
)

from core.schemas import Button, ChatMessage

MAX_MESSAGES = 5
MAX_LINE_TEXT_CHARS = 5000
MAX_QUICK_REPLIES = 13
MAX_LABEL_CHARS = 20
MAX_ALT_TEXT_CHARS = 400
MAX_POSTBACK_DATA = 300
FLEX_BODY_CHARS = 1200


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def quick_reply(buttons: list[Button]) -> QuickReply | None:
    """Bot buttons as quick replies; the payload travels as postback data."""
    items = [
        QuickReplyItem(
            action=PostbackAction(
                label=shorten(b.title, MAX_LABEL_CHARS),
                data=b.payload[:MAX_POSTBACK_DATA],
                displayText=shorten(b.title, 300),
            )
        )
        for b in buttons[:MAX_QUICK_REPLIES]
        if b.title and b.payload
    ]
    return QuickReply(items=items) if items else None


def _is_web_url(url: str | None) -> bool:
    return bool(url) and url.startswith(("https://", "http://"))


def flex_bubble(message: ChatMessage, labels: dict[str, str]) -> dict[str, Any]:
    body: list[dict[str, Any]] = [
        {"type": "text", "text": shorten(message.text, FLEX_BODY_CHARS), "wrap": True, "size": "md"}
    ]
    if message.steps:
        body.append({"type": "separator", "margin": "md"})
        for number, step in enumerate(message.steps[:5], start=1):
            body.append(
                {
                    "type": "text",
                    "text": f"{number}. {step}",
                    "wrap": True,
                    "size": "sm",
                    "margin": "sm",
                }
            )
    for source in message.sources[:2]:
        dated = f"{source.title}（{source.date}）" if source.date else source.title
        body.append(
            {
                "type": "text",
                "text": f"{labels['source']}: {dated}",
                "wrap": True,
                "size": "xs",
                "color": "#555555",
                "margin": "md",
            }
        )
    bubble: dict[str, Any] = {
        "type": "bubble",
        "body": {"type": "box", "layout": "vertical", "contents": body},
    }
    link = message.link or next((s.url for s in message.sources if _is_web_url(s.url)), None)
    if _is_web_url(link):
        bubble["footer"] = {
            "type": "box",
            "layout": "vertical",
            "contents": [
                {
                    "type": "button",
                    "style": "link",
                    "action": {"type": "uri", "label": labels["details"], "uri": link},
                }
            ],
        }
    return bubble


def to_line_messages(messages: list[ChatMessage], labels: dict[str, str]) -> list[Message]:
    """At most 5 LINE messages; quick replies (from the last message's buttons) go on the last."""
    if len(messages) > MAX_MESSAGES:
        head, tail = messages[: MAX_MESSAGES - 1], messages[MAX_MESSAGES - 1 :]
        merged = ChatMessage(text="\n\n".join(m.text for m in tail), buttons=tail[-1].buttons)
        messages = [*head, merged]
    buttons = next((m.buttons for m in reversed(messages) if m.buttons), [])
    result: list[Message] = []
    for message in messages:
        if message.steps or message.sources:
            result.append(
                FlexMessage(
                    altText=shorten(message.text, MAX_ALT_TEXT_CHARS),
                    contents=FlexContainer.from_dict(flex_bubble(message, labels)),
                )
            )
        else:
            result.append(TextMessage(text=shorten(message.text, MAX_LINE_TEXT_CHARS)))
    if result:
        result[-1].quick_reply = quick_reply(buttons)
    return result

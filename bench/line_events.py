"""Webhook requests as the LINE platform sends them, for the soak run's LINE residents.

The body is a text-message event in the shape of LINE's own SDK fixtures
(tests/data/line/webhook_v3.json), signed with the channel secret exactly as the platform
signs it (tests/support/line_signing.py). Every event has its own webhookEventId and reply
token, so the app's de-duplication (channels/line_event_queue.py) sees each as new.
"""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass
from typing import Any

from tests.support.line_signing import line_signature

DESTINATION = "Ubench0000000000000000000000000000"


def new_user_id() -> str:
    """A user id of LINE's shape ('U' and 32 hex digits); made up, never a real user's."""
    return "U" + secrets.token_hex(16)


def text_event(user_id: str, text: str, reply_token: str) -> dict[str, Any]:
    return {
        "type": "message",
        "mode": "active",
        "timestamp": int(time.time() * 1000),
        "source": {"type": "user", "userId": user_id},
        "webhookEventId": "01BENCH" + secrets.token_hex(10).upper(),
        "deliveryContext": {"isRedelivery": False},
        "replyToken": reply_token,
        "message": {
            "id": str(secrets.randbelow(10**17)),
            "type": "text",
            "text": text,
            "quoteToken": "q" + secrets.token_hex(8),
        },
    }


@dataclass(frozen=True)
class SignedRequest:
    body: bytes
    headers: dict[str, str]


def signed_request(channel_secret: str, events: list[dict[str, Any]]) -> SignedRequest:
    body = json.dumps({"destination": DESTINATION, "events": events}, ensure_ascii=False).encode()
    return SignedRequest(
        body=body,
        headers={
            "Content-Type": "application/json",
            "X-Line-Signature": line_signature(channel_secret, body),
        },
    )

"""POST /line/webhook, as the LINE Messaging API calls it.

The signature is checked on the raw body before anything else (a missing or wrong one is a
400). The events are written to the durable queue and the request is answered 200 at once
(LINE times out slow webhooks and then redelivers); workers answer them from the queue. A full
queue is a 503: LINE delivers again later.

The body is read raw, not as a FastAPI body parameter, because the signature is computed over
the exact bytes; the OpenAPI document still describes the header and the body
(channels/line_webhook_body.py), which the channel checks after the signature.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from linebot.v3.exceptions import InvalidSignatureError
from pydantic import BaseModel

from app.dependencies import ServicesDep
from app.errors import BODY_TOO_LARGE, error_response, error_responses
from channels.line_event_queue import QueueFullError
from channels.line_webhook_body import LineWebhookBody

logger = logging.getLogger(__name__)
router = APIRouter(tags=["line"])

SIGNATURE_HEADER = "X-Line-Signature"


class LineWebhookAccepted(BaseModel):
    status: Literal["ok"] = "ok"


def _inlined(schema: dict[str, Any]) -> dict[str, Any]:
    """The model's JSON schema with its `$defs` written in place: in an OpenAPI document a
    `#/$defs/…` reference would point at the document's root, not at this schema."""
    definitions = schema.pop("$defs", {})

    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            if "$ref" in node:
                return resolve(definitions[node["$ref"].removeprefix("#/$defs/")])
            return {key: resolve(value) for key, value in node.items()}
        if isinstance(node, list):
            return [resolve(value) for value in node]
        return node

    return resolve(schema)


SIGNED_LINE_BODY = {
    "parameters": [
        {
            "name": SIGNATURE_HEADER,
            "in": "header",
            "required": True,
            "description": "Base64 HMAC-SHA256 of the body with the channel secret.",
            "schema": {"type": "string"},
        }
    ],
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": _inlined(LineWebhookBody.model_json_schema())}},
    },
}


@router.post(
    "/line/webhook",
    response_model=LineWebhookAccepted,
    openapi_extra=SIGNED_LINE_BODY,
    responses=error_responses(
        {
            400: "The signature is missing or wrong, or the body is not a LINE webhook body.",
            404: "The LINE channel is not configured (LINE_CHANNEL_SECRET, …ACCESS_TOKEN).",
            413: BODY_TOO_LARGE,
            503: "The event queue is full: LINE delivers again later.",
        }
    ),
)
async def line_webhook(request: Request, services: ServicesDep) -> JSONResponse:
    channel = services.line
    if channel is None:
        return error_response(404, "LINE channel is not configured")
    signature = request.headers.get(SIGNATURE_HEADER)
    if not signature:
        return error_response(400, "missing signature")
    raw_body = await request.body()
    try:
        body = raw_body.decode("utf-8")
        accepted = await asyncio.to_thread(channel.accept, body, signature)
    except InvalidSignatureError:
        logger.warning("LINE webhook with an invalid signature rejected")
        return error_response(400, "invalid signature")
    except (UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError):
        return error_response(400, "invalid body")
    except QueueFullError as error:
        logger.error("LINE queue full: %s", error)
        services.metrics.line_events.labels("refused").inc(1)
        return error_response(503, "busy, deliver again later")
    services.metrics.line_events.labels("accepted").inc(accepted.new)
    services.metrics.line_events.labels("duplicate").inc(accepted.duplicates)
    return JSONResponse(LineWebhookAccepted().model_dump())

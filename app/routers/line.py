"""POST /line/webhook, as the LINE Messaging API calls it.

The signature is checked on the raw body before anything else (a missing or wrong one is a
400). The events are written to the durable queue and the request is answered 200 at once
(LINE times out slow webhooks and then redelivers); workers answer them from the queue. A full
queue is a 503: LINE delivers again later.
"""

from __future__ import annotations

import asyncio
import logging

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from linebot.v3.exceptions import InvalidSignatureError

from app.dependencies import ServicesDep
from channels.line_event_queue import QueueFullError

logger = logging.getLogger(__name__)
router = APIRouter(tags=["line"])


@router.post("/line/webhook")
async def line_webhook(request: Request, services: ServicesDep) -> JSONResponse:
    channel = services.line
    if channel is None:
        return JSONResponse({"error": "LINE channel is not configured"}, status_code=404)
    signature = request.headers.get("X-Line-Signature")
    if not signature:
        return JSONResponse({"error": "missing signature"}, status_code=400)
    raw_body = await request.body()
    try:
        body = raw_body.decode("utf-8")
        accepted = await asyncio.to_thread(channel.accept, body, signature)
    except InvalidSignatureError:
        logger.warning("LINE webhook with an invalid signature rejected")
        return JSONResponse({"error": "invalid signature"}, status_code=400)
    except (UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError):
        return JSONResponse({"error": "invalid body"}, status_code=400)
    except QueueFullError as error:
        logger.error("LINE queue full: %s", error)
        services.metrics.line_events.labels("refused").inc(1)
        return JSONResponse({"error": "busy, deliver again later"}, status_code=503)
    services.metrics.line_events.labels("accepted").inc(accepted.new)
    services.metrics.line_events.labels("duplicate").inc(accepted.duplicates)
    return JSONResponse({"status": "ok"})

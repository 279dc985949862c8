"""POST /line/webhook, as the LINE Messaging API calls it.

The signature is checked on the raw body before anything else (a missing or wrong one is a
400); the request is answered 200 at once and the events are handled in the background, since
LINE times out slow webhooks and then redelivers.
"""

from __future__ import annotations

import logging

from fastapi import APIRouter, BackgroundTasks, Request
from fastapi.responses import JSONResponse
from linebot.v3.exceptions import InvalidSignatureError

from app.dependencies import ServicesDep

logger = logging.getLogger(__name__)
router = APIRouter(tags=["line"])


@router.post("/line/webhook")
async def line_webhook(
    request: Request, background: BackgroundTasks, services: ServicesDep
) -> JSONResponse:
    channel = services.line
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

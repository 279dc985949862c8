"""The web channel: the chat API and the pages that use it (web chat and kiosk)."""

from __future__ import annotations

import logging
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

from app.dependencies import StateDep
from app.messages import main_topics, message
from app.schemas import Button, ChatMessage, ChatRequest, ChatResponse

router = APIRouter(tags=["web"])
logger = logging.getLogger(__name__)

PAGES_DIR = Path(__file__).with_name("templates")


@router.post("/api/chat")
async def chat(request: ChatRequest, state: StateDep) -> ChatResponse:
    try:
        messages = await state.conversation.reply(
            f"web-{request.session_id}", request.text, channel="web"
        )
    except Exception:  # a resident gets an answer even when we have a bug
        logger.exception("chat turn failed")
        contact = state.municipality.fallback_contact
        messages = [
            ChatMessage(
                text=message(
                    "service_unavailable", contact_name=contact.name, contact_phone=contact.phone
                )
            )
        ]
    return ChatResponse(session_id=request.session_id, messages=messages)


@router.get("/api/topics")
async def topics() -> list[Button]:
    """The main topics, as buttons for start screens (kiosk, web chat)."""
    return [Button(**topic) for topic in main_topics()]


@router.get("/", include_in_schema=False)
async def web_chat_page() -> FileResponse:
    return FileResponse(PAGES_DIR / "index.html", media_type="text/html; charset=utf-8")

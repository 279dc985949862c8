"""The web channel: the chat API and the pages that use it (web chat and kiosk).

The pages and their scripts are files in channels/templates and channels/static.
"""

from __future__ import annotations

import logging

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import FileResponse, Response
from pydantic import BaseModel, Field

from app.dependencies import ServicesDep
from app.errors import BODY_TOO_LARGE, error_responses
from channels import PAGES_DIR, STATIC_DIR
from channels.furigana import annotator_for
from channels.qr_code import MAX_URL_CHARS, URL_PATTERN, InvalidQrUrlError, qr_svg
from core.schemas import Button, ChatRequest, ChatResponse

router = APIRouter(tags=["web"])
logger = logging.getLogger(__name__)
# Bot answers are rendered as text, and this keeps it so if a bug ever lets markup through:
# no inline scripts, nothing loaded from elsewhere. Framing stays allowed for the embed.
PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}
# Longest text the kiosk asks readings for (bot answers are far shorter).
MAX_FURIGANA_CHARS = 5000
BODY_ERRORS = {
    400: "The body could not be read (not UTF-8).",
    413: BODY_TOO_LARGE,
    422: "The body is not JSON or does not match its schema; `detail` says where.",
}


@router.post("/api/chat", responses=error_responses(BODY_ERRORS))
async def chat(request: ChatRequest, services: ServicesDep) -> ChatResponse:
    """One message of the web chat or the kiosk. The server issues the session: send back
    the `session_id` of the last response; without one that it issued, a new conversation
    starts (and the response carries its id)."""
    conversation = services.conversation
    session = services.sessions.continue_or_issue(request.session_id)
    try:
        messages = await conversation.reply(f"web-{session}", request.text, channel="web")
    except Exception:  # a resident gets an answer even when we have a bug
        logger.exception("chat turn failed")
        messages = [conversation.unavailable()]
    return ChatResponse(session_id=session, messages=messages)


@router.get("/api/topics")
async def topics(services: ServicesDep) -> list[Button]:
    """The main topics, as buttons for start screens (kiosk, web chat)."""
    return services.conversation.topic_buttons()


class FuriganaRequest(BaseModel):
    text: str = Field(max_length=MAX_FURIGANA_CHARS)


class FuriganaPart(BaseModel):
    """A piece of the text; `reading` (hiragana) only on pieces with kanji."""

    text: str
    reading: str | None = None


@router.post(
    "/api/furigana",
    response_model_exclude_none=True,
    responses=error_responses(BODY_ERRORS),
)
async def furigana(request: FuriganaRequest, services: ServicesDep) -> list[FuriganaPart]:
    """Readings for the kiosk, as data that the page turns into <ruby> with DOM APIs.

    The parts concatenate to the text exactly; markup in the text stays text.
    """
    annotator = annotator_for(services.settings.knowledge_dir / "lexicon.yml")
    return [FuriganaPart(text=p.text, reading=p.reading) for p in annotator.annotate(request.text)]


@router.get(
    "/api/qr",
    response_class=Response,
    responses={
        200: {"content": {"image/svg+xml": {"schema": {"type": "string"}}}},
        **error_responses(
            {
                400: f"`url` is not an absolute http(s) URL of 1 to {MAX_URL_CHARS} characters"
                " matching the pattern.",
                422: "`url` is missing.",
            }
        ),
    },
)
async def qr_code(
    # Documented, not enforced by FastAPI: check_url refuses with a 400 and says why.
    url: str = Query(
        json_schema_extra={"minLength": 1, "maxLength": MAX_URL_CHARS, "pattern": URL_PATTERN}
    ),
) -> Response:
    """An SVG QR code of an answer's link, for residents who continue on their phone."""
    try:
        svg = qr_svg(url)
    except InvalidQrUrlError as error:
        raise HTTPException(status_code=400, detail=str(error)) from error
    return Response(
        svg,
        media_type="image/svg+xml",
        headers={
            "Cache-Control": "public, max-age=86400",
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
        },
    )


def _page(name: str) -> FileResponse:
    return FileResponse(
        PAGES_DIR / name, media_type="text/html; charset=utf-8", headers=PAGE_HEADERS
    )


@router.get("/", include_in_schema=False)
async def web_chat_page() -> FileResponse:
    return _page("index.html")


@router.get("/kiosk", include_in_schema=False)
async def kiosk_page() -> FileResponse:
    """Full-screen page for library terminals: large text, furigana, reset after idling."""
    return _page("kiosk.html")


@router.get("/embed.js", include_in_schema=False)
async def embed_script() -> FileResponse:
    """The one-line embed for municipal sites: a floating button that opens the chat."""
    return FileResponse(
        STATIC_DIR / "embed.js",
        media_type="text/javascript; charset=utf-8",
        headers={"Cache-Control": "public, max-age=3600", "X-Content-Type-Options": "nosniff"},
    )

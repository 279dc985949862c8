"""The FastAPI application: routers per channel, shared state built once at start-up."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from app import action_endpoint, health
from app.body_limit import BodySizeLimitMiddleware
from app.conversation import ConversationService
from app.dependencies import AppState
from app.knowledge_runtime import KnowledgeRuntime
from app.rasa_client import RasaClient
from app.settings import Settings, get_settings
from bot.actions.services import ActionServices, configure
from channels import line, web
from channels.line import LineApi, LineChannel
from channels.line_event_log import LineEventLog
from knowledge.municipality import Municipality
from knowledge.unanswered import UnansweredLog

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 256 * 1024
STATIC_DIR = Path(__file__).resolve().parent.parent / "channels" / "static"


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        municipality = Municipality.load(settings.knowledge_dir / "municipality.yml")
        rasa = RasaClient(
            settings.rasa_url, token=settings.rasa_token, timeout=settings.rasa_timeout_seconds
        )
        state = AppState(
            settings=settings,
            municipality=municipality,
            rasa=rasa,
            conversation=ConversationService(
                rasa, municipality, max_chars=settings.max_message_chars
            ),
        )
        app.state.app_state = state
        runtime: KnowledgeRuntime | None = None
        unanswered = UnansweredLog(settings.database_path)
        configure(ActionServices(municipality, None, unanswered))
        if settings.load_knowledge_index:
            runtime = KnowledgeRuntime(
                settings.knowledge_dir,
                settings.embedding_model_dir,
                settings.index_dir,
                unanswered,
            )
            await runtime.load()
            runtime.start_watching()
            state.knowledge = runtime
        line_api: LineApi | None = None
        if settings.line_enabled:
            line_api = LineApi(settings.line_channel_access_token, settings.line_api_endpoint)
            app.state.line_channel = LineChannel(
                settings.line_channel_secret,
                line_api,
                state.conversation,
                LineEventLog(settings.database_path),
            )
        try:
            yield
        finally:
            if runtime:
                await runtime.stop()
            if line_api:
                await line_api.close()
            await rasa.close()

    app = FastAPI(title="自治体チャットボット", lifespan=lifespan)
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=MAX_BODY_BYTES)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, error: RequestValidationError) -> JSONResponse:
        details = [
            {"loc": list(e.get("loc", [])), "msg": str(e.get("msg", ""))} for e in error.errors()
        ]
        return JSONResponse({"error": "invalid request", "detail": details}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
        return JSONResponse(
            {"error": str(error.detail)}, status_code=error.status_code, headers=error.headers
        )

    app.include_router(health.router)
    app.include_router(web.router)
    app.include_router(line.router)
    app.include_router(action_endpoint.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app

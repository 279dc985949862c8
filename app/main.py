"""The composition root: builds the service graph once at start-up and mounts the routers.

Everything the app holds is created here and nowhere else: the runtime (municipality,
knowledge index, unanswered log) behind one RuntimeHolder, the Rasa client, the conversation
turn, the custom actions bound to the runtime, and the LINE channel when it is configured.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from rasa_sdk.executor import ActionExecutor

from app.action_threads import ThreadedActionExecutor
from app.body_limit import BodySizeLimitMiddleware
from app.dependencies import AppServices
from app.errors import install_error_handlers
from app.json_logs import configure_logging
from app.metrics import AppMetrics
from app.routers import actions, health, line, metrics, web
from app.settings import Settings, get_settings
from bot.actions import build_actions
from bot.rasa_client import RasaClient
from channels import STATIC_DIR
from channels.line_api import LineApi
from channels.line_channel import LineChannel
from channels.line_event_queue import LineEventQueue
from core.button_payloads import ButtonPayloads
from core.conversation import ConversationService
from core.emergency import EmergencyLexicon
from core.knowledge_reload import KnowledgeReloader
from core.runtime import Runtime, RuntimeHolder
from core.sessions import SessionTokens
from core.signing_secret import load_or_create_secret
from knowledge.municipality import Municipality
from knowledge.unanswered import UnansweredLog

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 256 * 1024
# Rasa's action calls carry the conversation's events and the domain: a long conversation on
# Rasa's plain SQL store (the scale profile) passed 256 KiB after ~75 turns
MAX_ACTION_CALL_BYTES = 16 * 1024 * 1024


def _action_executor(runtime: RuntimeHolder) -> ThreadedActionExecutor:
    executor = ActionExecutor()
    for action in build_actions(runtime):
        executor.register_action(action)
    return ThreadedActionExecutor(executor)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    secret = load_or_create_secret(settings.data_dir, settings.signing_secret)
    configure_logging(settings, secret)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        unanswered = UnansweredLog(settings.database_path)
        municipality = Municipality.load(settings.knowledge_dir / "municipality.yml")
        emergency = EmergencyLexicon.load(settings.knowledge_dir / "emergency.yml")
        runtime = RuntimeHolder(Runtime(municipality, emergency, None, unanswered))
        rasa = RasaClient(
            settings.rasa_urls, token=settings.rasa_token, timeout=settings.rasa_timeout_seconds
        )
        buttons = ButtonPayloads(secret)
        app_metrics = AppMetrics()
        conversation = ConversationService(
            rasa, runtime, buttons, max_chars=settings.max_message_chars, observer=app_metrics
        )
        services = AppServices(
            settings=settings,
            runtime=runtime,
            dialogue=rasa,
            conversation=conversation,
            actions=_action_executor(runtime),
            sessions=SessionTokens(secret),
            metrics=app_metrics,
        )
        app.state.services = services
        if settings.load_knowledge_index:
            from embedding.sentence_transformer import SentenceTransformerEmbedder

            services.reloader = KnowledgeReloader(
                runtime,
                settings.knowledge_dir,
                SentenceTransformerEmbedder(settings.embedding_model_dir),
                settings.index_dir,
                unanswered,
                on_reload=lambda result: app_metrics.knowledge_reloads.labels(result).inc(),
            )
            await services.reloader.load()
            services.reloader.start_watching(settings.knowledge_watch_seconds)
        line_api: LineApi | None = None
        if settings.line_enabled:
            line_api = LineApi(
                settings.line_channel_access_token,
                settings.line_api_endpoint,
                on_retry=app_metrics.line_retries.inc,
            )
            queue = LineEventQueue(settings.database_path)
            services.line = LineChannel(settings.line_channel_secret, line_api, conversation, queue)
            app_metrics.watch_line_queue(queue.depth, queue.oldest_age)
            services.line.start()
        try:
            yield
        finally:
            # SIGTERM: turns in progress finish; queued LINE events wait for the next start
            if services.line:
                await services.line.stop()
            if services.reloader:
                await services.reloader.stop()
            if line_api:
                await line_api.close()
            await rasa.close()
            services.actions.close()

    app = FastAPI(title="自治体チャットボット", lifespan=lifespan)
    app.add_middleware(
        BodySizeLimitMiddleware,
        max_bytes=MAX_BODY_BYTES,
        path_limits={"/webhook": MAX_ACTION_CALL_BYTES},
    )

    install_error_handlers(app)
    app.include_router(health.router)
    app.include_router(web.router)
    app.include_router(line.router)
    app.include_router(actions.router)
    app.include_router(metrics.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app

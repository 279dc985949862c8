"""The app's service graph, built once by the composition root (app/main.py), and the
`Annotated` aliases routers use to reach it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from rasa_sdk.executor import ActionExecutor

from app.settings import Settings
from channels.line_channel import LineChannel
from core.conversation import ConversationService
from core.dialogue import DialogueEngine
from core.knowledge_reload import KnowledgeReloader
from core.runtime import RuntimeHolder
from core.sessions import SessionTokens


@dataclass
class AppServices:
    settings: Settings
    runtime: RuntimeHolder
    dialogue: DialogueEngine
    conversation: ConversationService
    actions: ActionExecutor
    sessions: SessionTokens
    reloader: KnowledgeReloader | None = None
    line: LineChannel | None = None


def get_services(request: Request) -> AppServices:
    return request.app.state.services


ServicesDep = Annotated[AppServices, Depends(get_services)]

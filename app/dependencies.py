"""Shared objects of the running app, reachable from routers through `Annotated` aliases."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from app.conversation import ConversationService
from app.knowledge_runtime import KnowledgeRuntime
from app.rasa_client import RasaClient
from app.settings import Settings
from knowledge.municipality import Municipality


@dataclass
class AppState:
    settings: Settings
    municipality: Municipality
    rasa: RasaClient
    conversation: ConversationService
    knowledge: KnowledgeRuntime | None = None


def get_state(request: Request) -> AppState:
    return request.app.state.app_state


StateDep = Annotated[AppState, Depends(get_state)]

"""The app's service graph, built once by the composition root (app/main.py), and the
`Annotated` aliases routers use to reach it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from app.action_threads import ThreadedActionExecutor
from app.metrics import AppMetrics
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
    actions: ThreadedActionExecutor
    sessions: SessionTokens
    metrics: AppMetrics
    reloader: KnowledgeReloader | None = None
    line: LineChannel | None = None

    async def refresh_health(self) -> Health:
        """Checks Rasa and the index now, and keeps the gauges in step."""
        rasa = await self.dialogue.is_ready()
        knowledge = self.runtime.current.knowledge
        index = (not self.settings.load_knowledge_index) or knowledge is not None
        self.metrics.rasa_up.set(1 if rasa else 0)
        self.metrics.index_documents.set(len(knowledge.documents) if knowledge else 0)
        return Health(rasa=rasa, knowledge_index=index)


@dataclass(frozen=True)
class Health:
    rasa: bool
    knowledge_index: bool

    @property
    def status(self) -> str:
        """ready; degraded (Rasa down: the app answers FAQs and the safety rules on its own);
        starting (the index is not loaded yet: nothing can be answered well)."""
        if not self.knowledge_index:
            return "starting"
        return "ready" if self.rasa else "degraded"


def get_services(request: Request) -> AppServices:
    return request.app.state.services


ServicesDep = Annotated[AppServices, Depends(get_services)]

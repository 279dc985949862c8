"""What the actions need at run time, handed over by the app at start-up.

rasa-sdk instantiates actions without arguments, so shared objects (the municipality
configuration and the knowledge index, which is expensive to load) are registered here once.
Outside the app (e.g. `rasa run actions` for debugging) they are loaded on first use.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from knowledge import KNOWLEDGE_DIR
from knowledge.municipality import Municipality

if TYPE_CHECKING:
    from knowledge.unanswered import UnansweredLog
    from retrieval.knowledge_service import KnowledgeService


@dataclass
class ActionServices:
    municipality: Municipality
    knowledge: KnowledgeService | None = None
    unanswered: UnansweredLog | None = None


_services: ActionServices | None = None


def configure(services: ActionServices) -> None:
    global _services
    _services = services


def get_services() -> ActionServices:
    global _services
    if _services is None:
        _services = ActionServices(Municipality.load(KNOWLEDGE_DIR / "municipality.yml"))
    return _services

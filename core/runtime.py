"""The one object the running service answers from, and the holder a reload swaps it in.

Everything that changes when staff change knowledge/ (the municipality's offices, the index)
is in one immutable `Runtime`; readers take `holder.current` once per turn, so a turn never
mixes an old municipality with a new index, and a reload is a single assignment.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.emergency import EmergencyLexicon
    from knowledge.municipality import Municipality
    from knowledge.unanswered import UnansweredLog
    from retrieval.knowledge_service import KnowledgeService


@dataclass(frozen=True)
class Runtime:
    municipality: Municipality
    emergency: EmergencyLexicon
    # None while the index is loading, or when the app runs without it (HTTP-layer tests)
    knowledge: KnowledgeService | None = None
    unanswered: UnansweredLog | None = None


class RuntimeHolder:
    def __init__(self, runtime: Runtime) -> None:
        self._current = runtime

    @property
    def current(self) -> Runtime:
        return self._current

    def replace(self, runtime: Runtime) -> None:
        self._current = runtime

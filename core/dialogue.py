"""What the conversation turn needs from a dialogue engine (Rasa, reached over HTTP)."""

from __future__ import annotations

from typing import Any, Protocol

from core.schemas import ChatMessage


class DialogueUnavailableError(RuntimeError):
    """The engine did not answer (down, restarting, overloaded or returned an error)."""


class DialogueEngine(Protocol):
    async def send(
        self, sender_id: str, text: str, metadata: dict[str, Any] | None = None
    ) -> list[ChatMessage]:
        """One user message in, the bot's messages out; raises DialogueUnavailableError."""
        ...

    async def is_ready(self) -> bool: ...

    async def close(self) -> None: ...

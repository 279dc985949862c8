"""A dialogue engine that records what the conversation turn sends it, for core unit tests.

Only for the turn's own logic (what reaches Rasa, in which form); the end-to-end tests send
the same messages through the real Rasa server.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from core.dialogue import DialogueUnavailableError
from core.schemas import Button, ChatMessage


@dataclass
class RecordingDialogue:
    reply: list[ChatMessage] = field(default_factory=lambda: [ChatMessage(text="回答です")])
    down: bool = False
    sent: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)

    async def send(
        self, sender_id: str, text: str, metadata: dict[str, Any] | None = None
    ) -> list[ChatMessage]:
        self.sent.append((sender_id, text, dict(metadata or {})))
        if self.down:
            raise DialogueUnavailableError("down")
        return [m.model_copy(deep=True) for m in self.reply]

    async def is_ready(self) -> bool:
        return not self.down

    async def close(self) -> None:
        return None

    @property
    def texts(self) -> list[str]:
        return [text for _, text, _ in self.sent]


def with_buttons(*payloads: str) -> list[ChatMessage]:
    return [
        ChatMessage(text="選んでください", buttons=[Button(title=p, payload=p) for p in payloads])
    ]

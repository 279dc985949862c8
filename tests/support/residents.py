"""Residents chatting at the same time, each in the session the server issued to it, with
every exchange recorded instead of raised.

tests/support/chat_client.py raises on the first bad status, which suits corpus runs. Fault
tests need the opposite: keep talking through a fault and look afterwards at every status,
timeout and reply, and at when each was sent and answered.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import httpx

# A resident waits this long for a reply before it counts as unanswered.
REPLY_TIMEOUT_SECONDS = 60.0


@dataclass
class Exchange:
    text: str
    sent_at: float  # time.monotonic()
    answered_at: float
    status: int | None = None  # None: no HTTP response at all
    messages: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None  # the transport error or timeout, when there was no response

    @property
    def seconds(self) -> float:
        return self.answered_at - self.sent_at

    @property
    def answered(self) -> bool:
        """A 200 with at least one message, and every message has text."""
        return (
            self.status == 200
            and bool(self.messages)
            and all(str(m.get("text", "")).strip() for m in self.messages)
        )


class AsyncResident:
    """One resident over /api/chat, on a client the caller shares between residents."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self._client = client
        self.session_id: str | None = None
        self.exchanges: list[Exchange] = []

    async def say(self, text: str) -> Exchange:
        body: dict[str, Any] = {"text": text}
        if self.session_id:
            body["session_id"] = self.session_id
        exchange = Exchange(text, time.monotonic(), 0.0)
        try:
            response = await self._client.post(
                "/api/chat", json=body, timeout=REPLY_TIMEOUT_SECONDS
            )
        except httpx.HTTPError as error:
            exchange.error = f"{type(error).__name__}: {error}"
        else:
            exchange.status = response.status_code
            if response.status_code == 200:
                data = response.json()
                self.session_id = data["session_id"]
                exchange.messages = data["messages"]
        exchange.answered_at = time.monotonic()
        self.exchanges.append(exchange)
        return exchange


def shared_client(base_url: str, residents: int) -> httpx.AsyncClient:
    """One connection per resident, so nobody queues behind another resident's request."""
    limits = httpx.Limits(max_connections=residents, max_keepalive_connections=residents)
    return httpx.AsyncClient(base_url=base_url, limits=limits, timeout=REPLY_TIMEOUT_SECONDS)

"""Many residents at once through /api/chat, each message in its own fresh session.

Used by the end-to-end tests that send whole corpora through the real turn path, and by
bench/load.py. A conversation is a list of messages sent in order in one session.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import httpx

CONCURRENCY = 8


async def _conversation(
    client: httpx.AsyncClient, texts: Sequence[str], semaphore: asyncio.Semaphore
) -> list[list[dict[str, Any]]]:
    session: str | None = None  # the server issues it with the first answer
    replies = []
    async with semaphore:
        for text in texts:
            body: dict[str, Any] = {"text": text}
            if session:
                body["session_id"] = session
            response = await client.post("/api/chat", json=body)
            response.raise_for_status()
            data = response.json()
            session = data["session_id"]
            replies.append(data["messages"])
    return replies


async def _all(base_url: str, conversations: Sequence[Sequence[str]], concurrency: int) -> list:
    semaphore = asyncio.Semaphore(concurrency)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base_url, timeout=120, limits=limits) as client:
        return await asyncio.gather(*(_conversation(client, c, semaphore) for c in conversations))


def ask_each(
    base_url: str, texts: Sequence[str], concurrency: int = CONCURRENCY
) -> list[list[dict]]:
    """One fresh session per text; the bot's messages for each, in order."""
    results = asyncio.run(_all(base_url, [[t] for t in texts], concurrency))
    return [conversation[0] for conversation in results]


def converse(
    base_url: str, conversations: Sequence[Sequence[str]], concurrency: int = CONCURRENCY
) -> list[list[list[dict]]]:
    """Each conversation in its own session; the replies to each of its messages."""
    return asyncio.run(_all(base_url, conversations, concurrency))


class Conversation:
    """One resident's conversation over /api/chat, carrying the session the server issues."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.session_id: str | None = None

    def say(self, text: str) -> list[dict[str, Any]]:
        body: dict[str, Any] = {"text": text}
        if self.session_id:
            body["session_id"] = self.session_id
        response = httpx.post(f"{self.base_url}/api/chat", json=body, timeout=120)
        response.raise_for_status()
        data = response.json()
        self.session_id = data["session_id"]
        return data["messages"]

"""Talks to the Rasa server over its REST channel and HTTP API (the app's DialogueEngine)."""

from __future__ import annotations

import asyncio
import logging
import zlib
from collections.abc import Sequence
from typing import Any

import httpx

from core.dialogue import DialogueUnavailableError
from core.schemas import AnswerSource, Button, ChatMessage

logger = logging.getLogger(__name__)


def replica_for(sender_id: str, replicas: int) -> int:
    """The Rasa process that holds this sender's conversation (stable across restarts).

    With the embedded default every Rasa process has its own SQLite tracker store and its
    in-memory lock: one sender must always reach the same process, so its turns stay in order
    and its form continues. CRC-32 rather than hash(): Python salts str hashes per process.
    """
    return zlib.crc32(sender_id.encode("utf-8")) % replicas


class RasaClient:
    """Thin async client for one or several Rasa processes; one connection pool each.

    Several base URLs mean several Rasa processes on one machine (both cores, each with its
    own tracker file): a sender always goes to the same one (`replica_for`). Behind a load
    balancer with a shared tracker store and lock store (the scale profile) give one URL.
    """

    def __init__(
        self, base_urls: str | Sequence[str], *, token: str = "", timeout: float = 20.0
    ) -> None:
        urls = [base_urls] if isinstance(base_urls, str) else list(base_urls)
        if not urls:
            raise ValueError("at least one Rasa URL is needed")
        self._clients = [httpx.AsyncClient(base_url=url, timeout=timeout) for url in urls]
        self._params = {"token": token} if token else {}

    @property
    def replicas(self) -> int:
        return len(self._clients)

    async def close(self) -> None:
        for client in self._clients:
            await client.aclose()

    async def send(
        self, sender_id: str, text: str, metadata: dict[str, Any] | None = None
    ) -> list[ChatMessage]:
        """Sends one user message; returns Rasa's bot messages as ChatMessages."""
        payload = {"sender": sender_id, "message": text, "metadata": metadata or {}}
        client = self._clients[replica_for(sender_id, len(self._clients))]
        try:
            response = await client.post(
                "/webhooks/rest/webhook", json=payload, params=self._params
            )
            response.raise_for_status()
            messages = response.json()
        except (httpx.HTTPError, ValueError) as error:
            # not str(error): an HTTP error's text carries the URL, and with it the token
            raise DialogueUnavailableError(type(error).__name__) from error
        if not isinstance(messages, list):
            raise DialogueUnavailableError("unexpected response from Rasa")
        return to_chat_messages(messages)

    async def is_ready(self) -> bool:
        """True when every Rasa process answers and has a model loaded (a sender's turns go
        to one process only: while any is down, some residents get the degraded answers)."""
        states = await asyncio.gather(*(self._is_ready(c) for c in self._clients))
        return all(states)

    async def _is_ready(self, client: httpx.AsyncClient) -> bool:
        try:
            response = await client.get("/status", params=self._params, timeout=3.0)
            if response.status_code != 200:
                return False
            return bool(response.json().get("model_file"))
        except (httpx.HTTPError, ValueError):
            return False


def to_chat_messages(raw: list[dict[str, Any]]) -> list[ChatMessage]:
    """Converts Rasa REST output; a `custom` payload enriches the text message before it.

    Custom actions send an answer as text plus `json_message` ({"sources", "steps",
    "link"}); Rasa's REST channel delivers the two as separate items.
    """
    result: list[ChatMessage] = []
    for item in raw:
        custom = item.get("custom") if isinstance(item.get("custom"), dict) else None
        text = item.get("text")
        if text:
            result.append(
                ChatMessage(
                    text=str(text),
                    buttons=[
                        Button(title=str(b.get("title", "")), payload=str(b.get("payload", "")))
                        for b in item.get("buttons") or []
                        if b.get("title") and b.get("payload")
                    ],
                )
            )
        if custom and result:
            target = result[-1]
            target.sources.extend(AnswerSource(**s) for s in custom.get("sources", []))
            target.steps.extend(str(s) for s in custom.get("steps", []))
            target.link = custom.get("link") or target.link
            target.answer_id = custom.get("document_id") or target.answer_id
    return result

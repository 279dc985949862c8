"""Talks to the Rasa server over its REST channel and HTTP API (the app's DialogueEngine)."""

from __future__ import annotations

import logging
from typing import Any

import httpx

from core.dialogue import DialogueUnavailableError
from core.schemas import AnswerSource, Button, ChatMessage

logger = logging.getLogger(__name__)


class RasaClient:
    """Thin async client; one shared connection pool for the whole app."""

    def __init__(self, base_url: str, *, token: str = "", timeout: float = 20.0) -> None:
        self._client = httpx.AsyncClient(base_url=base_url, timeout=timeout)
        self._params = {"token": token} if token else {}

    async def close(self) -> None:
        await self._client.aclose()

    async def send(
        self, sender_id: str, text: str, metadata: dict[str, Any] | None = None
    ) -> list[ChatMessage]:
        """Sends one user message; returns Rasa's bot messages as ChatMessages."""
        payload = {"sender": sender_id, "message": text, "metadata": metadata or {}}
        try:
            response = await self._client.post(
                "/webhooks/rest/webhook", json=payload, params=self._params
            )
            response.raise_for_status()
            messages = response.json()
        except (httpx.HTTPError, ValueError) as error:
            raise DialogueUnavailableError(str(error)) from error
        if not isinstance(messages, list):
            raise DialogueUnavailableError("unexpected response from Rasa")
        return to_chat_messages(messages)

    async def is_ready(self) -> bool:
        """True when Rasa answers and has a model loaded."""
        try:
            response = await self._client.get("/status", params=self._params, timeout=3.0)
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

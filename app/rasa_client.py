"""Talks to the Rasa server over its REST channel and HTTP API."""

from __future__ import annotations

import logging
from typing import Any

import httpx

logger = logging.getLogger(__name__)


class RasaUnavailableError(RuntimeError):
    """Rasa did not answer (down, restarting, overloaded or returned an error)."""


class RasaClient:
    """Thin async client; one shared connection pool for the whole app."""

    def __init__(self, base_url: str, *, token: str = "", timeout: float = 20.0) -> None:
        self._client = httpx.AsyncClient(base_url=base_url, timeout=timeout)
        self._params = {"token": token} if token else {}

    async def close(self) -> None:
        await self._client.aclose()

    async def send(
        self, sender_id: str, text: str, metadata: dict[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        """Sends one user message; returns Rasa's bot messages (REST channel format)."""
        payload = {"sender": sender_id, "message": text, "metadata": metadata or {}}
        try:
            response = await self._client.post(
                "/webhooks/rest/webhook", json=payload, params=self._params
            )
            response.raise_for_status()
            messages = response.json()
        except (httpx.HTTPError, ValueError) as error:
            raise RasaUnavailableError(str(error)) from error
        if not isinstance(messages, list):
            raise RasaUnavailableError("unexpected response from Rasa")
        return messages

    async def is_ready(self) -> bool:
        """True when Rasa answers and has a model loaded."""
        try:
            response = await self._client.get("/status", params=self._params, timeout=3.0)
            if response.status_code != 200:
                return False
            return bool(response.json().get("model_file"))
        except (httpx.HTTPError, ValueError):
            return False

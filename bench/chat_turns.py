"""One resident's turn over /api/chat, timed and sorted into an outcome.

A 200 is not always an answer: when Rasa is down or overloaded the app still answers 200 with
its 'please try again later' text (core/texts.ja.yml, service_unavailable), so a load run that
counted status codes only would call an overloaded stack healthy. Replies are recognized by
the fixed words of their text up to the first placeholder, read from the same file the app
uses. The per-sender 'slow down' reply is counted on its own: it means the load pattern, not
the stack, was at fault.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import httpx

from core.texts import load_texts

OK = "ok"
RATE_LIMITED = "slow down"
UNAVAILABLE = "unavailable"
TIMEOUT = "timeout"
CONNECTION = "connection"
BAD_BODY = "bad body"
NOT_ERRORS = (OK, RATE_LIMITED)


def reply_prefix(key: str) -> str:
    """The fixed start of one of the app's own replies (before any placeholder)."""
    prefix = str(load_texts()[key]).split("{", 1)[0]
    if not prefix:
        raise ValueError(f"{key} starts with a placeholder: nothing fixed to recognize it by")
    return prefix


def reply_kind(texts: Iterable[str]) -> str:
    """OK, UNAVAILABLE or RATE_LIMITED for the texts of one reply."""
    texts = list(texts)
    unavailable, slow_down = reply_prefix("service_unavailable"), reply_prefix("slow_down")
    if any(unavailable in t for t in texts):  # anywhere: a channel may join messages
        return UNAVAILABLE
    if any(slow_down in t for t in texts):
        return RATE_LIMITED
    return OK


def classify_response(status: int, body: Any) -> str:
    if status != 200:
        return f"http {status}"
    if not isinstance(body, dict) or not isinstance(body.get("messages"), list):
        return BAD_BODY
    return reply_kind(str(m.get("text") or "") for m in body["messages"] if isinstance(m, dict))


@dataclass(frozen=True)
class TurnResult:
    started: float  # time.perf_counter() when the request was sent
    seconds: float
    outcome: str

    @property
    def finished(self) -> float:
        return self.started + self.seconds

    @property
    def error(self) -> bool:
        return self.outcome not in NOT_ERRORS


class WebResident:
    """A resident of the web chat: one session, carried over turns as the server issues it."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client
        self.session_id: str | None = None

    def leave(self) -> None:
        """The next message starts a new session (the next visitor at this seat)."""
        self.session_id = None

    async def say(self, text: str) -> TurnResult:
        body: dict[str, Any] = {"text": text}
        if self.session_id:
            body["session_id"] = self.session_id
        started = time.perf_counter()
        try:
            response = await self.client.post("/api/chat", json=body)
            seconds = time.perf_counter() - started
            data = response.json() if response.status_code == 200 else None
        except httpx.TimeoutException:
            return TurnResult(started, time.perf_counter() - started, TIMEOUT)
        except httpx.TransportError:
            return TurnResult(started, time.perf_counter() - started, CONNECTION)
        except ValueError:  # a 200 that is not JSON
            return TurnResult(started, time.perf_counter() - started, BAD_BODY)
        outcome = classify_response(response.status_code, data)
        if isinstance(data, dict) and isinstance(data.get("session_id"), str):
            self.session_id = data["session_id"]
        return TurnResult(started, seconds, outcome)


def error_counts(results: Iterable[TurnResult]) -> Counter[str]:
    return Counter(r.outcome for r in results if r.error)


def describe_outcomes(results: Iterable[TurnResult]) -> str:
    """'errors=0' or 'errors=3 (unavailable 2, timeout 1)', plus any 'slow down' replies."""
    results = list(results)
    errors = error_counts(results)
    text = f"errors={sum(errors.values())}"
    if errors:
        text += " (" + ", ".join(f"{kind} {n}" for kind, n in errors.most_common()) + ")"
    limited = sum(1 for r in results if r.outcome == RATE_LIMITED)
    if limited:
        text += f" slow-down={limited}"
    return text

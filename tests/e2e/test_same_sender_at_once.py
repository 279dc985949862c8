"""Two messages of one resident sent at the same moment (a double tap, two phones on one
session): both are answered, each with its own answer, and Rasa's tracker holds both turns,
each followed by the reply its request got, not interleaved with the other's."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from tests.e2e.conftest import RunningStack
from tests.support.chat_client import Conversation
from tests.support.rasa_tracker import tracker

AT_ONCE = ("児童手当の申請方法を教えて", "住民票の写しはどこで取れますか")


async def _send_together(base_url: str, session_id: str) -> list[list[dict[str, Any]]]:
    async with httpx.AsyncClient(base_url=base_url, timeout=120) as client:

        async def send(text: str) -> list[dict[str, Any]]:
            response = await client.post("/api/chat", json={"text": text, "session_id": session_id})
            response.raise_for_status()
            assert response.json()["session_id"] == session_id
            return response.json()["messages"]

        return list(await asyncio.gather(*(send(text) for text in AT_ONCE)))


def _turns(events: list[dict[str, Any]]) -> list[tuple[str, list[str]]]:
    """(resident text, the bot texts after it up to the next resident message)."""
    turns: list[tuple[str, list[str]]] = []
    for event in events:
        if event["event"] == "user":
            turns.append((event.get("text") or "", []))
        elif event["event"] == "bot" and turns and event.get("text"):
            turns[-1][1].append(event["text"])
    return turns


def test_two_messages_at_once_are_both_answered_and_kept_in_order(stack: RunningStack) -> None:
    resident = Conversation(stack.app_url)
    resident.say("こんにちは")
    assert resident.session_id

    replies = asyncio.run(_send_together(stack.app_url, resident.session_id))

    assert all(replies), "each message got an answer"
    joined = ["\n".join(m["text"] for m in reply) for reply in replies]
    assert "児童手当" in joined[0] and "住民票" in joined[1], joined
    assert joined[0] != joined[1]

    kept = _turns(tracker(stack.rasa_url, resident.session_id)["events"])
    sent = [text for text, _ in kept]
    assert sent.count(AT_ONCE[0]) == 1 and sent.count(AT_ONCE[1]) == 1, sent
    for text, reply in zip(AT_ONCE, joined):
        bot_texts = dict(kept)[text]
        assert bot_texts, f"no reply kept after {text!r}"
        # the reply kept after each message is the one its own request got
        assert any(kept_text.strip() and kept_text in reply for kept_text in bot_texts), (
            text,
            bot_texts,
            reply,
        )

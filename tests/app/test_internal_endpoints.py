"""Rasa's custom-action endpoint is Rasa's alone: without the shared token it refuses."""

from __future__ import annotations

import pytest

from tests.support.app_client import app_client, settings_without_rasa

TOKEN = "a-long-random-action-token"
ACTION_CALL = {
    "next_action": "action_emergency",
    "sender_id": "x",
    "tracker": {"sender_id": "x", "slots": {}, "latest_message": {"text": "t"}, "events": []},
    "domain": {},
}


@pytest.mark.parametrize("token", [None, "", "wrong"])
async def test_without_the_token_the_actions_are_refused(tmp_path, token: str | None) -> None:
    params = {} if token is None else {"token": token}
    async with app_client(settings_without_rasa(tmp_path, action_token=TOKEN)) as client:
        run = await client.post("/webhook", json=ACTION_CALL, params=params)
        listed = await client.get("/actions", params=params)

    assert (run.status_code, listed.status_code) == (401, 401)
    assert run.json() == {"error": "unauthorized"}


async def test_with_no_token_configured_nobody_gets_in(tmp_path) -> None:
    async with app_client(settings_without_rasa(tmp_path)) as client:
        assert (await client.get("/actions", params={"token": ""})).status_code == 401


async def test_rasa_with_the_token_runs_the_actions(tmp_path) -> None:
    async with app_client(settings_without_rasa(tmp_path, action_token=TOKEN)) as client:
        listed = await client.get("/actions", params={"token": TOKEN})
        run = await client.post("/webhook", json=ACTION_CALL, params={"token": TOKEN})
        schema = (await client.get("/openapi.json")).json()

    assert "action_answer_question" in {a["name"] for a in listed.json()}
    assert run.status_code == 200
    assert "/webhook" not in schema["paths"] and "/actions" not in schema["paths"]


async def test_a_long_conversations_action_call_is_not_too_large(tmp_path) -> None:
    """Rasa sends every event of the conversation: 200 turns are ~650 KiB on its plain store."""
    events = [
        {"event": "user", "text": "住民票はどこで取れますか" * 4, "timestamp": n, "parse_data": {}}
        for n in range(2000)
    ]
    call = {**ACTION_CALL, "tracker": {**ACTION_CALL["tracker"], "events": events}}
    async with app_client(settings_without_rasa(tmp_path, action_token=TOKEN)) as client:
        run = await client.post("/webhook", json=call, params={"token": TOKEN})
        chat = await client.post("/api/chat", json={"text": "あ" * 400_000})

    assert run.status_code == 200
    assert chat.status_code == 413  # a resident's message keeps the small limit

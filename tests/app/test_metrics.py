"""/metrics: what operations watch, for local scrapers or with the metrics token only."""

from __future__ import annotations

from tests.support.app_client import app_client, settings_without_rasa


async def test_turns_are_counted_by_channel_and_outcome(tmp_path) -> None:
    async with app_client(settings_without_rasa(tmp_path)) as client:
        await client.post("/api/chat", json={"text": "こんにちは"})
        await client.post("/api/chat", json={"text": "家が火事です"})
        await client.post("/api/chat", json={"text": "   "})
        body = (await client.get("/metrics")).text

    assert 'chatbot_turns_total{channel="web",outcome="unavailable"} 1.0' in body
    assert 'chatbot_turns_total{channel="web",outcome="emergency"} 1.0' in body
    assert 'chatbot_turns_total{channel="web",outcome="invalid_input"} 1.0' in body
    assert "chatbot_turn_seconds_bucket" in body
    assert "chatbot_rasa_up 0.0" in body
    assert "chatbot_rasa_failures_total 2.0" in body


async def test_a_metrics_token_is_required_when_set(tmp_path) -> None:
    async with app_client(settings_without_rasa(tmp_path, metrics_token="scrape-me")) as client:
        without = await client.get("/metrics")
        wrong = await client.get("/metrics", headers={"Authorization": "Bearer nope"})
        right = await client.get("/metrics", headers={"Authorization": "Bearer scrape-me"})

    assert (without.status_code, wrong.status_code, right.status_code) == (401, 401, 200)

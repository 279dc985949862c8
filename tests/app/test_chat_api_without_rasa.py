"""The chat API's contract when input is bad or Rasa is down: 4xx or a polite reply, no 5xx."""

from __future__ import annotations

import httpx
import pytest


async def test_rasa_down_gets_a_polite_reply(client_without_rasa: httpx.AsyncClient) -> None:
    response = await client_without_rasa.post(
        "/api/chat", json={"session_id": "a", "text": "住民票がほしい"}
    )

    assert response.status_code == 200
    body = response.json()
    assert body["session_id"] != "a", "an id the server did not issue starts a new conversation"
    assert body["session_id"].startswith("s1.")
    [message] = body["messages"]
    assert "しばらくしてから" in message["text"]
    assert "（サンプル）" in message["text"]  # the sample contact is marked as such


@pytest.mark.parametrize(
    "text, expected",
    [
        ("", "何をお調べしますか"),
        ("   \x00\x07  ", "何をお調べしますか"),
        ("あ" * 5000, "文章が長すぎる"),
        ("😀😀😀", "文字で質問を送ってください"),
        ("!!!???", "文字で質問を送ってください"),
    ],
)
async def test_bad_text_gets_a_polite_reply(
    client_without_rasa: httpx.AsyncClient, text: str, expected: str
) -> None:
    response = await client_without_rasa.post("/api/chat", json={"session_id": "a", "text": text})

    assert response.status_code == 200
    assert expected in response.json()["messages"][0]["text"]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"json": {"session_id": "a"}},
        {"json": {"session_id": "", "text": "x"}},
        {"json": {"session_id": "a b<script>", "text": "x"}},
        {"json": {"session_id": "a", "text": 5}},
        {"json": ["not", "an", "object"]},
        {"content": b"{not json", "headers": {"Content-Type": "application/json"}},
        {"content": b"\xff\xfe\xfa", "headers": {"Content-Type": "application/json"}},
        {"content": "session_id=a&text=x", "headers": {"Content-Type": "text/plain"}},
        {"json": {"session_id": "a", "text": "あ" * 20_000}},
    ],
)
async def test_malformed_requests_get_4xx_json(
    client_without_rasa: httpx.AsyncClient, kwargs: dict
) -> None:
    response = await client_without_rasa.post("/api/chat", **kwargs)

    assert 400 <= response.status_code < 500
    assert "error" in response.json()


async def test_huge_body_is_rejected_before_reading(client_without_rasa: httpx.AsyncClient) -> None:
    body = b'{"session_id": "a", "text": "' + b"a" * 300_000 + b'"}'
    response = await client_without_rasa.post(
        "/api/chat", content=body, headers={"Content-Type": "application/json"}
    )

    assert response.status_code == 413
    assert response.json() == {"error": "request body too large"}


async def test_personal_data_never_reaches_the_reply(
    client_without_rasa: httpx.AsyncClient,
) -> None:
    response = await client_without_rasa.post(
        "/api/chat", json={"session_id": "a", "text": "私のマイナンバーは123456789018です"}
    )

    assert response.status_code == 200
    assert "123456789018" not in response.text


async def test_health_and_readiness(client_without_rasa: httpx.AsyncClient) -> None:
    assert (await client_without_rasa.get("/healthz")).json() == {"status": "ok"}
    ready = await client_without_rasa.get("/readyz")
    # Rasa down: the app still answers (safety rules, FAQs from its index) — degraded, not down
    assert ready.status_code == 200
    assert ready.json()["status"] == "degraded"
    assert ready.json()["ready"] is False
    assert ready.json()["checks"]["rasa"] is False


async def test_the_server_issues_the_session_and_continues_only_its_own(
    client_without_rasa: httpx.AsyncClient,
) -> None:
    first = (await client_without_rasa.post("/api/chat", json={"text": "こんにちは"})).json()
    again = await client_without_rasa.post(
        "/api/chat", json={"session_id": first["session_id"], "text": "住民票"}
    )
    guessed = await client_without_rasa.post(
        "/api/chat", json={"session_id": first["session_id"][:-2] + "xx", "text": "住民票"}
    )

    assert again.json()["session_id"] == first["session_id"]
    assert guessed.json()["session_id"] not in (
        first["session_id"],
        first["session_id"][:-2] + "xx",
    )


async def test_a_burst_from_one_session_is_slowed_down_and_others_are_not(
    client_without_rasa: httpx.AsyncClient,
) -> None:
    session = (await client_without_rasa.post("/api/chat", json={"text": "あ"})).json()[
        "session_id"
    ]
    replies = [
        (
            await client_without_rasa.post("/api/chat", json={"session_id": session, "text": "あ"})
        ).json()
        for _ in range(12)
    ]
    other = (await client_without_rasa.post("/api/chat", json={"text": "あ"})).json()

    from core.texts import reply_text

    slowed = [r for r in replies if r["messages"][0]["text"] == reply_text("slow_down")]
    assert slowed, "a burst must be slowed down"
    assert other["messages"][0]["text"] != reply_text("slow_down")

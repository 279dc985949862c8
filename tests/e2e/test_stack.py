"""The whole path, over real HTTP: app -> Rasa (Japanese NLU) -> app's action endpoint."""

from __future__ import annotations

import os
import signal
import subprocess
import time

import httpx
import pytest

from tests.e2e.conftest import RunningStack

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def chat(stack: RunningStack, session: str, text: str) -> dict:
    response = httpx.post(
        f"{stack.app_url}/api/chat", json={"session_id": session, "text": text}, timeout=60
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_ready(stack: RunningStack) -> None:
    response = httpx.get(f"{stack.app_url}/readyz", timeout=10)

    assert response.status_code == 200
    assert response.json()["ready"] is True
    assert response.json()["status"] == "ready"


def test_greeting_in_the_documented_shape(stack: RunningStack) -> None:
    body = chat(stack, "e2e-greet", "こんにちは")

    assert body["session_id"].startswith("s1."), "the server issues the session"
    first = body["messages"][0]
    assert set(first) >= {"text", "buttons", "sources"}
    assert "こんにちは" in first["text"]
    assert all(set(b) == {"title", "payload"} for b in first["buttons"])


def test_rasa_tokenizes_japanese_with_offsets(stack: RunningStack) -> None:
    text = "マイナンバーカードを申請したい"
    response = httpx.post(f"{stack.rasa_url}/model/parse", json={"text": text}, timeout=30)

    assert response.status_code == 200
    spans = response.json()["text_tokens"]
    words = [text[start:end] for start, end in spans]
    assert words[:4] == ["マイナンバー", "カード", "を", "申請"]
    assert "".join(words) == text


def test_custom_action_runs_on_the_app(stack: RunningStack) -> None:
    """out_of_scope is answered by action_cannot_answer, served by the app's action endpoint."""
    body = chat(stack, "e2e-weather", "明日の天気は？")

    text = body["messages"][0]["text"]
    assert "お答えできません" in text
    assert "（サンプル）" in text  # the contact phone from municipality.yml, marked as sample


@pytest.mark.parametrize(
    "payload",
    [
        {"content": b"{not json", "headers": {"Content-Type": "application/json"}},
        {"json": {"session_id": "a"}},
        {"json": {"session_id": "a", "text": "あ" * 100_000}},
        {"content": b"x" * 300_000, "headers": {"Content-Type": "application/json"}},
    ],
)
def test_bad_requests_get_4xx(stack: RunningStack, payload: dict) -> None:
    response = httpx.post(f"{stack.app_url}/api/chat", timeout=30, **payload)

    assert 400 <= response.status_code < 500


@pytest.mark.parametrize(
    "text",
    ["", "\x00\x01\x02", "<script>alert(1)</script>", "😀" * 50, "あ" * 5000],
)
def test_bad_text_gets_a_polite_reply(stack: RunningStack, text: str) -> None:
    body = chat(stack, "e2e-bad", text)

    assert body["messages"]
    assert all(m["text"] for m in body["messages"])
    assert httpx.get(f"{stack.app_url}/healthz", timeout=5).status_code == 200


def test_crashed_app_is_restarted(stack: RunningStack) -> None:
    pattern = f"uvicorn app.main:create_app --factory --host 127.0.0.1 --port {stack.app_port}"
    pid = int(subprocess.check_output(["pgrep", "-f", pattern]).split()[0])

    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{stack.app_url}/readyz", timeout=3).json().get("status") == "ready":
                break
        except httpx.HTTPError:
            pass
        time.sleep(1)
    else:
        pytest.fail("the app was not restarted")

    assert "app exited" in stack.log()
    assert chat(stack, "e2e-after-restart", "こんにちは")["messages"]

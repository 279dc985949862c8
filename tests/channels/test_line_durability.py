"""LINE events accepted by the webhook are answered even when the app dies in between.

The app runs as its own process, as in production, and is killed with SIGKILL while the
accepted events wait (Rasa hangs: every turn waits for its timeout). Started again on the
same data directory, it answers every event that was not answered yet: one reply per event
at the recorder standing in for LINE.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from repo_paths import REPO_ROOT
from tests.support.line_recorder import LineApiRecorder
from tests.support.line_signing import line_signature
from tests.support.ports import unused_port

pytestmark = pytest.mark.slow

SECRET = "durability-secret"
EVENTS = 24


class HangingServer:
    """Accepts connections and never answers: a Rasa that hangs."""

    def __init__(self) -> None:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(64)
        self.port = self.socket.getsockname()[1]
        self._held: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.socket.accept()
            except OSError:
                return
            self._held.append(connection)

    def close(self) -> None:
        self.socket.close()
        for connection in self._held:
            connection.close()


@pytest.fixture
def recorder() -> Iterator[LineApiRecorder]:
    recorder = LineApiRecorder().start()
    yield recorder
    recorder.stop()


def start_app(
    data_dir: Path, recorder: LineApiRecorder, rasa_url: str, port: int
) -> subprocess.Popen:
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO_ROOT),
        "DATA_DIR": str(data_dir),
        "LOAD_KNOWLEDGE_INDEX": "false",
        "RASA_URL": rasa_url,
        "RASA_TIMEOUT_SECONDS": "1.5",
        "LINE_CHANNEL_SECRET": SECRET,
        "LINE_CHANNEL_ACCESS_TOKEN": "durability-token",
        "LINE_API_ENDPOINT": recorder.url,
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "app.main:create_app", "--factory", "--port", str(port)],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("the app did not start")


def webhook_body() -> bytes:
    events = [
        {
            "type": "message",
            "mode": "active",
            "timestamp": 1_700_000_000_000 + n,
            "source": {"type": "user", "userId": f"U{n:032x}"},
            "webhookEventId": f"01DURABLE{n:04d}",
            "deliveryContext": {"isRedelivery": False},
            "replyToken": f"reply-token-{n}",
            "message": {
                "id": str(1000 + n),
                "type": "text",
                "quoteToken": f"q{n}",
                "text": "住民票",
            },
        }
        for n in range(EVENTS)
    ]
    return json.dumps({"destination": "Ubot", "events": events}).encode()


def replies(recorder: LineApiRecorder) -> Counter[str]:
    return Counter(
        c.json["replyToken"] for c in recorder.calls if c.path == "/v2/bot/message/reply"
    )


def test_events_accepted_before_a_crash_are_answered_once_after_restart(
    tmp_path: Path, recorder: LineApiRecorder
) -> None:
    hanging = HangingServer()
    port = unused_port()
    app = start_app(tmp_path, recorder, f"http://127.0.0.1:{hanging.port}", port)
    try:
        body = webhook_body()
        response = httpx.post(
            f"http://127.0.0.1:{port}/line/webhook",
            content=body,
            headers={
                "Content-Type": "application/json",
                "X-Line-Signature": line_signature(SECRET, body),
            },
            timeout=10,
        )
        assert response.status_code == 200
        time.sleep(0.5)  # the workers have taken their first events, which wait for Rasa
    finally:
        app.send_signal(signal.SIGKILL)
        app.wait(timeout=10)
        hanging.close()
    answered_before = replies(recorder)
    assert EVENTS - sum(answered_before.values()) >= 20, "the crash should leave events waiting"

    app = start_app(tmp_path, recorder, f"http://127.0.0.1:{unused_port()}", port)
    try:
        deadline = time.monotonic() + 60
        while len(replies(recorder)) < EVENTS and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        app.send_signal(signal.SIGTERM)
        app.wait(timeout=30)

    assert replies(recorder) == Counter({f"reply-token-{n}": 1 for n in range(EVENTS)})
    assert not [c for c in recorder.calls if c.path == "/v2/bot/message/push"]


def test_sigterm_leaves_unanswered_events_for_the_next_start(
    tmp_path: Path, recorder: LineApiRecorder
) -> None:
    hanging = HangingServer()
    port = unused_port()
    app = start_app(tmp_path, recorder, f"http://127.0.0.1:{hanging.port}", port)
    body = webhook_body()
    httpx.post(
        f"http://127.0.0.1:{port}/line/webhook",
        content=body,
        headers={
            "Content-Type": "application/json",
            "X-Line-Signature": line_signature(SECRET, body),
        },
        timeout=10,
    )
    app.send_signal(signal.SIGTERM)
    # uvicorn shuts down gracefully and then re-raises the signal it caught, so a clean stop
    # ends with -SIGTERM rather than 0.
    assert app.wait(timeout=30) in (0, -signal.SIGTERM)
    hanging.close()
    answered_before = sum(replies(recorder).values())

    from channels.line_event_queue import LineEventQueue

    assert LineEventQueue(tmp_path / "app.sqlite3").depth() == EVENTS - answered_before
    assert answered_before <= 4  # only the turns in progress finished

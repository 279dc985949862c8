"""The app's Rasa client: one sender always reaches the same Rasa process."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from threading import Thread

import pytest

from bot.rasa_client import RasaClient, replica_for
from core.dialogue import DialogueUnavailableError
from tests.support.ports import unused_port


class FakeRasa:
    """A REST channel that records which sender reached it and answers with its own name."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.senders: list[str] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                owner.senders.append(body["sender"])
                self._json([{"recipient_id": body["sender"], "text": owner.name}])

            def do_GET(self) -> None:
                self._json({"model_file": "model.tar.gz"})

            def _json(self, value: object) -> None:
                data = json.dumps(value).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", unused_port()), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def two_rasas() -> Iterator[list[FakeRasa]]:
    servers = [FakeRasa("r0"), FakeRasa("r1")]
    yield servers
    for server in servers:
        server.stop()


def test_the_replica_of_a_sender_is_stable_and_senders_spread() -> None:
    senders = [f"web-s1.{n:04d}" for n in range(400)]
    assert [replica_for(s, 2) for s in senders] == [replica_for(s, 2) for s in senders]
    spread = Counter(replica_for(s, 2) for s in senders)
    assert set(spread) == {0, 1} and min(spread.values()) > 150
    assert {replica_for(s, 1) for s in senders} == {0}


def test_every_message_of_a_sender_goes_to_its_replica(two_rasas: list[FakeRasa]) -> None:
    async def chat() -> list[str]:
        client = RasaClient([s.url for s in two_rasas])
        try:
            answers = []
            for n in range(20):
                for sender in (f"line-u-{n}", f"web-{n}"):
                    messages = await client.send(sender, "こんにちは")
                    answers.append((sender, messages[0].text))
            assert await client.is_ready()
            return answers
        finally:
            await client.close()

    for sender, answered_by in asyncio.run(chat()):
        assert answered_by == f"r{replica_for(sender, 2)}"
    for n, server in enumerate(two_rasas):
        assert server.senders and all(replica_for(s, 2) == n for s in server.senders)


def test_one_replica_down_is_not_ready_and_its_senders_get_unavailable(
    two_rasas: list[FakeRasa],
) -> None:
    down = f"http://127.0.0.1:{unused_port()}"
    urls = [two_rasas[0].url, down]
    sender_on_down = next(s for s in (f"web-{n}" for n in range(100)) if replica_for(s, 2) == 1)
    sender_on_up = next(s for s in (f"web-{n}" for n in range(100)) if replica_for(s, 2) == 0)

    async def chat() -> None:
        client = RasaClient(urls, timeout=2)
        try:
            assert not await client.is_ready()
            assert (await client.send(sender_on_up, "こんにちは"))[0].text == "r0"
            with pytest.raises(DialogueUnavailableError):
                await client.send(sender_on_down, "こんにちは")
        finally:
            await client.close()

    asyncio.run(chat())

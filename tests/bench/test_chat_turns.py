"""How a load run sorts a web chat turn (bench/chat_turns.py), against the app's real replies."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from bench.chat_turns import (
    BAD_BODY,
    CONNECTION,
    OK,
    RATE_LIMITED,
    TIMEOUT,
    UNAVAILABLE,
    TurnResult,
    WebResident,
    classify_response,
    describe_outcomes,
    reply_kind,
)
from core.replies import service_unavailable
from core.texts import reply_text
from knowledge.municipality import Municipality
from repo_paths import KNOWLEDGE_DIR
from tests.support.app_client import app_client, settings_without_rasa
from tests.support.ports import unused_port


def test_the_apps_try_again_later_reply_is_an_error_though_it_is_a_200() -> None:
    municipality = Municipality.load(KNOWLEDGE_DIR / "municipality.yml")
    unavailable = service_unavailable(municipality).text
    assert reply_kind([unavailable]) == UNAVAILABLE
    body = {"session_id": "s1.x", "messages": [{"text": unavailable, "buttons": []}]}
    assert classify_response(200, body) == UNAVAILABLE


def test_slow_down_and_answers_are_not_errors() -> None:
    assert reply_kind([reply_text("slow_down")]) == RATE_LIMITED
    assert reply_kind(["住民票は市民課の窓口で取れます。", "ほかにご質問はありますか"]) == OK
    assert not TurnResult(0, 1, RATE_LIMITED).error
    assert TurnResult(0, 1, UNAVAILABLE).error


@pytest.mark.parametrize(
    "status, body, outcome",
    [
        (503, None, "http 503"),
        (422, {"detail": []}, "http 422"),
        (200, {"session_id": "s1.x"}, BAD_BODY),
        (200, ["not", "an", "object"], BAD_BODY),
    ],
)
def test_other_failures(status: int, body: object, outcome: str) -> None:
    assert classify_response(status, body) == outcome


def test_outcomes_are_counted_by_kind() -> None:
    results = [TurnResult(0, 1, k) for k in (OK, UNAVAILABLE, UNAVAILABLE, TIMEOUT, RATE_LIMITED)]
    assert describe_outcomes(results) == "errors=3 (unavailable 2, timeout 1) slow-down=1"
    assert describe_outcomes([TurnResult(0, 1, OK)]) == "errors=0"


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    async with app_client(settings_without_rasa(tmp_path)) as client:
        yield client


async def test_a_resident_keeps_the_session_the_server_issued(client: httpx.AsyncClient) -> None:
    resident = WebResident(client)
    first = await resident.say("住民票がほしい")
    issued = resident.session_id
    second = await resident.say("マイナンバーカードを申請したい")
    assert issued and issued.startswith("s1.")
    assert resident.session_id == issued
    assert first.outcome == second.outcome == UNAVAILABLE  # Rasa is down here
    assert first.seconds > 0
    resident.leave()
    await resident.say("こんにちは")
    assert resident.session_id != issued


async def test_nothing_listening_is_a_connection_error() -> None:
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{unused_port()}") as client:
        assert (await WebResident(client).say("こんにちは")).outcome == CONNECTION


@pytest.fixture
def silent_server() -> Iterator[int]:
    """Accepts connections (the kernel does) and never answers."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        yield server.getsockname()[1]


async def test_no_answer_in_time_is_a_timeout(silent_server: int) -> None:
    base = f"http://127.0.0.1:{silent_server}"
    async with httpx.AsyncClient(base_url=base, timeout=0.3) as client:
        assert (await WebResident(client).say("こんにちは")).outcome == TIMEOUT

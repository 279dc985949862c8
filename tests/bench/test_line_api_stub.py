"""The soak run's LINE API stand-in, called by the app's own LINE client (channels/line_api.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from linebot.v3.messaging import TextMessage

from bench.line_api_stub import LineApiStub
from channels.line_api import LineApi
from tests.support.ports import unused_port


@pytest.fixture
def stub() -> Iterator[LineApiStub]:
    stub = LineApiStub(unused_port()).start()
    yield stub
    stub.stop()


async def test_a_reply_from_the_apps_client_resolves_the_waiting_resident(
    stub: LineApiStub,
) -> None:
    api = LineApi("bench-token", stub.url)
    try:
        waiting = stub.expect("reply-token-1")
        status = await api.reply("reply-token-1", [TextMessage(text="住民票は市民課で取れます")])
        reply = await asyncio.wait_for(waiting, timeout=5)
    finally:
        await api.close()
    assert status is None  # the client took the stand-in's answer as a success
    assert reply.texts == ("住民票は市民課で取れます",)
    assert stub.replies["reply-token-1"] is reply


async def test_a_reply_that_came_before_the_wait_is_still_found(stub: LineApiStub) -> None:
    api = LineApi("bench-token", stub.url)
    try:
        await api.reply("early", [TextMessage(text="はい")])
    finally:
        await api.close()
    assert (await asyncio.wait_for(stub.expect("early"), timeout=1)).texts == ("はい",)


async def test_pushes_are_counted(stub: LineApiStub) -> None:
    api = LineApi("bench-token", stub.url)
    try:
        await api.push("U" + "0" * 32, [TextMessage(text="はい")], retry_key="k")
    finally:
        await api.close()
    assert stub.pushes == 1 and not stub.replies

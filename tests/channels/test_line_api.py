"""The LINE client retries 5xx and tells whoever listens (the /metrics counter) of each retry."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from linebot.v3.messaging import TextMessage

from channels import line_api
from channels.line_api import LineApi
from tests.support.line_recorder import LineApiRecorder


@pytest.fixture
def recorder() -> Iterator[LineApiRecorder]:
    recorder = LineApiRecorder().start()
    yield recorder
    recorder.stop()


@pytest.fixture(autouse=True)
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(line_api, "RETRY_DELAYS_SECONDS", (0.01, 0.01, 0.01))


async def test_every_retry_is_reported_and_the_reply_goes_out(recorder: LineApiRecorder) -> None:
    retries: list[None] = []
    recorder.planned_statuses.extend([500, 503])
    api = LineApi("token", recorder.url, on_retry=lambda: retries.append(None))
    try:
        status = await api.reply("reply-token", [TextMessage(text="はい")])
    finally:
        await api.close()
    assert status is None
    assert len(retries) == 2
    assert len(recorder.calls) == 3


async def test_a_rejected_call_is_not_retried(recorder: LineApiRecorder) -> None:
    retries: list[None] = []
    recorder.planned_statuses.append(400)
    api = LineApi("token", recorder.url, on_retry=lambda: retries.append(None))
    try:
        status = await api.reply("expired-token", [TextMessage(text="はい")])
    finally:
        await api.close()
    assert status == 400
    assert retries == [] and len(recorder.calls) == 1

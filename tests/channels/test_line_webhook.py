"""LINE webhook replayed exactly as the platform sends it, against the real app.

The LINE API is the only fake: a local HTTP recorder (tests/support/line_recorder.py) that the
app's real line-bot-sdk client calls through LINE_API_ENDPOINT. Rasa is down here (the
end-to-end suite replays the same fixture against a running Rasa), so text replies are the
polite 'please try again' message — still a Japanese reply to every message.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from repo_paths import REPO_ROOT
from tests.support.app_client import app_client, settings_without_rasa
from tests.support.line_recorder import LineApiRecorder
from tests.support.line_signing import line_signature

FIXTURE = REPO_ROOT / "tests" / "data" / "line" / "webhook_v3.json"
SECRET = "test-channel-secret"
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


@pytest.fixture
def recorder() -> Iterator[LineApiRecorder]:
    recorder = LineApiRecorder().start()
    yield recorder
    recorder.stop()


@pytest.fixture
async def line_client(tmp_path, recorder: LineApiRecorder) -> AsyncIterator[httpx.AsyncClient]:
    settings = settings_without_rasa(
        tmp_path,
        line_channel_secret=SECRET,
        line_channel_access_token="test-access-token",
        line_api_endpoint=recorder.url,
    )
    async with app_client(settings) as client:
        yield client


async def post_signed(
    client: httpx.AsyncClient, body: bytes, secret: str = SECRET, *, wait: bool = True
) -> httpx.Response:
    """Posts as LINE does; by default also waits until the workers answered the events."""
    response = await client.post(
        "/line/webhook",
        content=body,
        headers={
            "Content-Type": "application/json",
            "X-Line-Signature": line_signature(secret, body),
        },
    )
    if wait:
        await answered(client)
    return response


async def answered(client: httpx.AsyncClient, timeout: float = 30) -> None:
    channel = client.app.state.services.line  # type: ignore[attr-defined]
    if channel is None:
        return
    deadline = asyncio.get_running_loop().time() + timeout
    while not channel.idle():
        assert asyncio.get_running_loop().time() < deadline, "LINE events not answered in time"
        await asyncio.sleep(0.02)


def single_event_body(event: dict) -> bytes:
    return json.dumps({"destination": "U123", "events": [event]}, ensure_ascii=False).encode()


async def test_every_fixture_event_is_answered_200_and_replied_where_expected(
    line_client: httpx.AsyncClient, recorder: LineApiRecorder
) -> None:
    events = json.loads(FIXTURE.read_text(encoding="utf-8"))["events"]

    statuses = [(await post_signed(line_client, single_event_body(e))).status_code for e in events]

    assert statuses == [200] * 28
    replies = [c for c in recorder.calls if c.path == "/v2/bot/message/reply"]
    # text, postback, follow, join and the non-text messages get a reply; unfollow, leave,
    # beacon, accountLink, member events, unsend, videoPlayComplete, messageEdited (LINE
    # documents it as the edited state of a message already answered) and the unknown type
    # do not; event 25 re-delivers event 0 and is answered only once.
    replied_types = {
        "text": 3,
        "postback": 4,
        "follow": 1,
        "join": 1,
        "image": 2,
        "video": 1,
        "audio": 1,
        "location": 1,
        "sticker": 1,
        "file": 1,
    }
    assert len(replies) == sum(replied_types.values())
    for call in replies:
        assert call.json["replyToken"]
        assert call.headers["authorization"] == "Bearer test-access-token"
        assert 1 <= len(call.json["messages"]) <= 5
        assert all(JAPANESE.search(text) for text in recorder.texts(call))


async def test_whole_fixture_body_in_one_request(
    line_client: httpx.AsyncClient, recorder: LineApiRecorder
) -> None:
    response = await post_signed(line_client, FIXTURE.read_bytes())

    assert response.status_code == 200
    assert len([c for c in recorder.calls if c.path == "/v2/bot/message/reply"]) == 16


async def test_follow_gets_a_greeting_with_main_topics_as_quick_replies(
    line_client: httpx.AsyncClient, recorder: LineApiRecorder
) -> None:
    follow = next(e for e in json.loads(FIXTURE.read_text())["events"] if e["type"] == "follow")

    await post_signed(line_client, single_event_body(follow))

    [call] = recorder.calls
    message = call.json["messages"][-1]
    assert "友だち追加ありがとうございます" in message["text"]
    items = message["quickReply"]["items"]
    assert 1 <= len(items) <= 13
    assert all(len(i["action"]["label"]) <= 20 for i in items)
    assert all(i["action"]["type"] == "postback" for i in items)


@pytest.mark.parametrize("signature", ["", "bm90LXRoZS1zaWduYXR1cmU=", None])
async def test_bad_or_missing_signature_is_400_and_nothing_is_sent(
    line_client: httpx.AsyncClient, recorder: LineApiRecorder, signature: str | None
) -> None:
    headers = {"Content-Type": "application/json"}
    if signature is not None:
        headers["X-Line-Signature"] = signature

    response = await line_client.post(
        "/line/webhook", content=FIXTURE.read_bytes(), headers=headers
    )

    assert response.status_code == 400
    assert recorder.calls == []


async def test_signed_with_another_secret_is_rejected(
    line_client: httpx.AsyncClient, recorder: LineApiRecorder
) -> None:
    response = await post_signed(line_client, FIXTURE.read_bytes(), secret="someone-else")

    assert response.status_code == 400
    assert recorder.calls == []


async def test_the_same_event_delivered_twice_gets_one_reply(
    line_client: httpx.AsyncClient, recorder: LineApiRecorder
) -> None:
    event = json.loads(FIXTURE.read_text())["events"][0]
    redelivered = {**event, "deliveryContext": {"isRedelivery": True}}

    first = await post_signed(line_client, single_event_body(event))
    second = await post_signed(line_client, single_event_body(event))
    third = await post_signed(line_client, single_event_body(redelivered))

    assert [first.status_code, second.status_code, third.status_code] == [200, 200, 200]
    assert len(recorder.calls) == 1


@pytest.mark.parametrize(
    "body",
    [b"", b"not json", b"\xff\xfe invalid utf-8", b'{"events": "nope"}', b"[]", b"a" * 200_000],
)
async def test_bad_bodies_never_crash(line_client: httpx.AsyncClient, body: bytes) -> None:
    response = await post_signed(line_client, body)

    assert response.status_code == 400
    assert response.json()["error"] == "invalid body"
    assert (await line_client.get("/healthz")).status_code == 200


async def test_server_errors_are_retried(
    line_client: httpx.AsyncClient, recorder: LineApiRecorder
) -> None:
    recorder.planned_statuses.extend([500, 503])
    event = json.loads(FIXTURE.read_text())["events"][0]

    assert (await post_signed(line_client, single_event_body(event))).status_code == 200

    assert [c.path for c in recorder.calls] == ["/v2/bot/message/reply"] * 3


async def test_expired_reply_token_falls_back_to_push(
    line_client: httpx.AsyncClient, recorder: LineApiRecorder
) -> None:
    recorder.planned_statuses.append(400)
    event = json.loads(FIXTURE.read_text())["events"][0]

    assert (await post_signed(line_client, single_event_body(event))).status_code == 200

    assert [c.path for c in recorder.calls] == ["/v2/bot/message/reply", "/v2/bot/message/push"]
    push = recorder.calls[1]
    assert push.json["to"] == event["source"]["userId"]
    assert push.headers.get("x-line-retry-key")


async def test_line_user_ids_never_reach_the_logs(
    line_client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG")
    await post_signed(line_client, FIXTURE.read_bytes())

    assert "U206d25c2ea6bd87c17655609a1c37cb8" not in caplog.text


async def test_webhook_is_404_when_line_is_not_configured(tmp_path) -> None:
    async with app_client(settings_without_rasa(tmp_path)) as client:
        body = FIXTURE.read_bytes()
        response = await client.post(
            "/line/webhook",
            content=body,
            headers={"X-Line-Signature": line_signature(SECRET, body)},
        )
    assert response.status_code == 404


async def test_a_group_join_greets_the_group(
    line_client: httpx.AsyncClient, recorder: LineApiRecorder
) -> None:
    join = next(e for e in json.loads(FIXTURE.read_text())["events"] if e["type"] == "join")

    await post_signed(line_client, single_event_body(join))

    [call] = recorder.calls
    text = call.json["messages"][-1]["text"]
    assert "グループに追加していただきありがとうございます" in text
    assert "友だち追加" not in text


async def test_a_postback_the_bot_did_not_issue_is_answered_as_unknown(
    line_client: httpx.AsyncClient, recorder: LineApiRecorder
) -> None:
    from core.texts import reply_text

    postbacks = [e for e in json.loads(FIXTURE.read_text())["events"] if e["type"] == "postback"]

    for event in postbacks:
        await post_signed(line_client, single_event_body(event))

    assert len(recorder.calls) == len(postbacks)
    for call in recorder.calls:
        message = call.json["messages"][-1]
        assert message["text"] == reply_text("unknown_button")
        assert message["quickReply"]["items"], "the main topics are offered"


async def test_the_bots_own_quick_reply_is_read_as_the_bot_meant_it(
    line_client: httpx.AsyncClient, recorder: LineApiRecorder
) -> None:
    follow = next(e for e in json.loads(FIXTURE.read_text())["events"] if e["type"] == "follow")
    await post_signed(line_client, single_event_body(follow))
    token = recorder.calls[0].json["messages"][-1]["quickReply"]["items"][0]["action"]["data"]
    postback = next(e for e in json.loads(FIXTURE.read_text())["events"] if e["type"] == "postback")
    event = {**postback, "webhookEventId": "01OWNBUTTON", "postback": {"data": token}}

    await post_signed(line_client, single_event_body(event))

    from core.texts import reply_text

    answer = recorder.calls[1].json["messages"][-1]
    assert answer.get("text") != reply_text("unknown_button")


async def test_an_edited_message_is_not_answered_again(
    line_client: httpx.AsyncClient, recorder: LineApiRecorder
) -> None:
    edited = next(
        e for e in json.loads(FIXTURE.read_text())["events"] if e["type"] == "messageEdited"
    )

    response = await post_signed(line_client, single_event_body(edited))

    assert response.status_code == 200
    assert recorder.calls == []

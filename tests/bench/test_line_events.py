"""The soak run's LINE webhook posts, checked by the SDK and the queue the app uses."""

from __future__ import annotations

import json

import pytest
from linebot.v3 import WebhookParser
from linebot.v3.exceptions import InvalidSignatureError
from linebot.v3.webhooks import MessageEvent, TextMessageContent, UserSource

from bench.line_events import new_user_id, signed_request, text_event
from channels.line_event_queue import event_key

SECRET = "bench-test-secret"


def test_a_signed_text_event_is_what_the_sdk_accepts() -> None:
    user = new_user_id()
    request = signed_request(SECRET, [text_event(user, "住民票がほしい", "token-1")])
    [event] = WebhookParser(SECRET).parse(
        request.body.decode(), request.headers["X-Line-Signature"]
    )
    assert isinstance(event, MessageEvent)
    assert isinstance(event.message, TextMessageContent)
    assert event.message.text == "住民票がほしい"
    assert isinstance(event.source, UserSource) and event.source.user_id == user
    assert event.reply_token == "token-1"


def test_another_secret_is_refused() -> None:
    request = signed_request(SECRET, [text_event(new_user_id(), "こんにちは", "t")])
    with pytest.raises(InvalidSignatureError):
        WebhookParser("another-secret").parse(
            request.body.decode(), request.headers["X-Line-Signature"]
        )


def test_the_same_text_twice_is_two_events_to_the_de_duplication() -> None:
    user = new_user_id()
    first, second = (text_event(user, "はい", "t") for _ in range(2))
    assert event_key(first) != event_key(second)
    assert json.loads(signed_request(SECRET, [first]).body)["events"] == [first]


def test_user_ids_have_lines_shape_and_differ() -> None:
    ids = {new_user_id() for _ in range(50)}
    assert len(ids) == 50
    assert all(len(i) == 33 and i[0] == "U" and int(i[1:], 16) >= 0 for i in ids)

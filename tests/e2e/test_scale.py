"""The `scale` configuration for real: two Rasa replicas sharing a PostgreSQL tracker store
and a Redis lock store (bot/endpoints.docker.yml), the app serving their custom actions.

A resident's messages may reach either replica (a load balancer picks one per request): a
form must go on wherever the next answer lands, and messages sent at once must neither be
lost (two replicas saving the same tracker) nor interleaved (one's reply among another's).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import yaml

from repo_paths import BOT_DIR
from stack.system_packages import POSTGRESQL, REDIS
from tests.support.scale_stack import ScaleStack, rest_message, running_scale_stack

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

FORM = "card_application_form"
# Ten messages, each answered differently (rules with domain responses, and custom actions
# on the app): a reply filed under the wrong message would show.
TEN_MESSAGES = [
    "こんにちは",
    "ありがとう",
    "何ができるの",
    "さようなら",
    "明日の天気は？",
    "マイナンバーカードをなくした",
    "児童手当について",
    "住民票のとり方を知りたい",
    "引っ越しの手続きを知りたい",
    "マイナンバーカードの暗証番号を忘れた",
]


@pytest.fixture(scope="module")
def scale(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ScaleStack]:
    missing = [p.name for p in (POSTGRESQL, REDIS) if p.program() is None]
    if missing:
        pytest.skip(
            f"Debian package(s) {', '.join(missing)} not installed: "
            "`python3 -m stack setup` installs them"
        )
    with running_scale_stack(tmp_path_factory.mktemp("scale")) as running:
        yield running


def response_text(name: str) -> str:
    domain = yaml.safe_load((BOT_DIR / "domain.yml").read_text(encoding="utf-8"))
    return domain["responses"][name][0]["text"]


def new_sender(purpose: str) -> str:
    return f"scale-{purpose}-{uuid.uuid4().hex[:8]}"


def texts(reply: list[dict[str, Any]]) -> list[str]:
    return [message["text"] for message in reply if message.get("text")]


def turns(events: list[dict[str, Any]]) -> list[tuple[str, list[str]]]:
    """The tracker as (user text, the bot's texts until the next user message)."""
    result: list[tuple[str, list[str]]] = []
    for event in events:
        if event["event"] == "user":
            result.append((event["text"], []))
        elif event["event"] == "bot" and event.get("text") and result:
            result[-1][1].append(event["text"])
    return result


def test_a_form_started_on_one_replica_goes_on_on_the_other(scale: ScaleStack) -> None:
    sender = new_sender("form")

    asked = scale.send(0, sender, "マイナンバーカードを申請したい")
    seen_by_other = scale.tracker(sender, replica=1)

    assert texts(asked)[-1] == response_text("utter_ask_apply_method")
    assert seen_by_other["active_loop"]["name"] == FORM
    assert seen_by_other["slots"]["requested_slot"] == "apply_method"

    answered = scale.send(1, sender, "スマホで")
    after_answer = scale.tracker(sender, replica=0)

    assert after_answer["slots"]["apply_method"] == "smartphone"
    assert after_answer["slots"]["requested_slot"] == "has_qr_form"
    assert after_answer["active_loop"]["name"] == FORM
    assert texts(answered)[-1] == response_text("utter_ask_has_qr_form")

    finished = scale.send(0, sender, "はい、あります")
    after_form = scale.tracker(sender, replica=1)

    assert response_text("utter_apply_with_qr") in texts(finished)
    assert not after_form["active_loop"] or after_form["active_loop"].get("name") is None
    assert {"event": "slot", "name": "has_qr_form", "value": True} in [
        {k: e.get(k) for k in ("event", "name", "value")} for e in after_form["events"]
    ]


async def test_ten_messages_at_once_to_both_replicas_are_all_kept_with_their_replies(
    scale: ScaleStack,
) -> None:
    sender = new_sender("burst")
    replicas = len(scale.replica_urls)

    async with httpx.AsyncClient(timeout=180) as client:

        async def send(index: int, text: str) -> list[dict[str, Any]]:
            url = scale.replica_urls[index % replicas]
            response = await client.post(
                f"{url}/webhooks/rest/webhook", json=rest_message(sender, text)
            )
            response.raise_for_status()
            return response.json()

        replies = await asyncio.gather(*(send(i, t) for i, t in enumerate(TEN_MESSAGES)))
    kept = turns(scale.tracker(sender)["events"])

    # every message once, in whatever order the lock admitted them
    assert sorted(text for text, _ in kept) == sorted(TEN_MESSAGES)
    # and right after each, the reply that message's request got, nothing else in between
    assert dict(kept) == {text: texts(reply) for text, reply in zip(TEN_MESSAGES, replies)}
    assert all(texts(reply) for reply in replies), "every message was answered"

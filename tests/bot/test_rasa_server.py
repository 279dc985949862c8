"""The compiled reply check accepts and refuses exactly what Rasa's own check does."""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import ValidationError, validate
from rasa.core.actions.action import RemoteAction

from bot import rasa_server

VALID_REPLIES: list[dict[str, Any]] = [
    {"events": [], "responses": []},
    {
        "events": [
            {"event": "slot", "name": "topic", "value": "child_allowance", "timestamp": None},
            {"event": "active_loop", "name": None},
        ],
        "responses": [{"text": "児童手当のご案内です。", "buttons": []}],
    },
    {"responses": [{"response": "utter_greet"}]},
]
INVALID_REPLIES: list[dict[str, Any]] = [
    {"events": "slot"},
    {"events": [{"event": "slot"}]},
    {"events": [{"name": "topic"}]},
    {"responses": ["plain text instead of an object"]},
    {"events": [{"event": "not_an_event_rasa_knows"}]},
]


@pytest.fixture(scope="module")
def compiled_check() -> RemoteAction:
    rasa_server.install_compiled_reply_check()
    return RemoteAction("action_answer_question", None)


@pytest.mark.parametrize("reply", VALID_REPLIES)
def test_a_reply_rasa_accepts_is_accepted(compiled_check: RemoteAction, reply: dict) -> None:
    validate(reply, RemoteAction.action_response_format_spec())
    assert compiled_check._validate_action_result(reply) is True


@pytest.mark.parametrize("reply", INVALID_REPLIES)
def test_a_reply_rasa_refuses_is_refused_with_the_same_error_and_rasas_hint(
    compiled_check: RemoteAction, reply: dict
) -> None:
    with pytest.raises(ValidationError) as rasas:
        validate(reply, RemoteAction.action_response_format_spec())
    with pytest.raises(ValidationError) as compiled:
        compiled_check._validate_action_result(reply)
    assert compiled.value.message == rasas.value.message + rasa_server.REPLY_HINT
    assert list(compiled.value.path) == list(rasas.value.path)


def test_the_schema_is_checked_once_not_per_reply(
    compiled_check: RemoteAction, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []
    validator_class = type(rasa_server.compiled_reply_validator())
    monkeypatch.setattr(
        validator_class, "check_schema", classmethod(lambda cls, schema: calls.append(schema))
    )
    for reply in VALID_REPLIES:
        compiled_check._validate_action_result(reply)
    assert calls == []

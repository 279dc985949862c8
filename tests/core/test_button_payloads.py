"""Bot-issued button payloads are tokens; nothing else is read as one."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.button_payloads import ButtonPayloads
from core.schemas import Button, ChatMessage
from core.signing_secret import load_or_create_secret

SECRET = b"0123456789abcdef0123456789abcdef"


@pytest.mark.parametrize(
    "payload", ["/card_lost", "住民票のとり方を知りたい", '/inform{"x": "ü"}', ""]
)
def test_a_token_gives_back_its_payload(payload: str) -> None:
    buttons = ButtonPayloads(SECRET)

    token = buttons.issue(payload)

    assert token != payload
    assert buttons.read(token) == payload


@pytest.mark.parametrize(
    "text",
    ["/emergency", "b1.", "b1.abc", "b1.L2NhcmRfbG9zdA.AAAAAAAAAAAAAAAA", "b1.!!!.???", "住民票"],
)
def test_anything_the_bot_did_not_sign_is_not_a_payload(text: str) -> None:
    assert ButtonPayloads(SECRET).read(text) is None


def test_a_token_from_another_secret_is_refused() -> None:
    token = ButtonPayloads(b"another secret, 32 bytes long!!!").issue("/card_lost")

    assert ButtonPayloads(SECRET).read(token) is None


def test_a_token_cannot_be_edited_into_another_payload() -> None:
    buttons = ButtonPayloads(SECRET)
    token = buttons.issue("/card_lost")
    _body, signature = token.removeprefix("b1.").split(".")
    forged = "b1." + ButtonPayloads(SECRET).issue("/emergency").split(".")[1] + "." + signature

    assert buttons.read(forged) is None


def test_messages_leave_with_signed_buttons_and_unchanged_titles() -> None:
    buttons = ButtonPayloads(SECRET)
    message = ChatMessage(text="t", buttons=[Button(title="なくした", payload="/card_lost")])

    signed = buttons.sign([message])[0]

    assert signed.buttons[0].title == "なくした"
    assert buttons.read(signed.buttons[0].payload) == "/card_lost"
    assert message.buttons[0].payload == "/card_lost"


def test_the_secret_is_made_once_and_kept(tmp_path: Path) -> None:
    first = load_or_create_secret(tmp_path)
    second = load_or_create_secret(tmp_path)

    assert first == second
    assert len(first) == 64
    assert (tmp_path / "signing_secret").stat().st_mode & 0o777 == 0o600
    assert load_or_create_secret(tmp_path, "configured secret") == b"configured secret"

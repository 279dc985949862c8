"""Button payloads the bot issued, told apart from anything a resident types.

Rasa reads a message starting with "/" as intent syntax ("/emergency", "/inform{...}"), and
a button's payload comes back as the message text. So every payload leaves the bot as an
opaque token signed with the app's secret; an incoming text that is a valid token is the
bot's own payload, anything else is what the resident typed and stays text. Tokens are
stateless, so they survive restarts and work across app workers that share the secret.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac

from core.schemas import Button, ChatMessage

PREFIX = "b1."
SIGNATURE_BYTES = 12


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class ButtonPayloads:
    def __init__(self, secret: bytes) -> None:
        if len(secret) < 16:
            raise ValueError("the button secret needs at least 16 bytes")
        self._secret = secret

    def _signature(self, payload: bytes) -> bytes:
        return hmac.new(self._secret, payload, hashlib.sha256).digest()[:SIGNATURE_BYTES]

    def issue(self, payload: str) -> str:
        raw = payload.encode("utf-8")
        return f"{PREFIX}{_b64(raw)}.{_b64(self._signature(raw))}"

    def read(self, text: str) -> str | None:
        """The payload of a token this bot issued, or None for anything else."""
        if not text.startswith(PREFIX):
            return None
        body, _, signature = text[len(PREFIX) :].partition(".")
        try:
            raw, given = _unb64(body), _unb64(signature)
            payload = raw.decode("utf-8")
        except (binascii.Error, ValueError):
            return None
        return payload if hmac.compare_digest(given, self._signature(raw)) else None

    def sign_buttons(self, buttons: list[Button]) -> list[Button]:
        return [Button(title=b.title, payload=self.issue(b.payload)) for b in buttons]

    def sign(self, messages: list[ChatMessage]) -> list[ChatMessage]:
        return [m.model_copy(update={"buttons": self.sign_buttons(m.buttons)}) for m in messages]

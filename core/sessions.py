"""Web chat sessions belong to the server: it issues them, and only those continue.

A client that knew or guessed another visitor's id used to continue that visitor's
conversation. A session is now a random id signed with the app's secret: any id the server
did not sign starts a new conversation. Stateless, so every app worker recognizes it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

PREFIX = "s1."
SIGNATURE_BYTES = 12


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


class SessionTokens:
    def __init__(self, secret: bytes) -> None:
        # a key of its own, so that a button token can never pass for a session
        self._key = hmac.new(secret, b"web sessions", hashlib.sha256).digest()

    def _signature(self, session: str) -> str:
        digest = hmac.new(self._key, session.encode(), hashlib.sha256).digest()
        return _b64(digest[:SIGNATURE_BYTES])

    def issue(self) -> str:
        session = _b64(secrets.token_bytes(16))
        return f"{PREFIX}{session}.{self._signature(session)}"

    def issued(self, token: str | None) -> bool:
        if not token or not token.startswith(PREFIX):
            return False
        session, _, signature = token[len(PREFIX) :].partition(".")
        return bool(session) and hmac.compare_digest(signature, self._signature(session))

    def continue_or_issue(self, token: str | None) -> str:
        """The client's session if the server issued it, else a new one."""
        return token if token is not None and self.issued(token) else self.issue()

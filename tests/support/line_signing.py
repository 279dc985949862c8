"""Signs webhook bodies exactly as the LINE platform does."""

from __future__ import annotations

import base64
import hashlib
import hmac


def line_signature(channel_secret: str, body: bytes) -> str:
    digest = hmac.new(channel_secret.encode(), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()

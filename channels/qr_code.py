"""QR codes of answer links, so a resident at the kiosk can continue on a phone.

Only absolute http(s) URLs are encoded: a QR code is an instruction to a phone to open
something, and javascript:, data: or tel: payloads are not things the bot ever links to.
"""

from __future__ import annotations

import io
from urllib.parse import urlsplit

import segno

MAX_URL_CHARS = 500


class InvalidQrUrlError(ValueError):
    """The URL is not something the kiosk would ever show as a QR code."""


def check_url(url: str) -> str:
    if not url or len(url) > MAX_URL_CHARS:
        raise InvalidQrUrlError(f"url must have 1 to {MAX_URL_CHARS} characters")
    if any(c.isspace() or ord(c) < 0x20 or ord(c) == 0x7F for c in url):
        raise InvalidQrUrlError("url must not contain spaces or control characters")
    try:
        parts = urlsplit(url)
    except ValueError as error:
        raise InvalidQrUrlError("url is malformed") from error
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise InvalidQrUrlError("only absolute http and https URLs are allowed")
    return url


def qr_svg(url: str) -> str:
    """An SVG without fixed size (the page scales it) and without the URL as text in it."""
    code = segno.make(check_url(url), error="m", micro=False)
    buffer = io.BytesIO()
    code.save(buffer, kind="svg", border=4, dark="#000", light="#fff", xmldecl=False, omitsize=True)
    return buffer.getvalue().decode("utf-8")

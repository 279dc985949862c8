"""QR codes of answer links, so a resident at the kiosk can continue on a phone.

Only absolute http(s) URLs are encoded: a QR code is an instruction to a phone to open
something, and javascript:, data: or tel: payloads are not things the bot ever links to.
"""

from __future__ import annotations

import io
import re

import segno

MAX_URL_CHARS = 500
# http or https, a host (no user info, no IPv6 literal), an optional port, then anything but
# spaces and control characters. The API document publishes the same pattern (app/routers/web.py).
_NOT_SPACE_OR_CONTROL = r"\s\x00-\x1f\x7f"
URL_PATTERN = (
    rf"^[Hh][Tt][Tt][Pp][Ss]?://[^{_NOT_SPACE_OR_CONTROL}/?#@\[\]:]+(:[0-9]*)?"
    rf"([/?#][^{_NOT_SPACE_OR_CONTROL}]*)?$"
)
_URL = re.compile(URL_PATTERN)


class InvalidQrUrlError(ValueError):
    """The URL is not something the kiosk would ever show as a QR code."""


def check_url(url: str) -> str:
    if not url or len(url) > MAX_URL_CHARS:
        raise InvalidQrUrlError(f"url must have 1 to {MAX_URL_CHARS} characters")
    if not _URL.fullmatch(url):
        raise InvalidQrUrlError(
            "only absolute http and https URLs without spaces or control characters are allowed"
        )
    return url


def qr_svg(url: str) -> str:
    """An SVG without fixed size (the page scales it) and without the URL as text in it."""
    code = segno.make(check_url(url), error="m", micro=False)
    buffer = io.BytesIO()
    code.save(buffer, kind="svg", border=4, dark="#000", light="#fff", xmldecl=False, omitsize=True)
    return buffer.getvalue().decode("utf-8")

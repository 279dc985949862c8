"""Log lines that operations can read and from which nobody learns who a resident is.

Everything a log line carries passes one LogScrubber: resident text is masked by the same
PersonalDataMasker the turn uses (My Number, phone numbers, PINs, long numbers), query-string
values and bearer tokens are dropped (the action endpoint is called with `?token=…`, Rasa
with its own token), and sender, LINE and web-session ids become short keyed hashes. The hash
is an HMAC with a key derived from the app's signing secret: the same resident gets the same
pseudonym on every line and every worker, so one conversation can be followed, but without
the secret nobody can test a guessed LINE id against the logs.

JsonLogFormatter writes one JSON object per line for log collectors; TextLogFormatter is the
same content for people reading a terminal (LOG_FORMAT=text).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from core.personal_data import PersonalDataMasker
from core.sessions import PREFIX as SESSION_PREFIX

# extra= fields that hold an id of a resident or a conversation: always pseudonymised
ID_FIELDS = frozenset(
    {"sender", "sender_id", "user", "user_id", "session", "session_id", "conversation_id", "client"}
)
PSEUDONYM_PREFIX = "#"
PSEUDONYM_HEX_CHARS = 12  # 48 bits: no collisions to speak of among a town's residents
REDACTED = "[redacted]"

_IDS = re.compile(
    # LINE user, group and room ids (U/C/R and 32 hex digits)
    r"(?<![0-9A-Za-z])[UCR][0-9a-f]{32}(?![0-9A-Za-z])"
    # the LINE channel's conversation ids (channels/line_channel.py): line-u-<24 hex>
    r"|(?<=line-[ugr]-)[0-9a-f]{24}(?![0-9a-f])"
    # web sessions (core/sessions.py): s1.<random>.<signature>
    rf"|(?<![0-9A-Za-z_.]){re.escape(SESSION_PREFIX)}[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+"
)
_QUERY_VALUE = re.compile(r"(?<=[?&])([^=&?#\s\"'<>]+=)[^&#\s\"'<>]+")
_BEARER = re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]+")
_RESERVED = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "message",
    "asctime",
    "taskName",
}
_BASE_FIELDS = ("time", "level", "logger", "message")


class LogScrubber:
    def __init__(self, secret: bytes, masker: PersonalDataMasker | None = None) -> None:
        # a key of its own, so that a pseudonym can never serve as a session or button signature
        self._key = hmac.new(secret, b"log pseudonyms", hashlib.sha256).digest()
        self._masker = masker or PersonalDataMasker()

    def pseudonym(self, identifier: str) -> str:
        digest = hmac.new(self._key, identifier.encode("utf-8"), hashlib.sha256).hexdigest()
        return PSEUDONYM_PREFIX + digest[:PSEUDONYM_HEX_CHARS]

    def text(self, text: str) -> str:
        """Any text: tokens dropped, ids pseudonymised, personal data masked."""
        text = _BEARER.sub(rf"\g<1>{REDACTED}", _QUERY_VALUE.sub(rf"\g<1>{REDACTED}", text))
        pieces: list[str] = []
        cursor = 0
        # the ids are cut out before masking: the masker would take a run of digits inside a
        # LINE id for a number and leave the rest of the id in clear
        for match in _IDS.finditer(text):
            pieces.append(self._masker.mask(text[cursor : match.start()]).text)
            pieces.append(self.pseudonym(match.group()))
            cursor = match.end()
        pieces.append(self._masker.mask(text[cursor:]).text)
        return "".join(pieces)

    def identifier(self, value: str) -> str:
        """An id field: the known id forms inside it are hashed (`web-s1.…` → `web-#…`,
        keeping the channel readable); any other value is hashed whole."""
        if _IDS.search(value):
            return self.text(value)
        return self.pseudonym(value)

    def value(self, key: str, value: Any) -> Any:
        """An extra= field, made safe and JSON-friendly (containers field by field)."""
        if value is None or isinstance(value, bool | float):
            return value
        if isinstance(value, int):
            # an int can be a My Number or a phone number too
            masked = self.text(str(value))
            return value if masked == str(value) else masked
        if isinstance(value, str):
            return self.identifier(value) if key in ID_FIELDS else self.text(value)
        if isinstance(value, Mapping):
            return {str(k): self.value(str(k), v) for k, v in value.items()}
        if isinstance(value, list | tuple | set | frozenset):
            return [self.value(key, v) for v in value]
        return self.text(str(value))


def _utc_time(record: logging.LogRecord) -> str:
    moment = datetime.fromtimestamp(record.created, UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


class _ScrubbedFormatter(logging.Formatter):
    """The fields of a record, every one of them through the scrubber."""

    def __init__(self, scrubber: LogScrubber) -> None:
        super().__init__()
        self.scrubber = scrubber

    def fields(self, record: logging.LogRecord) -> dict[str, Any]:
        fields: dict[str, Any] = {
            "time": _utc_time(record),
            "level": record.levelname,
            "logger": record.name,
            "message": self.scrubber.text(record.getMessage()),
        }
        for key, value in vars(record).items():
            if key in _RESERVED or key.startswith("_"):
                continue
            name = f"extra_{key}" if key in _BASE_FIELDS else key
            fields[name] = self.scrubber.value(key, value)
        # never record.exc_text: another handler may have cached the traceback unmasked
        if record.exc_info:
            fields["exception"] = self.scrubber.text(self.formatException(record.exc_info))
        if record.stack_info:
            fields["stack"] = self.scrubber.text(self.formatStack(record.stack_info))
        return fields


class JsonLogFormatter(_ScrubbedFormatter):
    def format(self, record: logging.LogRecord) -> str:
        return json.dumps(self.fields(record), ensure_ascii=False, default=str)


class TextLogFormatter(_ScrubbedFormatter):
    """`time LEVEL logger: message key="value" …`, then the traceback on its own lines."""

    def format(self, record: logging.LogRecord) -> str:
        fields = self.fields(record)
        exception = fields.pop("exception", None)
        stack = fields.pop("stack", None)
        head = f"{fields.pop('time')} {fields.pop('level')} {fields.pop('logger')}: "
        line = head + fields.pop("message")
        extras = " ".join(
            f"{key}={json.dumps(value, ensure_ascii=False, default=str)}"
            for key, value in fields.items()
        )
        return "\n".join(part for part in (f"{line} {extras}".rstrip(), exception, stack) if part)

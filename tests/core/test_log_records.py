"""Log lines mask what residents typed and hash who they are, through the real logging path."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from datetime import datetime

import pytest

from core.log_records import JsonLogFormatter, LogScrubber, TextLogFormatter
from core.sessions import SessionTokens
from repo_paths import REPO_ROOT

SECRET = b"test-signing-secret"
PHONE = "090-1234-5678"
MY_NUMBER = "123456789018"
LINE_FIXTURE = REPO_ROOT / "tests" / "data" / "line" / "webhook_v3.json"
LINE_USER_ID = json.loads(LINE_FIXTURE.read_text(encoding="utf-8"))["events"][0]["source"]["userId"]
WEB_SESSION = SessionTokens(SECRET).issue()


class Captured:
    """A logger whose lines go through one formatter into a string."""

    def __init__(self, formatter: logging.Formatter) -> None:
        self.stream = io.StringIO()
        handler = logging.StreamHandler(self.stream)
        handler.setFormatter(formatter)
        self.logger = logging.getLogger(f"tests.log_records.{id(self)}")
        self.logger.handlers = [handler]
        self.logger.propagate = False
        self.logger.setLevel(logging.INFO)

    def lines(self) -> list[str]:
        return self.stream.getvalue().splitlines()

    def records(self) -> list[dict]:
        return [json.loads(line) for line in self.lines()]


@pytest.fixture
def scrubber() -> LogScrubber:
    return LogScrubber(SECRET)


@pytest.fixture
def json_log(scrubber: LogScrubber) -> Iterator[Captured]:
    captured = Captured(JsonLogFormatter(scrubber))
    yield captured
    captured.logger.handlers = []


def test_phone_my_number_line_id_and_web_session_come_out_masked_and_hashed(
    json_log: Captured, scrubber: LogScrubber
) -> None:
    json_log.logger.info(
        "電話は%sで番号は%s、LINE %s から、web-%s",
        PHONE,
        MY_NUMBER,
        LINE_USER_ID,
        WEB_SESSION,
        extra={"sender": f"web-{WEB_SESSION}", "text": f"折り返しは{PHONE}へ"},
    )

    [line] = json_log.lines()
    for personal in (PHONE, MY_NUMBER, LINE_USER_ID, WEB_SESSION, "1234-5678"):
        assert personal not in line
    [record] = json_log.records()
    line_pseudonym = scrubber.pseudonym(LINE_USER_ID)
    web_pseudonym = scrubber.pseudonym(WEB_SESSION)
    assert record["message"] == (
        f"電話は[電話番号]で番号は[個人番号]、LINE {line_pseudonym} から、web-{web_pseudonym}"
    )
    assert record["sender"] == f"web-{web_pseudonym}"
    assert record["text"] == "折り返しは[電話番号]へ"


def test_the_same_id_hashes_the_same_on_every_line_and_only_with_the_same_secret(
    json_log: Captured, scrubber: LogScrubber
) -> None:
    json_log.logger.info("turn", extra={"sender": LINE_USER_ID})
    json_log.logger.info("turn", extra={"sender": LINE_USER_ID})
    json_log.logger.info("turn", extra={"sender": "Uffffffffffffffffffffffffffffffff"})

    first, second, other = (r["sender"] for r in json_log.records())
    assert first == second == scrubber.pseudonym(LINE_USER_ID)
    assert other != first
    assert LogScrubber(b"another-secret").pseudonym(LINE_USER_ID) != first
    assert first.startswith("#") and len(first) == 13


def test_an_id_of_no_known_form_is_hashed_whole(json_log: Captured, scrubber: LogScrubber) -> None:
    json_log.logger.info("turn", extra={"sender_id": "kiosk-library-2", "channel": "web"})

    [record] = json_log.records()
    assert record["sender_id"] == scrubber.pseudonym("kiosk-library-2")
    assert record["channel"] == "web"


def test_line_conversation_ids_keep_their_kind_and_lose_their_hash(
    json_log: Captured, scrubber: LogScrubber
) -> None:
    conversation = "line-u-0123456789abcdef01234567"
    json_log.logger.info("LINE unfollow from %s", conversation, extra={"sender": conversation})

    [record] = json_log.records()
    expected = "line-u-" + scrubber.pseudonym("0123456789abcdef01234567")
    assert record["sender"] == expected
    assert record["message"] == f"LINE unfollow from {expected}"


def test_exceptions_come_out_as_a_masked_traceback(json_log: Captured) -> None:
    try:
        raise ValueError(f"could not call {PHONE} for {LINE_USER_ID}")
    except ValueError:
        json_log.logger.exception("turn failed")

    [record] = json_log.records()
    assert record["level"] == "ERROR"
    assert record["exception"].startswith("Traceback (most recent call last):")
    assert "ValueError: could not call [電話番号] for #" in record["exception"]
    assert PHONE not in json_log.lines()[0] and LINE_USER_ID not in json_log.lines()[0]


def test_query_string_values_and_bearer_tokens_never_reach_a_line(json_log: Captured) -> None:
    json_log.logger.warning(
        "dialogue engine unavailable: Server error for url "
        "'http://rasa:5005/webhooks/rest/webhook?token=rasa-secret-token&x=1'; "
        "Authorization: Bearer scrape-me-token"
    )

    [line] = json_log.lines()
    assert "rasa-secret-token" not in line and "scrape-me-token" not in line
    assert "webhook?token=[redacted]&x=[redacted]" in line


def test_a_line_has_time_level_logger_and_safe_structured_fields(json_log: Captured) -> None:
    json_log.logger.info(
        "reload",
        extra={
            "documents": 405,
            "took_seconds": 1.5,
            "card": int(MY_NUMBER),
            "answer": {"texts": [f"電話 {PHONE}"], "sure": True},
            "time": "a field named like a base field",
        },
    )

    [record] = json_log.records()
    assert record["time"].endswith("Z")
    assert datetime.fromisoformat(record["time"]).utcoffset().total_seconds() == 0
    assert (record["level"], record["logger"], record["message"]) == (
        "INFO",
        json_log.logger.name,
        "reload",
    )
    assert (record["documents"], record["took_seconds"]) == (405, 1.5)
    assert record["card"] == "[個人番号]"
    assert record["answer"] == {"texts": ["電話 [電話番号]"], "sure": True}
    assert record["extra_time"] == "a field named like a base field"


def test_the_text_format_masks_and_hashes_the_same(scrubber: LogScrubber) -> None:
    text_log = Captured(TextLogFormatter(scrubber))
    try:
        raise RuntimeError(MY_NUMBER)
    except RuntimeError:
        text_log.logger.exception("turn %s", PHONE, extra={"sender": LINE_USER_ID})

    output = text_log.stream.getvalue()
    first_line = output.splitlines()[0]
    assert f"ERROR {text_log.logger.name}: turn [電話番号]" in first_line
    assert f'sender="{scrubber.pseudonym(LINE_USER_ID)}"' in first_line
    assert "RuntimeError: [個人番号]" in output
    assert MY_NUMBER not in output and PHONE not in output and LINE_USER_ID not in output

"""The app's logging set-up: JSON (or text) for every logger, uvicorn's included, and the
action endpoint's token in no line, through a real uvicorn server in this process."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import uvicorn

from app.json_logs import ACCESS_LOGGER, UVICORN_LOGGER, AppLogHandler
from app.main import create_app
from core.log_records import JsonLogFormatter, TextLogFormatter
from tests.support.app_client import settings_without_rasa
from tests.support.ports import unused_port

TOKEN = "action-token-never-logged-Qx7v"
UNKNOWN_ACTION_CALL = {
    "next_action": "action_that_does_not_exist",
    "sender_id": "x",
    "tracker": {"sender_id": "x", "slots": {}, "latest_message": {"text": "t"}, "events": []},
    "domain": {},
}


@pytest.fixture(autouse=True)
def logging_state() -> Iterator[None]:
    """Each test changes the process's loggers; they are put back afterwards."""
    names = ("", UVICORN_LOGGER, "uvicorn.error", ACCESS_LOGGER, "httpx", "httpcore")
    saved = {
        name: (list(lg.handlers), list(lg.filters), lg.propagate, lg.level)
        for name in names
        for lg in [logging.getLogger(name)]
    }
    yield
    for name, (handlers, filters, propagate, level) in saved.items():
        logger = logging.getLogger(name)
        logger.handlers, logger.filters, logger.propagate = handlers, filters, propagate
        logger.setLevel(level)


def app_handlers() -> list[logging.Handler]:
    return [h for h in logging.getLogger().handlers if isinstance(h, AppLogHandler)]


def test_json_by_default_and_text_when_asked_with_one_handler_either_way(tmp_path) -> None:
    create_app(settings_without_rasa(tmp_path))
    [json_handler] = app_handlers()
    create_app(settings_without_rasa(tmp_path, log_format="text"))
    [text_handler] = app_handlers()

    assert isinstance(json_handler.formatter, JsonLogFormatter)
    assert isinstance(text_handler.formatter, TextLogFormatter)
    assert logging.getLogger().level == logging.INFO


def test_an_access_log_switched_off_stays_off(tmp_path) -> None:
    access = logging.getLogger(ACCESS_LOGGER)
    access.handlers, access.propagate = [], False  # what `--no-access-log` leaves

    create_app(settings_without_rasa(tmp_path))

    assert not access.hasHandlers()


def serve_in_thread(server: uvicorn.Server) -> threading.Thread:
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    return thread


def test_the_action_token_reaches_no_log_line(tmp_path, capsys) -> None:
    settings = settings_without_rasa(tmp_path, action_token=TOKEN)
    port = unused_port()
    # uvicorn's own logging config and access log, as `uvicorn app.main:create_app --factory`
    config = uvicorn.Config(
        lambda: create_app(settings), factory=True, host="127.0.0.1", port=port, access_log=True
    )
    server = uvicorn.Server(config)
    thread = serve_in_thread(server)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
            run = client.post("/webhook", params={"token": TOKEN}, json=UNKNOWN_ACTION_CALL)
            listed = client.get("/actions", params={"token": TOKEN})
            refused = client.get("/actions", params={"token": TOKEN + "-wrong"})
    finally:
        server.should_exit = True
        thread.join(timeout=30)

    assert (run.status_code, listed.status_code, refused.status_code) == (404, 200, 401)
    captured = capsys.readouterr()
    output = captured.out + captured.err
    assert TOKEN not in output
    lines = [json.loads(line) for line in output.splitlines() if line.strip()]
    access = [line for line in lines if line["logger"] == ACCESS_LOGGER]
    assert [(a["http_method"], a["path"], a["status"]) for a in access] == [
        ("POST", "/webhook", 404),
        ("GET", "/actions", 200),
        ("GET", "/actions", 401),
    ]
    assert all(a["client"].startswith("#") and "127.0.0.1" not in a["message"] for a in access)
    assert any(line["logger"] == "app.routers.actions" for line in lines)
    assert any(line["logger"] == "uvicorn.error" for line in lines)

"""Where the app's log lines go and how they look, for its own loggers and uvicorn's alike.

One handler on the root logger writes every line to stderr through the scrubbing formatters
of core/log_records.py. JSON is the default whatever the output is: a log collector (docker,
systemd, a pipe from the supervisor) must not get a different format because a terminal
happened to be attached, and the tests see what production writes. LOG_FORMAT=text gives the
same content in a human format for development.

uvicorn configures its own handlers before it calls the app factory; they are replaced here
so that its lines are scrubbed too. Its access log (off in the stack and the image, with
`--no-access-log`) stays off; when it is on, a line carries the path without the query
string (the action endpoint's `?token=`) and a pseudonym of the client's address.
"""

from __future__ import annotations

import logging
import sys
from typing import TextIO

from app.settings import Settings
from core.log_records import JsonLogFormatter, LogScrubber, TextLogFormatter

UVICORN_LOGGER = "uvicorn"
ACCESS_LOGGER = "uvicorn.access"
# one line per call to Rasa (every turn, every health check) says nothing the turn line does not
QUIET_LOGGERS = ("httpx", "httpcore")


class AppLogHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the time (as logging's last-resort handler does),
    so that a replaced stderr (a test's capture, a redirected stream) gets the lines."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property  # type: ignore[override]
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, value: TextIO) -> None:
        return None


class AccessLogFields(logging.Filter):
    """uvicorn's access line as `METHOD /path STATUS`, with the query string dropped and the
    client (without its port, which changes per connection) as an id field to be hashed."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) == 5:
            client, method, path_and_query, _http_version, status = args
            path = str(path_and_query).split("?", 1)[0]
            record.msg = "%s %s %s"
            record.args = (method, path, status)
            record.client = str(client).rsplit(":", 1)[0]
            record.http_method = method
            record.path = path
            record.status = status
        return True


def configure_logging(settings: Settings, secret: bytes) -> None:
    """Safe to call again (each app the tests build): the previous handler is replaced."""
    scrubber = LogScrubber(secret)
    formatter = (
        TextLogFormatter(scrubber) if settings.log_format == "text" else JsonLogFormatter(scrubber)
    )
    root = logging.getLogger()
    for handler in [h for h in root.handlers if isinstance(h, AppLogHandler)]:
        root.removeHandler(handler)
    handler = AppLogHandler()
    handler.setFormatter(formatter)
    root.addHandler(handler)
    root.setLevel(settings.log_level)
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)

    uvicorn = logging.getLogger(UVICORN_LOGGER)
    uvicorn.handlers = []
    uvicorn.propagate = True
    access = logging.getLogger(ACCESS_LOGGER)
    if not any(isinstance(f, AccessLogFields) for f in access.filters):
        access.addFilter(AccessLogFields())
    # `--no-access-log` leaves the logger without handlers and not propagating; uvicorn logs
    # requests when the logger has any handler, so only a wanted access log is re-routed
    if access.handlers or access.propagate:
        access.handlers = []
        access.propagate = True

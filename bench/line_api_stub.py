"""A stand-in for the LINE Messaging API on a fixed loopback port, for the soak run.

Start the stack with LINE_API_ENDPOINT=http://127.0.0.1:<port> and give the soak run the same
port: the app's replies then come back here instead of going to LINE, so the run can tell
when each LINE message was answered (and whether with the 'try again later' reply). Without
it the replies go nowhere, and the queue drains only through retries and give-ups.

Standard library only (a threaded http.server): it must not take the CPU the stack needs.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class LineReply:
    received: float  # time.perf_counter()
    texts: tuple[str, ...]


def message_texts(payload: Any) -> tuple[str, ...]:
    """The text of each message of a reply or push (a Flex message's alt text)."""
    messages = payload.get("messages", []) if isinstance(payload, dict) else []
    return tuple(str(m.get("text") or m.get("altText") or "") for m in messages)


class LineApiStub:
    def __init__(self, port: int, host: str = "127.0.0.1") -> None:
        self.replies: dict[str, LineReply] = {}
        self.pushes = 0
        self.other_calls = 0
        self._waiters: dict[str, tuple[asyncio.AbstractEventLoop, asyncio.Future[LineReply]]] = {}
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer((host, port), self._handler())
        self._server.daemon_threads = True
        self.url = f"http://{host}:{self._server.server_address[1]}"

    def start(self) -> LineApiStub:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def expect(self, reply_token: str) -> asyncio.Future[LineReply]:
        """A future for the reply to this token, resolved from the server's thread."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[LineReply] = loop.create_future()
        with self._lock:
            known = self.replies.get(reply_token)
            if known is None:
                self._waiters[reply_token] = (loop, future)
        if known is not None:
            future.set_result(known)
        return future

    def _record(self, path: str, payload: Any) -> dict[str, Any]:
        texts = message_texts(payload)
        if path.endswith("/message/reply") and isinstance(payload, dict):
            reply = LineReply(time.perf_counter(), texts)
            token = str(payload.get("replyToken"))
            with self._lock:
                self.replies[token] = reply
                waiter = self._waiters.pop(token, None)
            if waiter:
                loop, future = waiter
                loop.call_soon_threadsafe(_resolve, future, reply)
        elif path.endswith("/message/push"):
            with self._lock:
                self.pushes += 1
        else:
            with self._lock:
                self.other_calls += 1
            return {"richMenuId": "richmenu-bench"} if path.endswith("/richmenu") else {}
        return {"sentMessages": [{"id": f"{n}", "quoteToken": f"q{n}"} for n in range(len(texts))]}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                try:
                    payload = json.loads(raw) if raw else None
                except ValueError:
                    payload = None
                body = json.dumps(stub._record(self.path, payload)).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_POST = do_GET = do_DELETE = _answer

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet: one line per call would drown the figures."""

        return Handler


def _resolve(future: asyncio.Future[LineReply], reply: LineReply) -> None:
    if not future.done():
        future.set_result(reply)

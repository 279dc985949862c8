"""A local stand-in for the LINE Messaging API: records every call, answers as configured.

Runs a real HTTP server (uvicorn) so that the app's real line-bot-sdk client talks HTTP to
it exactly as it would to LINE.
"""

from __future__ import annotations

import socket
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route


@dataclass
class RecordedCall:
    method: str
    path: str
    headers: dict[str, str]
    json: Any


@dataclass
class LineApiRecorder:
    calls: list[RecordedCall] = field(default_factory=list)
    # statuses to answer with, in order, before falling back to 200
    planned_statuses: deque[int] = field(default_factory=deque)
    url: str = ""
    _server: uvicorn.Server | None = None

    def _app(self) -> Starlette:
        async def record(request: Request) -> JSONResponse:
            body = await request.body()
            try:
                import json

                payload = json.loads(body) if body else None
            except ValueError:
                payload = body.decode(errors="replace")
            self.calls.append(
                RecordedCall(request.method, request.url.path, dict(request.headers), payload)
            )
            status = self.planned_statuses.popleft() if self.planned_statuses else 200
            if status >= 400:
                return JSONResponse({"message": "planned failure"}, status_code=status)
            if request.url.path.endswith("/richmenu"):
                return JSONResponse({"richMenuId": "richmenu-test-1"})
            sent = [
                {"id": f"{len(self.calls)}{n:03d}", "quoteToken": f"q{len(self.calls)}-{n}"}
                for n, _ in enumerate(
                    (payload or {}).get("messages", []) if isinstance(payload, dict) else []
                )
            ]
            return JSONResponse({"sentMessages": sent} if sent else {})

        return Starlette(routes=[Route("/{path:path}", record, methods=["GET", "POST", "DELETE"])])

    def start(self) -> LineApiRecorder:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        config = uvicorn.Config(self._app(), host="127.0.0.1", port=port, log_level="warning")
        self._server = uvicorn.Server(config)
        threading.Thread(target=self._server.run, daemon=True).start()
        deadline = time.monotonic() + 10
        while not self._server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        self.url = f"http://127.0.0.1:{port}"
        return self

    def stop(self) -> None:
        if self._server:
            self._server.should_exit = True

    def wait_for(self, count: int, timeout: float = 60.0) -> list[RecordedCall]:
        deadline = time.monotonic() + timeout
        while len(self.calls) < count and time.monotonic() < deadline:
            time.sleep(0.1)
        return self.calls

    def texts(self, call: RecordedCall) -> list[str]:
        """Every text a reply/push call carries (text messages and Flex alt texts)."""
        messages = (call.json or {}).get("messages", [])
        return [m.get("text") or m.get("altText") or "" for m in messages]

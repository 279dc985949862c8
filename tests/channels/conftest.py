"""Fixtures for the web pages: the real app in-process (httpx) and in a browser (Chromium).

Rasa is down in both (nothing listens on its port): the app then answers every message with
its polite 'please try again' text, which is enough for the pages. With CHAT_E2E_URL set,
the browser tests use that running stack instead and see real answers.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.main import create_app
from repo_paths import REPO_ROOT
from tests.support.app_client import app_client, settings_without_rasa
from tests.support.browser import chromium_or_fail, launch_chromium
from tests.support.ports import unused_port

SCREENSHOT_DIR = REPO_ROOT / "test-artifacts" / "screenshots"


@pytest.fixture
async def web_client(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    """The real app with Rasa down, called in-process."""
    async with app_client(settings_without_rasa(tmp_path)) as client:
        yield client


class ServerThread:
    """uvicorn serving the app in a background thread, for a browser to talk to."""

    def __init__(self, app: Any, port: int) -> None:
        import uvicorn

        config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.url = f"http://127.0.0.1:{port}"

    def start(self, timeout: float = 30) -> ServerThread:
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the app did not start")
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture(scope="session")
def web_base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """CHAT_E2E_URL (a running stack) if set, else our own app with Rasa down."""
    external = os.environ.get("CHAT_E2E_URL")
    if external:
        yield external.rstrip("/")
        return
    app = create_app(settings_without_rasa(tmp_path_factory.mktemp("web-app")))
    server = ServerThread(app, unused_port()).start()
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture(scope="module")
def chromium_browser() -> Iterator[Any]:
    """Chromium driven by Playwright's sync API, for one test module at a time.

    The sync API keeps its own event loop running while it is open; closing it at the end of
    the module lets pytest-asyncio run the async tests of later modules.
    """
    chromium_or_fail()
    with launch_chromium() as browser:
        yield browser


@pytest.fixture
def browser_context(chromium_browser: Any) -> Iterator[Any]:
    """A fresh browser profile per test (no cookies or storage from other tests).

    The pages' Content-Security-Policy stays on, so the tests also show that the pages work
    under it (axe-core is injected through the DevTools protocol, which CSP does not block).
    """
    context = chromium_browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def web_page(browser_context: Any) -> Iterator[Any]:
    """A page that records alert() dialogs (an injection) and CSP violations (a page bug)."""
    page = browser_context.new_page()
    page.dialogs = []
    csp_violations: list[str] = []

    def on_dialog(dialog: Any) -> None:
        page.dialogs.append(dialog.message)
        dialog.dismiss()

    def on_console(message: Any) -> None:
        if "Content Security Policy" in message.text:
            csp_violations.append(message.text)

    page.on("dialog", on_dialog)
    page.on("console", on_console)
    yield page
    assert not csp_violations, csp_violations


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    return SCREENSHOT_DIR

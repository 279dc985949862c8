"""Headless Debian Chromium driven by Playwright (its own browser download cannot work here).

Without Chromium the browser tests skip on a developer's machine, but fail when `CI` is set:
a CI machine without the browser must not pass without ever opening a page.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MISSING = "Debian chromium is not installed (python3 -m stack test installs it)"


def chromium_or_fail() -> None:
    """Returns when Chromium is there; otherwise fails under CI, skips elsewhere."""
    if CHROMIUM.exists():
        return
    if os.environ.get("CI"):
        pytest.fail(MISSING + "; CI is set, so the browser tests may not be skipped")
    pytest.skip(MISSING)


@contextmanager
def launch_chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()

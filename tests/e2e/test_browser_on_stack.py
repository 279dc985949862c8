"""The web chat and the kiosk in headless Chromium against the real stack (Rasa, actions,
knowledge index): what a resident sees, not a canned reply."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from repo_paths import REPO_ROOT
from tests.e2e.conftest import RunningStack
from tests.support.browser import chromium_or_fail, launch_chromium

pytestmark = [pytest.mark.e2e, pytest.mark.browser, pytest.mark.slow]

SCREENSHOT_DIR = REPO_ROOT / "test-artifacts" / "screenshots"


@pytest.fixture(scope="module")
def page_factory() -> Iterator[Any]:
    chromium_or_fail()
    with launch_chromium() as browser:
        contexts: list[Any] = []

        def new_page() -> Any:
            context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 1024})
            context.set_default_timeout(30_000)
            contexts.append(context)
            return context.new_page()

        try:
            yield new_page
        finally:
            for context in contexts:
                context.close()


def ask(page: Any, text: str, bot_count: int) -> Any:
    page.locator("#text").fill(text)
    page.locator("#text").press("Enter")
    bots = page.locator("#log .msg-bot")
    expect(bots.nth(bot_count - 1)).to_be_visible(timeout=30_000)
    return bots


def test_web_chat_answers_an_emergency_with_119(stack: RunningStack, page_factory: Any) -> None:
    page = page_factory()
    page.goto(stack.app_url + "/")

    bots = ask(page, "家が火事です", 1)

    expect(bots.first).to_contain_text("119")
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT_DIR / "stack-web-emergency.png"), full_page=True)


def test_kiosk_answers_a_card_question_with_its_source_and_furigana(
    stack: RunningStack, page_factory: Any
) -> None:
    page = page_factory()
    page.goto(stack.app_url + "/kiosk")
    expect(page.locator(".k-topic").first).to_be_visible()

    bots = ask(page, "マイナンバーカードをなくしてしまいました", 1)

    answer = bots.first
    expect(answer).to_contain_text("停止")
    expect(answer.locator("ruby").first).to_be_visible()
    expect(page.locator("#log .msg-sources .source-title").first).not_to_be_empty()
    page.screenshot(path=str(SCREENSHOT_DIR / "stack-kiosk-lost-card.png"), full_page=True)

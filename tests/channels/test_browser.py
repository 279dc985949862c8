"""The web chat and the kiosk in real headless Chromium (Debian's /usr/bin/chromium).

Round trips go to the real app (Rasa down: the polite reply), or to the stack at
CHAT_E2E_URL. Rich answers (sources, steps, buttons, links, markup in the text) are served
by intercepting /api/chat in the browser, so rendering is checked whatever the bot knows.
Screenshots land in test-artifacts/screenshots/ for a human look.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import axe_playwright_python
import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]

AXE_JS = Path(axe_playwright_python.__file__).with_name("axe.min.js")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Rules axe-core marks experimental, which the tags above therefore leave out: run by name.
# label-content-name-mismatch is WCAG 2.5.3 (Label in Name): an aria-label on a button whose
# visible text differs from it, as on furigana buttons (kanji plus readings).
AXE_EXTRA_RULES = ["label-content-name-mismatch"]
XSS = "<script>alert(1)</script>"
IMG_XSS = '<img src=x onerror="alert(2)">'
SOURCE_URL = "https://www.example.jp/kurashi/juminhyo.html"

RICH_ANSWER = {
    "messages": [
        {
            "text": (
                "住民票の写しは、市民課の窓口で申し込むことができます。\n"
                f"コンビニ交付も使えます。{XSS}{IMG_XSS}"
            ),
            "buttons": [
                {"title": "持ち物は？", "payload": "何を持っていけばいい？"},
                {"title": "何ができるの？", "payload": "/bot_capabilities"},
            ],
            "sources": [
                {
                    "title": "住民票の写しの交付（サンプル）",
                    "url": SOURCE_URL,
                    "date": "2024-04-01",
                },
                {"title": "危ないリンク", "url": "javascript:alert(3)", "date": None},
            ],
            "steps": ["本人確認書類を用意します。", "窓口で申請書を書きます。"],
            "link": SOURCE_URL,
        }
    ]
}


# ---------- helpers ----------


def serve_rich_answer(page: Any) -> list[dict[str, Any]]:
    """Answers every /api/chat with RICH_ANSWER; returns the request bodies seen."""
    requests: list[dict[str, Any]] = []

    def handle(route: Any) -> None:
        body = json.loads(route.request.post_data or "{}")
        requests.append(body)
        answer = {"session_id": body.get("session_id", ""), **RICH_ANSWER}
        route.fulfill(json=answer)

    page.route("**/api/chat", handle)
    return requests


def record_chat_requests(page: Any) -> list[dict[str, Any]]:
    bodies: list[dict[str, Any]] = []

    def on_request(request: Any) -> None:
        if request.url.endswith("/api/chat") and request.method == "POST":
            bodies.append(json.loads(request.post_data or "{}"))

    page.on("request", on_request)
    return bodies


def ask(page: Any, text: str, bot_count: int = 1) -> None:
    page.locator("#text").fill(text)
    page.locator("#text").press("Enter")
    expect(page.locator("#log .msg-bot, #log .msg-error")).to_have_count(bot_count)


def axe_results(page: Any) -> dict[str, Any]:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated over the DevTools protocol: the page's CSP (no inline scripts) stays on.
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    result = page.evaluate(
        """async ([tags, extra]) => await axe.run(document, {
             runOnly: {type: 'tag', values: tags},
             rules: Object.fromEntries(extra.map((id) => [id, {enabled: true}])),
           })""",
        [AXE_TAGS, AXE_EXTRA_RULES],
    )
    kinds = ("passes", "violations", "incomplete", "inapplicable")
    ran = {rule["id"] for kind in kinds for rule in result[kind]}
    assert set(AXE_EXTRA_RULES) <= ran, f"axe did not run {set(AXE_EXTRA_RULES) - ran}"
    return result


def run_axe(page: Any) -> list[dict[str, Any]]:
    violations = axe_results(page)["violations"]
    return [v for v in violations if v.get("impact") in ("serious", "critical")]


def assert_accessible(page: Any) -> None:
    violations = run_axe(page)
    summary = [
        (v["id"], v["impact"], v["help"], [n["target"] for n in v["nodes"]][:5]) for v in violations
    ]
    assert not violations, json.dumps(summary, ensure_ascii=False, indent=1)


def no_horizontal_scroll(page: Any) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1"
    )


def tab_until(page: Any, selector: str, limit: int = 60) -> None:
    """Presses Tab until the element matching `selector` has focus (keyboard-only use)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} is not reachable with Tab")


def focus_is_visible(page: Any) -> bool:
    return page.evaluate(
        """() => {
          const s = getComputedStyle(document.activeElement);
          return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2)
            || s.boxShadow !== 'none';
        }"""
    )


# ---------- web chat (/) ----------


def test_web_chat_round_trip(web_page: Any, web_base_url: str, screenshot_dir: Path) -> None:
    page = web_page
    page.goto(web_base_url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    log = page.locator("#log")
    expect(log).to_have_attribute("role", "log")
    expect(log).to_have_attribute("aria-live", "polite")
    expect(page.get_by_label("質問を入力してください")).to_be_visible()
    expect(page.locator("#topics button").first).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "web-chat-start.png"), full_page=True)

    ask(page, "住民票はどこでとれますか")
    answer = page.locator("#log .msg-bot").first
    assert re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", answer.inner_text())
    expect(page.locator("#status")).to_have_text("")
    expect(page.locator("#text")).to_have_value("")
    page.screenshot(path=str(screenshot_dir / "web-chat-answer.png"), full_page=True)


def test_web_chat_shows_markup_as_text(web_page: Any, web_base_url: str) -> None:
    page = web_page
    page.goto(web_base_url + "/")
    ask(page, XSS)
    expect(page.locator("#log .msg-user .msg-text")).to_have_text(XSS)
    assert page.locator("#log script").count() == 0
    assert web_page.dialogs == []


def test_web_chat_renders_rich_answer_safely(
    web_page: Any, web_base_url: str, screenshot_dir: Path
) -> None:
    page = web_page
    sent = serve_rich_answer(page)
    page.goto(web_base_url + "/")
    ask(page, "住民票")
    bot = page.locator("#log .msg-bot")
    expect(bot.locator(".msg-text")).to_contain_text(XSS + IMG_XSS)
    assert page.locator("#log script, #log img").count() == 0
    expect(bot.locator("ol.msg-steps > li")).to_have_count(2)
    link = bot.locator(".msg-sources a", has_text="住民票の写しの交付（サンプル）")
    expect(link).to_have_attribute("href", SOURCE_URL)
    expect(bot.locator(".msg-sources")).to_contain_text("2024-04-01")
    expect(bot.locator(".msg-sources")).to_contain_text("危ないリンク")
    assert page.locator("#log a[href^='javascript']").count() == 0
    expect(bot.locator(".msg-link a")).to_have_attribute("href", SOURCE_URL)
    expect(bot.get_by_role("button", name="持ち物は？")).to_be_visible()
    assert web_page.dialogs == []
    assert sent[0]["text"] == "住民票"
    page.screenshot(path=str(screenshot_dir / "web-chat-rich-answer.png"), full_page=True)


def test_web_chat_buttons_work_by_keyboard(web_page: Any, web_base_url: str) -> None:
    page = web_page
    sent = serve_rich_answer(page)
    page.goto(web_base_url + "/")
    expect(page.locator("#topics button").first).to_be_visible()

    tab_until(page, "#topics button")
    assert focus_is_visible(page)
    page.keyboard.press("Enter")
    expect(page.locator("#log .msg-bot")).to_have_count(1)
    topics = page.evaluate("async () => (await fetch('api/topics')).json()")
    assert sent[-1]["text"] == topics[0]["payload"]

    page.locator("#text").focus()
    tab_until(page, "#log .msg-bot button")
    page.keyboard.press("Enter")
    expect(page.locator("#log .msg-bot")).to_have_count(2)
    assert sent[-1]["text"] == "何を持っていけばいい？"
    expect(page.locator("#log .msg-user").nth(1)).to_contain_text("持ち物は？")

    tab_until(page, "#log .msg-bot .msg-sources a")
    assert focus_is_visible(page)


def test_web_chat_sending_state_and_error(web_page: Any, web_base_url: str) -> None:
    page = web_page
    held: list[Any] = []
    page.route("**/api/chat", lambda route: held.append(route))
    page.goto(web_base_url + "/")
    page.locator("#text").fill("児童手当")
    page.locator("#send").click()
    expect(page.locator("#status")).to_contain_text("送信中")
    expect(page.locator("#send")).to_have_attribute("aria-disabled", "true")
    expect(page.locator("#log")).to_have_attribute("aria-busy", "true")
    held[0].abort("failed")
    expect(page.locator("#log .msg-error")).to_contain_text("送信できませんでした")
    expect(page.locator("#status")).to_have_text("")
    expect(page.locator("#send")).to_have_attribute("aria-disabled", "false")
    expect(page.locator("#text")).to_have_value("児童手当")  # ready to try again


def test_web_chat_keeps_nothing_in_the_browser(web_page: Any, web_base_url: str) -> None:
    page = web_page
    sent = record_chat_requests(page)
    page.goto(web_base_url + "/")
    ask(page, "こんにちは")
    ask(page, "住民票", bot_count=2)
    page.reload()
    ask(page, "こんにちは")
    assert len(sent) == 3
    # the server issues the session: none at first, then the one it gave, none after reload
    assert "session_id" not in sent[0]
    assert sent[1]["session_id"].startswith("s1.")
    assert "session_id" not in sent[2]
    assert page.evaluate("localStorage.length + sessionStorage.length") == 0
    assert page.evaluate("document.cookie") == ""
    assert page.context.cookies() == []


def test_web_chat_reflows_at_320_px_and_200_percent(
    web_page: Any, web_base_url: str, screenshot_dir: Path
) -> None:
    page = web_page
    serve_rich_answer(page)
    for width, height, name in (
        (320, 640, "web-chat-320px.png"),
        (640, 450, "web-chat-200pct.png"),
    ):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(web_base_url + "/")
        ask(page, "住民票")
        assert no_horizontal_scroll(page), f"horizontal scrolling at {width}px"
        page.locator("#send").scroll_into_view_if_needed()
        expect(page.locator("#send")).to_be_in_viewport()
        page.screenshot(path=str(screenshot_dir / name), full_page=True)


def test_web_chat_axe(web_page: Any, web_base_url: str) -> None:
    page = web_page
    serve_rich_answer(page)
    page.goto(web_base_url + "/")
    expect(page.locator("#topics button").first).to_be_visible()
    assert_accessible(page)
    ask(page, "住民票")
    page.locator("#text").fill("失敗")
    page.route("**/api/chat", lambda route: route.abort("failed"))
    page.locator("#text").press("Enter")
    expect(page.locator("#log .msg-error")).to_have_count(1)
    assert_accessible(page)


@pytest.fixture
def municipal_site(web_base_url: str) -> Iterator[str]:
    """A page of another origin that embeds the chat with the documented one-liner.

    Served for real from the loopback: Chrome refuses scripts from 127.0.0.1 in pages that
    are not themselves in the local address space.
    """
    body = (
        '<!doctype html><html lang="ja"><head><meta charset="utf-8"><title>市のサイト</title>'
        "</head><body><h1>〇〇市ホームページ</h1><p>くらしの情報</p>"
        f'<script src="{web_base_url}/embed.js"></script></body></html>'
    ).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def test_embed_script_opens_the_chat_in_an_iframe(
    web_page: Any, municipal_site: str, screenshot_dir: Path
) -> None:
    page = web_page
    page.goto(municipal_site)
    launcher = page.get_by_role("button", name="AIチャットで質問する")
    expect(launcher).to_have_attribute("aria-expanded", "false")
    launcher.focus()
    page.keyboard.press("Enter")
    expect(launcher).to_have_attribute("aria-expanded", "true")
    frame = page.frame_locator("iframe[title='市役所 AIチャット案内']")
    expect(frame.locator("#log")).to_be_attached()
    expect(frame.locator("#topics button").first).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "embed-open.png"))
    page.get_by_role("button", name="チャットを閉じる").click()
    expect(launcher).to_have_attribute("aria-expanded", "false")
    expect(page.locator("iframe")).to_be_hidden()


# ---------- kiosk (/kiosk) ----------


def open_kiosk(page: Any, base_url: str, query: str = "") -> None:
    page.set_viewport_size({"width": 1280, "height": 1024})
    page.goto(base_url + "/kiosk" + query)
    expect(page.locator(".k-topic").first).to_be_visible()


def test_kiosk_start_screen_is_large(
    web_page: Any, web_base_url: str, screenshot_dir: Path
) -> None:
    page = web_page
    open_kiosk(page, web_base_url)
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= 24
    sizes = page.evaluate(
        """() => [...document.querySelectorAll('button:not([hidden])')]
             .filter((b) => b.offsetParent !== null)
             .map((b) => [b.textContent, b.getBoundingClientRect().height,
                          b.getBoundingClientRect().width])"""
    )
    assert sizes
    for text, height, width in sizes:
        assert height >= 64 and width >= 64, (text, height, width)
    assert page.locator(".k-topic").count() >= 5
    expect(page.get_by_role("button", name="はじめから")).to_be_visible()
    expect(page.locator("#start p ruby").first).to_be_visible()  # furigana on by default
    page.screenshot(path=str(screenshot_dir / "kiosk-start.png"))


def test_kiosk_round_trip_with_furigana_toggle(
    web_page: Any, web_base_url: str, screenshot_dir: Path
) -> None:
    page = web_page
    open_kiosk(page, web_base_url)
    toggle = page.locator("#furigana-toggle")
    expect(toggle).to_have_attribute("aria-pressed", "true")
    ask(page, "住民票はどこでとれますか")
    bot = page.locator("#log .msg-bot").first
    expect(bot.locator("ruby").first).to_be_visible()
    expect(bot.locator("ruby rt").first).not_to_be_empty()
    expect(page.get_by_role("button", name="はじめから")).to_be_in_viewport()
    page.screenshot(path=str(screenshot_dir / "kiosk-answer-furigana.png"))

    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "false")
    expect(page.locator("#log ruby")).to_have_count(0)
    page.screenshot(path=str(screenshot_dir / "kiosk-answer-no-furigana.png"))

    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    expect(bot.locator("ruby").first).to_be_visible()


def test_kiosk_rich_answer_has_qr_read_aloud_and_no_links(
    web_page: Any, web_base_url: str, screenshot_dir: Path
) -> None:
    page = web_page
    page.add_init_script(
        """
        window.__spoken = [];
        const fake = { speak: (u) => { window.__spoken.push({text: u.text, lang: u.lang}); },
                       cancel: () => {}, getVoices: () => [] };
        Object.defineProperty(window, 'speechSynthesis', {value: fake, configurable: true});
        """
    )
    sent = serve_rich_answer(page)
    open_kiosk(page, web_base_url)
    page.locator(".k-topic").first.click()
    bot = page.locator("#log .msg-bot")
    expect(bot).to_have_count(1)
    assert sent[0]["text"]  # the topic's payload
    expect(page.locator("#start")).to_be_hidden()

    # Markup in the answer stays text, also with furigana on.
    expect(bot.locator(".msg-text")).to_contain_text(XSS)
    expect(bot.locator(".msg-text ruby").first).to_be_visible()
    assert page.locator("#log script").count() == 0
    assert web_page.dialogs == []

    # Ruby only over kanji: 申し込む -> 申(もう) し 込(こ) む.
    bases = bot.locator(".msg-text ruby").evaluate_all(
        "(rubies) => rubies.map((r) => r.firstChild.textContent)"
    )
    assert "申" in bases and "込" in bases and not any("し" in b for b in bases)

    # No links on the kiosk (leaving the page strands the next user), a QR code instead.
    assert page.locator("#log a").count() == 0
    qr = bot.locator(".k-qr img")
    expect(qr).to_have_attribute("src", re.compile(r"^api/qr\?url=https%3A%2F%2Fwww\.example\.jp"))
    page.wait_for_function("() => document.querySelector('.k-qr img').naturalWidth > 0")

    bot.get_by_role("button", name="読み上げ").click()
    spoken = page.evaluate("window.__spoken")
    assert spoken and all(s["lang"] == "ja-JP" for s in spoken)
    assert spoken[0]["text"] == "住民票の写しは、市民課の窓口で申し込むことができます。"
    assert any("本人確認書類" in s["text"] for s in spoken)
    expect(bot.get_by_role("button", name="止める")).to_be_visible()

    page.screenshot(path=str(screenshot_dir / "kiosk-rich-answer.png"))
    bot.locator(".k-qr").scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot_dir / "kiosk-rich-answer-qr.png"))


def test_kiosk_hides_speech_features_the_browser_lacks(web_page: Any, web_base_url: str) -> None:
    page = web_page
    page.add_init_script(
        """
        for (const name of ['speechSynthesis', 'SpeechSynthesisUtterance',
                            'SpeechRecognition', 'webkitSpeechRecognition']) {
          Object.defineProperty(window, name, {value: undefined, configurable: true});
        }
        """
    )
    serve_rich_answer(page)
    open_kiosk(page, web_base_url)
    expect(page.locator("#voice")).to_be_hidden()
    page.locator(".k-topic").first.click()
    expect(page.locator("#log .msg-bot")).to_have_count(1)
    assert page.get_by_role("button", name="読み上げ").count() == 0


def test_kiosk_voice_input_fills_the_question(web_page: Any, web_base_url: str) -> None:
    page = web_page
    page.add_init_script(
        """
        class FakeRecognition {
          start() {
            this.started = true;
            setTimeout(() => {
              this.onresult({results: [[{transcript: '住民票がほしい'}]]});
              this.onend();
            }, 50);
          }
          stop() {}
          abort() {}
        }
        window.__lang = null;
        window.SpeechRecognition = class extends FakeRecognition {
          set lang(v) { window.__lang = v; }
        };
        """
    )
    open_kiosk(page, web_base_url)
    voice = page.get_by_role("button", name="声で入力")
    expect(voice).to_be_visible()
    voice.click()
    expect(page.locator("#text")).to_have_value("住民票がほしい")
    assert page.evaluate("window.__lang") == "ja-JP"
    expect(page.locator("#status")).to_contain_text("聞き取りました")


def test_kiosk_resets_after_inactivity(
    web_page: Any, web_base_url: str, screenshot_dir: Path
) -> None:
    page = web_page
    sent = record_chat_requests(page)
    open_kiosk(page, web_base_url, "?idle=2&warn=3")
    ask(page, "マイナンバーカードをなくしました")
    page.evaluate("localStorage.setItem('left', 'behind'); sessionStorage.setItem('x', '1')")
    page.evaluate("document.cookie = 'left=behind; path=/'")
    page.locator("#text").fill("まだ途中の質問")

    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_be_visible(timeout=10_000)
    expect(page.locator("#idle-continue")).to_be_focused()
    page.screenshot(path=str(screenshot_dir / "kiosk-idle-dialog.png"))

    expect(dialog).to_be_hidden(timeout=10_000)
    expect(page.locator("#log > *")).to_have_count(0)
    expect(page.locator("#text")).to_have_value("")
    expect(page.locator("#start")).to_be_visible()
    assert page.evaluate("localStorage.length + sessionStorage.length") == 0
    assert page.evaluate("document.cookie") == ""
    assert page.context.cookies() == []

    ask(page, "こんにちは")
    assert len(sent) == 2
    assert "session_id" not in sent[1]  # the next resident gets a new session


def test_kiosk_continue_keeps_the_conversation(web_page: Any, web_base_url: str) -> None:
    page = web_page
    open_kiosk(page, web_base_url, "?idle=1&warn=20")
    ask(page, "こんにちは")
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_be_visible(timeout=10_000)
    page.keyboard.press("Enter")  # 「続ける」 has the focus
    expect(dialog).to_be_hidden()
    expect(page.locator("#log .msg-bot")).to_have_count(1)


def test_kiosk_warning_lasts_at_least_20_seconds_by_default(
    web_page: Any, web_base_url: str
) -> None:
    page = web_page
    open_kiosk(page, web_base_url, "?idle=1")
    ask(page, "こんにちは")
    expect(page.get_by_role("alertdialog")).to_be_visible(timeout=10_000)
    assert int(page.locator("#idle-seconds").inner_text()) >= 20


def test_kiosk_restart_button_clears_everything(web_page: Any, web_base_url: str) -> None:
    page = web_page
    sent = record_chat_requests(page)
    open_kiosk(page, web_base_url)
    ask(page, "こんにちは")
    page.get_by_role("button", name="はじめから").click()
    expect(page.locator("#log > *")).to_have_count(0)
    expect(page.locator("#start")).to_be_visible()
    expect(page.locator("#title")).to_be_focused()
    ask(page, "こんにちは")
    assert "session_id" not in sent[1]


def test_kiosk_keyboard_and_zoom(web_page: Any, web_base_url: str, screenshot_dir: Path) -> None:
    page = web_page
    serve_rich_answer(page)
    open_kiosk(page, web_base_url)
    tab_until(page, ".k-topic")
    assert focus_is_visible(page)
    page.keyboard.press("Enter")
    expect(page.locator("#log .msg-bot")).to_have_count(1)
    tab_until(page, "#log .msg-bot .choice")
    assert focus_is_visible(page)

    page.set_viewport_size({"width": 640, "height": 512})  # 1280x1024 at 200 %
    assert no_horizontal_scroll(page)
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    expect(page.get_by_role("button", name="はじめから")).to_be_in_viewport()
    expect(page.locator("#send")).to_be_in_viewport()
    page.locator("#log .msg-bot").first.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot_dir / "kiosk-200pct.png"))


def test_kiosk_axe(web_page: Any, web_base_url: str) -> None:
    page = web_page
    serve_rich_answer(page)
    open_kiosk(page, web_base_url, "?idle=5&warn=30")
    expect(page.locator(".k-topic ruby").first).to_be_visible()  # furigana on the topics
    expect(page.locator("#start p ruby").first).to_be_visible()
    assert_accessible(page)
    page.locator(".k-topic").first.click()
    expect(page.locator("#log .msg-bot ruby").first).to_be_visible()
    assert_accessible(page)
    page.locator("#furigana-toggle").click()
    expect(page.locator("#log ruby")).to_have_count(0)
    assert_accessible(page)
    expect(page.get_by_role("alertdialog")).to_be_visible(timeout=15_000)
    assert_accessible(page)


def button_names(page: Any) -> list[str]:
    """The names of the shown buttons as Chromium gives them to screen readers (its own
    accessibility tree; Playwright's role matcher computes names itself, and puts spaces
    between <ruby> pieces)."""
    cdp = page.context.new_cdp_session(page)
    try:
        nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    finally:
        cdp.detach()
    return [
        node.get("name", {}).get("value", "")
        for node in nodes
        if not node.get("ignored") and node.get("role", {}).get("value") == "button"
    ]


def test_kiosk_buttons_with_furigana_are_named_by_their_text(
    web_page: Any, web_base_url: str
) -> None:
    """Readings are aria-hidden, so a button's name is its plain text and needs no aria-label
    (one that repeats the text mismatches the visible kanji-plus-readings: WCAG 2.5.3)."""
    page = web_page
    serve_rich_answer(page)
    open_kiosk(page, web_base_url)
    expect(page.locator(".k-topic ruby").first).to_be_visible()
    topics = [t["title"] for t in page.evaluate("async () => (await fetch('api/topics')).json()")]
    assert any(re.search(r"[一-龯]", title) for title in topics)  # some do get readings
    assert set(topics) <= set(button_names(page)), button_names(page)

    page.locator(".k-topic").first.click()
    expect(page.locator("#log .choice ruby").first).to_be_visible()
    assert {"持ち物は？", "何ができるの？"} <= set(button_names(page)), button_names(page)
    assert page.locator("button[aria-label]").count() == 0
    page.locator("#furigana-toggle").click()
    expect(page.locator("#log ruby")).to_have_count(0)
    assert {"持ち物は？", "何ができるの？"} <= set(button_names(page)), button_names(page)


@pytest.mark.parametrize(
    ("path", "sheets"),
    [
        ("/", ["static/chat-base.css", "static/chat.css"]),
        ("/kiosk", ["static/chat-base.css", "static/kiosk.css"]),
    ],
)
def test_pages_apply_the_shared_stylesheet_then_their_own(
    web_page: Any, web_base_url: str, path: str, sheets: list[str]
) -> None:
    """Both sheets load under the page's CSP (web_page fails on a CSP report) and have rules."""
    page = web_page
    page.goto(web_base_url + path)
    loaded = page.evaluate(
        """() => [...document.querySelectorAll('link[rel=stylesheet]')].map((link) =>
             [link.getAttribute('href'), link.sheet ? link.sheet.cssRules.length : 0])"""
    )
    assert [href for href, _ in loaded] == sheets
    assert all(count > 0 for _, count in loaded), loaded

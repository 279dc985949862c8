"""The web chat and kiosk pages and their helper APIs, against the real app (Rasa down)."""

from __future__ import annotations

import re

import httpx
import pytest

from core.texts import main_topics
from repo_paths import REPO_ROOT

CHANNELS = REPO_ROOT / "channels"
PAGES = ["/", "/kiosk"]


@pytest.mark.parametrize("path", PAGES)
async def test_page_is_japanese_html_with_safe_headers(
    web_client: httpx.AsyncClient, path: str
) -> None:
    response = await web_client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert re.search(r'<html lang="ja"[ >]', response.text)
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp
    assert "'unsafe-inline'" not in csp
    assert response.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("path", PAGES)
async def test_page_has_a_labelled_input_and_a_polite_log(
    web_client: httpx.AsyncClient, path: str
) -> None:
    html = (await web_client.get(path)).text
    assert re.search(r'role="log"[^>]*aria-live="polite"', html)
    assert '<label for="text"' in html
    assert 'id="text"' in html


async def test_kiosk_has_the_shared_terminal_controls(web_client: httpx.AsyncClient) -> None:
    html = (await web_client.get("/kiosk")).text
    assert re.search(r'id="furigana-toggle"[^>]*aria-pressed="true"', html)
    assert ">はじめから<" in html
    assert 'role="alertdialog"' in html
    assert ">続ける<" in html


# Stylesheets and scripts of each page, in the order they must load: the shared ones first.
PAGE_ASSETS = {
    "/": ["static/chat-base.css", "static/chat.css", "static/chat-core.js", "static/chat.js"],
    "/kiosk": [
        "static/chat-base.css",
        "static/kiosk.css",
        "static/chat-core.js",
        "static/kiosk.js",
    ],
}
# With nosniff, browsers refuse a stylesheet or script served under another type.
ASSET_TYPES = {".css": ("text/css",), ".js": ("text/javascript", "application/javascript")}


@pytest.mark.parametrize("path", PAGES)
async def test_page_links_the_shared_assets_before_its_own(
    web_client: httpx.AsyncClient, path: str
) -> None:
    html = (await web_client.get(path)).text
    assert re.findall(r'(?:src|href)="([^"#]+)"', html) == PAGE_ASSETS[path]


@pytest.mark.parametrize("path", PAGES)
async def test_every_local_asset_is_served_and_nothing_comes_from_elsewhere(
    web_client: httpx.AsyncClient, path: str
) -> None:
    page = await web_client.get(path)
    # Same origin and relative, so the page's CSP (style-src/script-src 'self') allows them.
    csp = page.headers["content-security-policy"]
    assert "style-src 'self'" in csp and "script-src 'self'" in csp
    assets = re.findall(r'(?:src|href)="([^"#]+)"', page.text)
    assert assets
    for asset in assets:
        assert not re.match(r"^(https?:)?//", asset), f"external asset {asset}"
        response = await web_client.get("/" + asset.lstrip("/"))
        assert response.status_code == 200, asset
        content_type = response.headers["content-type"]
        expected = ASSET_TYPES[asset[asset.rindex(".") :]]
        assert content_type.startswith(expected), (asset, content_type)


async def test_embed_script_is_served_as_javascript(web_client: httpx.AsyncClient) -> None:
    response = await web_client.get("/embed.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert "iframe" in response.text


def test_scripts_never_parse_text_as_html_or_store_anything() -> None:
    """Bot and resident text goes in with textContent only; no Web Storage, no cookies set."""
    for script in (CHANNELS / "static").glob("*.js"):
        source = script.read_text(encoding="utf-8")
        for forbidden in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write"):
            assert forbidden not in source, f"{script.name} uses {forbidden}"
        assert "setItem(" not in source, script.name
        assert "eval(" not in source, script.name


async def test_topics_are_the_main_topics(web_client: httpx.AsyncClient) -> None:
    response = await web_client.get("/api/topics")
    assert response.status_code == 200
    topics = response.json()
    assert [t["title"] for t in topics] == [t["title"] for t in main_topics()]
    # the payloads are the bot's signed tokens for the main topics' questions
    app = web_client.app  # type: ignore[attr-defined]
    buttons = app.state.services.conversation._buttons
    assert [buttons.read(t["payload"]) for t in topics] == [t["payload"] for t in main_topics()]


async def test_furigana_returns_parts_with_readings(web_client: httpx.AsyncClient) -> None:
    response = await web_client.post("/api/furigana", json={"text": "住民票を申し込む。"})
    assert response.status_code == 200
    parts = response.json()
    assert "".join(p["text"] for p in parts) == "住民票を申し込む。"
    assert parts[0] == {"text": "住民票", "reading": "じゅうみんひょう"}
    assert {"text": "申", "reading": "もう"} in parts
    assert all("reading" not in p for p in parts if not re.search(r"[一-龯]", p["text"]))


async def test_furigana_keeps_markup_as_plain_text(web_client: httpx.AsyncClient) -> None:
    text = "<script>alert(1)</script>"
    response = await web_client.post("/api/furigana", json={"text": text})
    assert response.json() == [{"text": text}]


@pytest.mark.parametrize("body", [{}, {"text": 1}, {"text": "あ" * 5001}, {"txt": "住民票"}])
async def test_furigana_rejects_bad_input_with_a_json_4xx(
    web_client: httpx.AsyncClient, body: dict[str, object]
) -> None:
    response = await web_client.post("/api/furigana", json=body)
    assert response.status_code == 422
    assert "error" in response.json()


async def test_qr_code_is_an_svg(web_client: httpx.AsyncClient) -> None:
    url = "https://www.example.jp/kurashi/juminhyo.html?lang=ja#top"
    response = await web_client.get("/api/qr", params={"url": url})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.text.startswith("<svg")
    assert "<script" not in response.text


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "ftp://example.jp/file",
        "tel:0000000000",
        "https://",
        "/relative/path",
        "https://example.jp/" + "a" * 500,
        "https://example.jp/a b",
        "",
    ],
)
async def test_qr_code_refuses_anything_but_short_http_urls(
    web_client: httpx.AsyncClient, url: str
) -> None:
    response = await web_client.get("/api/qr", params={"url": url})
    assert response.status_code == 400
    assert "error" in response.json()


async def test_qr_code_without_url_is_a_4xx(web_client: httpx.AsyncClient) -> None:
    response = await web_client.get("/api/qr")
    assert response.status_code == 422


async def test_chat_api_still_answers_politely_without_rasa(
    web_client: httpx.AsyncClient,
) -> None:
    response = await web_client.post("/api/chat", json={"session_id": "w1", "text": "住民票"})
    assert response.status_code == 200
    body = response.json()
    assert body["session_id"].startswith("s1."), "the server issues the session"
    assert body["messages"][0]["text"]

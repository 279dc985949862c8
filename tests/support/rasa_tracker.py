"""What Rasa itself made of a web-chat conversation: its tracker, over Rasa's HTTP API.

The app talks to Rasa as sender `web-<session>` (app/routers/web.py). Rasa's API takes the
token the supervisor passes with `--auth-token` when RASA_TOKEN is set; on loopback without
it, none.
"""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import quote

import httpx

WEB_SENDER_PREFIX = "web-"


def tracker(rasa_url: str, session_id: str) -> dict[str, Any]:
    token = os.environ.get("RASA_TOKEN", "")
    params = {"token": token} if token else {}
    sender = quote(f"{WEB_SENDER_PREFIX}{session_id}", safe="")
    response = httpx.get(f"{rasa_url}/conversations/{sender}/tracker", params=params, timeout=30)
    response.raise_for_status()
    return response.json()


def user_events(state: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for e in state["events"] if e["event"] == "user"]


def slots_set(state: dict[str, Any]) -> dict[str, Any]:
    """The slots that hold a value (Rasa lists every slot of the domain, most of them None)."""
    return {name: value for name, value in state["slots"].items() if value is not None}

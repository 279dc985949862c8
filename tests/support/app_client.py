"""The real app, in-process, with Rasa down (nothing listens on its port).

The 'dependency down' case: every message then gets the app's polite 'please try again'
reply, which is what the HTTP-layer, page and LINE tests need.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx

from app.main import create_app
from app.settings import Settings
from tests.support.ports import unused_port


def settings_without_rasa(data_dir: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "rasa_url": f"http://127.0.0.1:{unused_port()}",
        "data_dir": data_dir,
        "load_knowledge_index": False,
    }
    values.update(overrides)
    return Settings(**values)


@asynccontextmanager
async def app_client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """An httpx client calling the app in-process, with its lifespan run around it."""
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://app") as client:
            client.app = app  # type: ignore[attr-defined]  # tests reach the service graph
            yield client

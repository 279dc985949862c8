from __future__ import annotations

import socket
from collections.abc import AsyncIterator

import httpx
import pytest

from app.main import create_app
from app.settings import Settings


def unused_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
async def client_without_rasa(tmp_path) -> AsyncIterator[httpx.AsyncClient]:
    """The real app with Rasa down (nothing listens on its port): the 'dependency down' case."""
    settings = Settings(
        rasa_url=f"http://127.0.0.1:{unused_port()}",
        data_dir=tmp_path,
        load_knowledge_index=False,
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://app") as client:
            yield client

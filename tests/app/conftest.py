from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from tests.support.app_client import app_client, settings_without_rasa


@pytest.fixture
async def client_without_rasa(tmp_path) -> AsyncIterator[httpx.AsyncClient]:
    """The real app with Rasa down (nothing listens on its port): the 'dependency down' case."""
    async with app_client(settings_without_rasa(tmp_path)) as client:
        yield client

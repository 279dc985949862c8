"""A change to knowledge/ reaches residents without a restart: the new municipality.yml and
the new index are swapped in together, and replies that name a contact use the new one."""

from __future__ import annotations

import asyncio
import shutil
import time
from pathlib import Path

import pytest

from repo_paths import REPO_ROOT
from tests.support.app_client import app_client, settings_without_rasa

pytestmark = pytest.mark.slow

TINY_KNOWLEDGE = REPO_ROOT / "tests" / "data" / "knowledge_tiny"
OLD_PHONE = "000-000-1000"
NEW_PHONE = "000-999-0000"


async def unavailable_reply(client) -> str:
    response = await client.post("/api/chat", json={"session_id": "reload", "text": "こんにちは"})
    return response.json()["messages"][0]["text"]


async def test_a_reload_changes_the_contact_in_the_unavailable_reply(tmp_path: Path) -> None:
    knowledge = shutil.copytree(TINY_KNOWLEDGE, tmp_path / "knowledge")
    settings = settings_without_rasa(
        tmp_path / "var",
        knowledge_dir=knowledge,
        index_dir=tmp_path / "index",
        load_knowledge_index=True,
        knowledge_watch_seconds=0.5,
    )
    async with app_client(settings) as client:
        before = await unavailable_reply(client)
        municipality = knowledge / "municipality.yml"
        municipality.write_text(
            municipality.read_text(encoding="utf-8").replace(
                f"phone: {OLD_PHONE}", f"phone: {NEW_PHONE}"
            ),
            encoding="utf-8",
        )
        deadline = time.monotonic() + 30
        after = before
        while NEW_PHONE not in after and time.monotonic() < deadline:
            await asyncio.sleep(0.5)
            after = await unavailable_reply(client)

    assert OLD_PHONE in before
    assert NEW_PHONE in after, "the reloaded municipality.yml did not reach the reply in 30 s"
    assert OLD_PHONE not in after


def test_the_watch_interval_keeps_the_30_second_promise() -> None:
    from app.settings import Settings

    assert Settings().knowledge_watch_seconds <= 30
    with pytest.raises(ValueError):
        Settings(knowledge_watch_seconds=60)

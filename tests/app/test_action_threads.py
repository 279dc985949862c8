"""Custom actions run off the event loop: a slow action does not hold up other requests."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

from rasa_sdk import Action
from rasa_sdk.executor import ActionExecutor

from app.action_threads import ThreadedActionExecutor


class BlockingAction(Action):
    """Stands in for an answer whose question is being encoded: blocks until released."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.running = threading.Event()

    def name(self) -> str:
        return "action_blocking"

    def run(self, dispatcher: Any, tracker: Any, domain: Any) -> list[dict[str, Any]]:
        self.running.set()
        self.release.wait(timeout=10)
        dispatcher.utter_message(text="done")
        return []


def action_call() -> dict[str, Any]:
    return {
        "next_action": "action_blocking",
        "sender_id": "s",
        "tracker": {"sender_id": "s", "slots": {}, "latest_message": {}, "events": []},
        "domain": {},
        "version": "3.6.0",
    }


async def test_the_event_loop_keeps_serving_while_an_action_blocks() -> None:
    action = BlockingAction()
    executor = ActionExecutor()
    executor.register_action(action)
    threaded = ThreadedActionExecutor(executor, threads=2)
    try:
        call = asyncio.create_task(threaded.run(action_call()))
        assert await asyncio.to_thread(action.running.wait, 5)
        # the loop is free: other work completes while the action is still blocked
        ticks = 0
        for _ in range(5):
            await asyncio.sleep(0.01)
            ticks += 1
        assert ticks == 5 and not call.done()
        action.release.set()
        result = await asyncio.wait_for(call, timeout=5)
    finally:
        threaded.close()
    assert result is not None
    assert [r["text"] for r in result.model_dump()["responses"]] == ["done"]


async def test_calls_beyond_the_bound_wait_for_a_free_thread() -> None:
    action = BlockingAction()
    executor = ActionExecutor()
    executor.register_action(action)
    threaded = ThreadedActionExecutor(executor, threads=1)
    try:
        first = asyncio.create_task(threaded.run(action_call()))
        assert await asyncio.to_thread(action.running.wait, 5)
        action.running.clear()
        second = asyncio.create_task(threaded.run(action_call()))
        await asyncio.sleep(0.2)
        assert not action.running.is_set(), "the second call started beyond the bound"
        action.release.set()
        await asyncio.wait_for(asyncio.gather(first, second), timeout=5)
    finally:
        threaded.close()

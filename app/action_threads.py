"""Runs Rasa's custom actions on a bounded pool of threads, off the app's event loop.

Our actions are synchronous (the retriever encodes the question and searches the index), and
rasa-sdk's executor calls a synchronous action inline: on the event loop, every other
resident's request would wait while one question is encoded. Each call therefore runs the
executor in a worker thread with an event loop of its own. The bound keeps a burst of action
calls from starting more encodings at once than two cores can serve; the rest queue.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from rasa_sdk.executor import ActionExecutor, ActionExecutorRunResult, ActionName

DEFAULT_ACTION_THREADS = 4


class ThreadedActionExecutor:
    def __init__(self, executor: ActionExecutor, *, threads: int = DEFAULT_ACTION_THREADS) -> None:
        self._executor = executor
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="action")

    async def run(self, action_call: dict[str, Any]) -> ActionExecutorRunResult | None:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, self._run_in_thread, action_call)

    def _run_in_thread(self, action_call: dict[str, Any]) -> ActionExecutorRunResult | None:
        return asyncio.run(self._executor.run(action_call))

    def list_actions(self) -> list[ActionName]:
        return self._executor.list_actions()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=False)

"""Reply and push through line-bot-sdk v3's async client, with retries.

The base URL is configurable (LINE_API_ENDPOINT) so that tests point it at a local recorder.
Network errors and 5xx are retried; a 4xx is returned to the caller (an expired reply token
means: push instead), never raised. A push carries one X-Line-Retry-Key over all its retries,
so LINE delivers it once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

import aiohttp
from linebot.v3.messaging import (
    ApiException,
    AsyncApiClient,
    AsyncMessagingApi,
    Configuration,
    Message,
    PushMessageRequest,
    ReplyMessageRequest,
)

logger = logging.getLogger(__name__)

RETRY_DELAYS_SECONDS = (0.5, 1.0, 2.0)


class LineApi:
    """Reply/push with retries; 4xx are logged, never raised to the caller."""

    def __init__(
        self, access_token: str, endpoint: str, on_retry: Callable[[], None] | None = None
    ) -> None:
        self._client = AsyncApiClient(Configuration(access_token=access_token, host=endpoint))
        self._api = AsyncMessagingApi(self._client)
        # told of every retry, so that operations see a LINE API in trouble before it gives up
        self._on_retry = on_retry or (lambda: None)

    async def close(self) -> None:
        await self._client.close()

    async def _call(self, what: str, call: Any) -> int | None:
        """Runs `call()` with retries; returns None on success, else the last HTTP status."""
        status: int | None = None
        for attempt, delay in enumerate((0.0, *RETRY_DELAYS_SECONDS)):
            if delay:
                self._on_retry()
                await asyncio.sleep(delay)
            try:
                await call()
                return None
            except ApiException as error:
                status = error.status
                if status is not None and 400 <= status < 500:
                    logger.warning("LINE %s rejected (%s): %s", what, status, error.body)
                    return status
                logger.warning("LINE %s failed (%s), attempt %d", what, status, attempt + 1)
            except (aiohttp.ClientError, TimeoutError, OSError) as error:
                status = 0
                logger.warning("LINE %s network error %r, attempt %d", what, error, attempt + 1)
            except Exception:  # the request may have gone out: never send twice
                logger.exception("LINE %s: unexpected error, not retried", what)
                return None
        logger.error("LINE %s gave up after %d attempts", what, len(RETRY_DELAYS_SECONDS) + 1)
        return status

    async def reply(self, reply_token: str, messages: list[Message]) -> int | None:
        request = ReplyMessageRequest(replyToken=reply_token, messages=messages)
        return await self._call("reply", lambda: self._api.reply_message(request))

    async def push(self, to: str, messages: list[Message], retry_key: str) -> int | None:
        """`retry_key` is the same on every retry (and after a restart): LINE sends once."""
        request = PushMessageRequest(to=to, messages=messages)
        return await self._call(
            "push", lambda: self._api.push_message(request, x_line_retry_key=retry_key)
        )

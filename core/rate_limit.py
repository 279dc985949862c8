"""A burst from one sender gets a polite "slow down", and nobody else waits for it.

A token bucket per sender (a LINE user, a web session): `burst` messages at once, refilled at
`rate` per second. In memory, per app process: enough to keep one runaway client (or a
stuck key) from taking the bot's time from everyone else.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable


class SenderRateLimiter:
    def __init__(
        self,
        burst: int = 8,
        rate: float = 0.5,
        max_senders: int = 100_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.burst = burst
        self.rate = rate
        self._max_senders = max_senders
        self._clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def allow(self, sender: str) -> bool:
        now = self._clock()
        with self._lock:
            tokens, last = self._buckets.pop(sender, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - last) * self.rate)
            allowed = tokens >= 1.0
            self._buckets[sender] = (tokens - 1.0 if allowed else tokens, now)
            while len(self._buckets) > self._max_senders:
                self._buckets.popitem(last=False)
        return allowed

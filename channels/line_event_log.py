"""Remembers which LINE webhook events were handled, so a redelivery is not answered twice.

LINE redelivers an event when our 200 did not arrive; the event then carries the same
webhookEventId. The key also includes a hash of the event itself (without its delivery
context), so distinct events that share an id (as in LINE's own SDK test fixtures) stay
distinct. Kept in SQLite so that it survives a restart; old rows are pruned.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

RETENTION_SECONDS = 7 * 24 * 3600
MAX_ROWS = 100_000


def event_key(raw_event: dict[str, Any]) -> str:
    content = {k: v for k, v in raw_event.items() if k != "deliveryContext"}
    digest = hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()[:32]
    return f"{raw_event.get('webhookEventId', '')}:{digest}"


class LineEventLog:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()
        with self._connect() as db:
            db.execute(
                "CREATE TABLE IF NOT EXISTS line_events "
                "(event_key TEXT PRIMARY KEY, received_at REAL NOT NULL)"
            )

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=10)

    def first_time(self, key: str) -> bool:
        """Records `key`; True if it had not been seen before."""
        now = time.time()
        with self._lock, self._connect() as db:
            cursor = db.execute(
                "INSERT OR IGNORE INTO line_events (event_key, received_at) VALUES (?, ?)",
                (key, now),
            )
            if cursor.rowcount and int(now) % 100 == 0:
                self._prune(db, now)
            return cursor.rowcount == 1

    @staticmethod
    def _prune(db: sqlite3.Connection, now: float) -> None:
        db.execute("DELETE FROM line_events WHERE received_at < ?", (now - RETENTION_SECONDS,))
        db.execute(
            "DELETE FROM line_events WHERE event_key NOT IN (SELECT event_key FROM line_events "
            "ORDER BY received_at DESC LIMIT ?)",
            (MAX_ROWS,),
        )

"""LINE events, kept on disk from the moment the webhook accepts them until they are answered.

The webhook answers 200 only after the events are written (SQLite), in the same transaction
as the de-duplication record: an app that dies afterwards finds them again at start and
answers them then (a push with a retry key derived from the event, when the reply token has
expired). Workers take events at least once; the de-duplication key and LINE's retry key make
that one reply. The queue is bounded: when it is full the webhook says 503 and LINE delivers
again later.

The key includes a hash of the event without its delivery context, so a redelivery (same
webhookEventId, isRedelivery true) is recognized, while distinct events that share an id (as
in LINE's own SDK test fixtures) stay distinct.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

QUEUED, WORKING, DONE, FAILED = "queued", "working", "done", "failed"
RETENTION_SECONDS = 7 * 24 * 3600  # how long answered events are remembered (redeliveries)
MAX_QUEUED = 10_000
LEASE_SECONDS = 120.0  # a worker that holds an event longer is presumed dead
MAX_ATTEMPTS = 5
SCHEMA = """
CREATE TABLE IF NOT EXISTS line_events (
    event_key TEXT PRIMARY KEY,
    received_at REAL NOT NULL,
    state TEXT NOT NULL,
    raw TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    not_before REAL NOT NULL DEFAULT 0,
    lease_until REAL NOT NULL DEFAULT 0,
    owner INTEGER,
    finished_at REAL
);
CREATE INDEX IF NOT EXISTS line_events_waiting ON line_events (state, received_at);
"""


def event_key(raw_event: dict[str, Any]) -> str:
    content = {k: v for k, v in raw_event.items() if k != "deliveryContext"}
    digest = hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()[:32]
    return f"{raw_event.get('webhookEventId', '')}:{digest}"


def retry_key(key: str) -> str:
    """The X-Line-Retry-Key of an event's push: the same on every attempt and after a
    restart, so LINE delivers the push once."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "line-event:" + key))


class QueueFullError(RuntimeError):
    """Too many events wait already; LINE should deliver these again later."""


@dataclass(frozen=True)
class QueuedEvent:
    key: str
    raw: dict[str, Any]
    attempts: int
    received_at: float


@dataclass(frozen=True)
class Accepted:
    new: int
    duplicates: int


class LineEventQueue:
    def __init__(self, path: Path, max_queued: int = MAX_QUEUED) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.max_queued = max_queued
        self._lock = threading.Lock()
        with self._connect() as db:
            db.executescript(SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30)
        db.execute("PRAGMA journal_mode=WAL")
        return db

    def accept(self, raw_events: list[dict[str, Any]]) -> Accepted:
        """Writes new events in one transaction; redeliveries of known ones are skipped."""
        now = time.time()
        with self._lock, self._connect() as db:
            waiting = db.execute(
                "SELECT COUNT(*) FROM line_events WHERE state IN (?, ?)", (QUEUED, WORKING)
            ).fetchone()[0]
            if waiting + len(raw_events) > self.max_queued:
                raise QueueFullError(f"{waiting} LINE events wait already")
            new = 0
            for raw in raw_events:
                cursor = db.execute(
                    "INSERT OR IGNORE INTO line_events (event_key, received_at, state, raw) "
                    "VALUES (?, ?, ?, ?)",
                    (event_key(raw), now, QUEUED, json.dumps(raw, ensure_ascii=False)),
                )
                new += cursor.rowcount
            if new and int(now) % 50 == 0:
                db.execute(
                    "DELETE FROM line_events WHERE state IN (?, ?) AND finished_at < ?",
                    (DONE, FAILED, now - RETENTION_SECONDS),
                )
        return Accepted(new, len(raw_events) - new)

    def take(self) -> QueuedEvent | None:
        """The oldest event that is due, leased to the caller (None when there is none)."""
        now = time.time()
        with self._lock, self._connect() as db:
            row = db.execute(
                "SELECT event_key, raw, attempts, received_at FROM line_events "
                "WHERE (state = ? AND not_before <= ?) OR (state = ? AND lease_until < ?) "
                "ORDER BY received_at, rowid LIMIT 1",
                (QUEUED, now, WORKING, now),
            ).fetchone()
            if row is None:
                return None
            db.execute(
                "UPDATE line_events SET state = ?, lease_until = ?, owner = ?, "
                "attempts = attempts + 1 WHERE event_key = ?",
                (WORKING, now + LEASE_SECONDS, os.getpid(), row[0]),
            )
        return QueuedEvent(row[0], json.loads(row[1]), row[2] + 1, row[3])

    def done(self, key: str) -> None:
        """Answered: the content is dropped, the key stays for de-duplication."""
        with self._lock, self._connect() as db:
            db.execute(
                "UPDATE line_events SET state = ?, raw = NULL, finished_at = ? WHERE event_key = ?",
                (DONE, time.time(), key),
            )

    def retry_later(self, event: QueuedEvent, delay: float) -> bool:
        """Back to the queue after `delay`; False (and given up) after MAX_ATTEMPTS."""
        give_up = event.attempts >= MAX_ATTEMPTS
        with self._lock, self._connect() as db:
            if give_up:
                db.execute(
                    "UPDATE line_events SET state = ?, raw = NULL, finished_at = ? "
                    "WHERE event_key = ?",
                    (FAILED, time.time(), event.key),
                )
            else:
                db.execute(
                    "UPDATE line_events SET state = ?, not_before = ? WHERE event_key = ?",
                    (QUEUED, time.time() + delay, event.key),
                )
        return not give_up

    def release_abandoned(self) -> int:
        """At start: events held by a process that is gone are due again at once (other
        workers of this machine keep theirs; the lease covers anything else)."""
        with self._lock, self._connect() as db:
            owners = [
                r[0]
                for r in db.execute(
                    "SELECT DISTINCT owner FROM line_events WHERE state = ?", (WORKING,)
                )
            ]
            gone = [o for o in owners if o is None or not _alive(o)]
            for owner in gone:
                db.execute(
                    "UPDATE line_events SET state = ?, lease_until = 0, owner = NULL "
                    "WHERE state = ? AND (owner = ? OR owner IS NULL)",
                    (QUEUED, WORKING, owner),
                )
        return len(gone)

    def depth(self) -> int:
        with self._lock, self._connect() as db:
            return int(
                db.execute(
                    "SELECT COUNT(*) FROM line_events WHERE state IN (?, ?)", (QUEUED, WORKING)
                ).fetchone()[0]
            )

    def oldest_age(self) -> float:
        with self._lock, self._connect() as db:
            oldest = db.execute(
                "SELECT MIN(received_at) FROM line_events WHERE state IN (?, ?)", (QUEUED, WORKING)
            ).fetchone()[0]
        return 0.0 if oldest is None else max(0.0, time.time() - oldest)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True

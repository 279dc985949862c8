"""The durable LINE queue: accepted once, taken at least once, bounded, found after a crash."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from channels.line_event_queue import (
    DONE,
    FAILED,
    MAX_ATTEMPTS,
    LineEventQueue,
    QueueFullError,
    event_key,
    retry_key,
)


def event(n: int, **extra) -> dict:
    return {"type": "message", "webhookEventId": f"01EV{n:04d}", "replyToken": f"r{n}", **extra}


def test_events_come_out_in_order_and_once_answered_are_gone(tmp_path: Path) -> None:
    queue = LineEventQueue(tmp_path / "q.sqlite3")
    queue.accept([event(1), event(2)])

    first, second = queue.take(), queue.take()
    queue.done(first.key)
    queue.done(second.key)

    assert [first.raw["replyToken"], second.raw["replyToken"]] == ["r1", "r2"]
    assert queue.take() is None
    assert queue.depth() == 0


def test_a_redelivery_is_recognized_in_the_same_transaction(tmp_path: Path) -> None:
    queue = LineEventQueue(tmp_path / "q.sqlite3")

    first = queue.accept([event(1)])
    again = queue.accept([event(1, deliveryContext={"isRedelivery": True})])
    queue.done(queue.take().key)
    after_done = queue.accept([event(1, deliveryContext={"isRedelivery": True})])

    assert (first.new, again.new, after_done.new) == (1, 0, 0)
    assert queue.depth() == 0


def test_the_queue_is_bounded(tmp_path: Path) -> None:
    queue = LineEventQueue(tmp_path / "q.sqlite3", max_queued=3)
    queue.accept([event(1), event(2), event(3)])

    with pytest.raises(QueueFullError):
        queue.accept([event(4)])
    assert queue.depth() == 3


def test_a_failed_event_is_tried_again_later_then_given_up(tmp_path: Path) -> None:
    queue = LineEventQueue(tmp_path / "q.sqlite3")
    queue.accept([event(1)])

    for _ in range(MAX_ATTEMPTS - 1):
        assert queue.retry_later(queue.take(), delay=0) is True
    assert queue.retry_later(queue.take(), delay=0) is False

    with sqlite3.connect(tmp_path / "q.sqlite3") as db:
        state, raw = db.execute("SELECT state, raw FROM line_events").fetchone()
    assert (state, raw) == (FAILED, None)


def test_a_retry_waits_its_delay(tmp_path: Path) -> None:
    queue = LineEventQueue(tmp_path / "q.sqlite3")
    queue.accept([event(1)])
    queue.retry_later(queue.take(), delay=3600)

    assert queue.take() is None
    assert queue.depth() == 1
    assert queue.oldest_age() >= 0


def test_events_a_dead_process_held_are_due_again_at_start(tmp_path: Path) -> None:
    queue = LineEventQueue(tmp_path / "q.sqlite3")
    queue.accept([event(1), event(2)])
    held = queue.take()
    with sqlite3.connect(tmp_path / "q.sqlite3") as db:  # as if a crashed worker held it
        db.execute("UPDATE line_events SET owner = ? WHERE event_key = ?", (2**22 + 7, held.key))

    assert queue.release_abandoned() == 1
    taken = [queue.take().key, queue.take().key]
    assert held.key in taken


def test_answered_events_keep_only_their_key(tmp_path: Path) -> None:
    queue = LineEventQueue(tmp_path / "q.sqlite3")
    queue.accept([event(1, message={"type": "text", "text": "私の電話番号は…"})])
    queue.done(queue.take().key)

    with sqlite3.connect(tmp_path / "q.sqlite3") as db:
        assert db.execute("SELECT state, raw FROM line_events").fetchone() == (DONE, None)


def test_the_retry_key_is_stable_per_event() -> None:
    key = event_key(event(1))

    assert retry_key(key) == retry_key(key)
    assert retry_key(key) != retry_key(event_key(event(2)))
    assert os.path.basename(retry_key(key)).count("-") == 4  # a UUID, as LINE expects

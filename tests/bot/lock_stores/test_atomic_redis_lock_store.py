"""The lock store of the scale deployment against a real Redis server (Rasa's environment).

Two store objects on two connections stand for two Rasa replicas. The interleavings that
lose a ticket with Rasa's own store are forced deterministically: the other replica acts
between this replica's read of the lock and its write.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator

import pytest
from rasa.core.lock import TicketLock
from rasa.core.lock_store import RedisLockStore
from rasa.utils.endpoints import EndpointConfig

from bot.lock_stores.atomic_redis_lock_store import AtomicRedisLockStore
from stack.system_packages import REDIS
from tests.support.redis_server import RedisServer, running_redis

CONVERSATION = "resident-1"


@pytest.fixture(scope="module")
def redis_server() -> Iterator[RedisServer]:
    if REDIS.program() is None:
        pytest.skip(
            f"Debian package {REDIS.name} not installed: `python3 -m stack setup` installs it"
        )
    with running_redis() as server:
        yield server


@pytest.fixture
def replicas(redis_server: RedisServer) -> Iterator[tuple[AtomicRedisLockStore, ...]]:
    # as Rasa builds it from bot/endpoints.docker.yml: the port is a string there
    config = EndpointConfig(
        url=redis_server.host,
        type="bot.lock_stores.atomic_redis_lock_store.AtomicRedisLockStore",
        port=str(redis_server.port),
        db=1,
    )
    stores = (AtomicRedisLockStore(config), AtomicRedisLockStore(config))
    stores[0].red.flushdb()  # each test starts without locks
    yield stores


def ticket_numbers(store: RedisLockStore) -> list[int]:
    lock = store.get_lock(CONVERSATION)
    return [ticket.number for ticket in lock.tickets] if lock else []


def draw_while_the_other_replica_draws(
    first: RedisLockStore, second: RedisLockStore, monkeypatch: pytest.MonkeyPatch
) -> list[int]:
    original = TicketLock.issue_ticket
    calls: list[int] = []
    drawn: list[int] = []

    def issue(lock: TicketLock, lifetime: float) -> int:
        calls.append(1)
        if len(calls) == 1:  # first has read the lock and not yet written it
            drawn.append(second.issue_ticket(CONVERSATION))
        return original(lock, lifetime)

    monkeypatch.setattr(TicketLock, "issue_ticket", issue)
    drawn.append(first.issue_ticket(CONVERSATION))
    return drawn


def test_two_replicas_drawing_at_the_same_moment_get_different_tickets(
    replicas: tuple[AtomicRedisLockStore, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = replicas

    drawn = draw_while_the_other_replica_draws(first, second, monkeypatch)

    assert sorted(drawn) == [0, 1]
    assert ticket_numbers(first) == [0, 1]


@pytest.mark.xfail(strict=True, reason="Rasa 3.6's RedisLockStore: both draw ticket 0")
def test_rasa_own_store_gives_both_replicas_the_same_ticket(
    redis_server: RedisServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = (RedisLockStore(redis_server.host, redis_server.port) for _ in range(2))
    first.red.flushdb()

    drawn = draw_while_the_other_replica_draws(first, second, monkeypatch)

    assert sorted(drawn) == [0, 1]


def test_releasing_the_last_ticket_keeps_a_ticket_drawn_meanwhile(
    replicas: tuple[AtomicRedisLockStore, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = replicas
    mine = first.issue_ticket(CONVERSATION)
    original = TicketLock.remove_ticket_for
    calls: list[int] = []
    theirs: list[int] = []

    def remove(lock: TicketLock, number: int) -> None:
        calls.append(1)
        if len(calls) == 1:  # first has read its lock with only its own ticket in it
            theirs.append(second.issue_ticket(CONVERSATION))
        original(lock, number)

    monkeypatch.setattr(TicketLock, "remove_ticket_for", remove)
    first.cleanup(CONVERSATION, mine)

    assert ticket_numbers(second) == theirs == [1]
    second.cleanup(CONVERSATION, theirs[0])
    assert second.get_lock(CONVERSATION) is None


def test_ten_messages_on_two_replicas_hold_the_lock_one_at_a_time(
    replicas: tuple[AtomicRedisLockStore, ...],
) -> None:
    holders = 0
    most_at_once = 0
    served: list[int] = []
    guard = threading.Lock()
    start = threading.Barrier(10)

    async def handle(store: AtomicRedisLockStore, message: int) -> None:
        nonlocal holders, most_at_once
        async with store.lock(CONVERSATION, wait_time_in_seconds=0.01):
            with guard:
                holders += 1
                most_at_once = max(most_at_once, holders)
            await asyncio.sleep(0.02)
            with guard:
                holders -= 1
                served.append(message)

    def replica_thread(message: int) -> None:
        start.wait()
        asyncio.run(handle(replicas[message % 2], message))

    threads = [threading.Thread(target=replica_thread, args=(m,)) for m in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(served) == list(range(10))
    assert most_at_once == 1
    assert replicas[0].get_lock(CONVERSATION) is None

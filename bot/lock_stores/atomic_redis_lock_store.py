"""Rasa's Redis lock store with every change of a lock made atomic, for several replicas.

Rasa 3.6's `RedisLockStore` changes a conversation's ticket lock by reading it, changing it
in the replica and writing it back. Two replicas that take a message of the same
conversation at the same moment both read the lock before either writes: both draw the same
ticket, both "hold" the lock, both save the tracker, and one message's events are lost
(tests/e2e/test_scale.py showed it; RasaHQ/rasa#9213; a concurrent Redis lock store was
added to Rasa and reverted again, RasaHQ/rasa#11256 and #11428). Here each change runs as a
Redis transaction on the lock's key (WATCH ... MULTI/EXEC, retried when another replica
changed the key in between), and releasing a ticket deletes the lock in the same
transaction only when no one else holds a ticket. Tickets, their order and their lifetimes
stay Rasa's own.

Configured in bot/endpoints.docker.yml as
`type: bot.lock_stores.atomic_redis_lock_store.AtomicRedisLockStore`, with the keys of
Rasa's `type: redis`. Runs inside Rasa's environment.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig
from redis.exceptions import WatchError

# A change returns the lock to store, or None to delete the key.
LockChange = Callable[[TicketLock | None], TicketLock | None]


class AtomicRedisLockStore(RedisLockStore):
    def __init__(self, endpoint_config: EndpointConfig) -> None:
        # the keys of Rasa's own `type: redis` (host in `url`, then port, db, password, ...)
        super().__init__(host=endpoint_config.url, **endpoint_config.kwargs)

    def _change(self, conversation_id: str, change: LockChange) -> None:
        """Applies `change` to the stored lock as one transaction, retrying on conflict."""
        key = self.key_prefix + conversation_id
        with self.red.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(key)
                    stored = pipe.get(key)
                    lock = TicketLock.from_dict(json.loads(stored)) if stored else None
                    changed = change(lock)
                    pipe.multi()
                    if changed is None:
                        pipe.delete(key)
                    else:
                        pipe.set(key, changed.dumps())
                    pipe.execute()
                    return
                except WatchError:
                    continue  # another replica changed the lock first: read it again

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        issued: list[int] = []

        def draw(lock: TicketLock | None) -> TicketLock:
            lock = lock or self.create_lock(conversation_id)
            issued[:] = [lock.issue_ticket(lock_lifetime)]
            return lock

        try:
            self._change(conversation_id, draw)
        except Exception as error:  # as Rasa's own: the caller expects a LockError
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error
        return issued[0]

    def update_lock(self, conversation_id: str) -> None:
        def drop_expired(lock: TicketLock | None) -> TicketLock | None:
            if lock is not None:
                lock.remove_expired_tickets()
            return lock

        self._change(conversation_id, drop_expired)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        def release(lock: TicketLock | None) -> TicketLock | None:
            if lock is not None:
                lock.remove_ticket_for(ticket_number)
            return lock

        self._change(conversation_id, release)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Releases the ticket, and deletes the lock only if no other ticket was drawn in
        the meantime (Rasa's two separate steps could delete a ticket just issued)."""

        def release_or_delete(lock: TicketLock | None) -> TicketLock | None:
            if lock is None:
                return None
            lock.remove_ticket_for(ticket_number)
            return lock if lock.is_someone_waiting() else None

        self._change(conversation_id, release_or_delete)

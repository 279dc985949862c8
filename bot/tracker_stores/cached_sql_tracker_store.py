"""Rasa's SQL tracker store, with recent conversations kept in memory and handed out short.

With Rasa's `SQLTrackerStore` a turn costs more the longer the conversation (issue 11): every
message loads the session's events from the database and replays them, counts the stored
events again to know which to append, and Rasa then goes over all of them several times
(bot/tracker_stores/recent_turns.py), posting them all to the action endpoint too. One
sender's messages are handled by one Rasa process, one at a time (its lock store), so the
tracker that process saved last is the one it would load again: this store keeps it.

- The database stays the record: `save` writes through, appending only the new events, and
  every other reader (`retrieve_full_tracker`, Rasa's `GET .../tracker`, `keys`, another
  process) reads it as before.
- A kept tracker is lent, not shared: `retrieve` takes it out of the cache and `save` puts it
  back. A turn that fails in between never gives it back, and the next `retrieve` loads the
  conversation from the database again; so does a kept tracker someone changed after saving.
- `retrieve` hands out the conversation's state with its last `recent_turns` turns
  (`recent_turns`), so what Rasa does per turn no longer grows with the conversation. Each
  handed-out tracker remembers how many of its events the database holds (its first ones):
  `save` appends the others, whatever became of the cache meanwhile.
- Kept: a tracker handed out by `retrieve` and saved back, and a new conversation's (Rasa
  creates it, through its fail-safe wrapper, after `retrieve` found no events for the sender;
  until something is saved for that sender the database holds none). After a turn that
  started a session (every conversation's first turn, the first after an idle hour) the
  database returns only the new session, so that is what is kept (`_last_session`). Any
  other tracker built elsewhere (Rasa's API replacing the events) is saved as Rasa does,
  counting the stored events, and ends the caching of that conversation until the next
  `retrieve`.
- At most `max_trackers` conversations are kept, the least recently used dropped first; a new
  model's domain drops them all.

Valid only where one Rasa process serves a sender (bot/endpoints.yml, SQLite). Several
replicas sharing a database (bot/endpoints.docker.yml) keep Rasa's `type: SQL`: a replica
would hand out a tracker another replica has added to since.

Configured in bot/endpoints.yml as
`type: bot.tracker_stores.cached_sql_tracker_store.CachedSQLTrackerStore` with the keys of
Rasa's `type: SQL` (Rasa passes them, and `host` from `url`, to the constructor),
`max_trackers` and `recent_turns`. Runs inside Rasa's environment.
"""

from __future__ import annotations

import itertools
import json
from collections import OrderedDict
from collections.abc import Iterator
from typing import Any

import sqlalchemy
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker, TrackerEventDiffEngine
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import SingletonThreadPool

from bot.tracker_stores.recent_turns import recent_turns as keep_recent_turns
from bot.tracker_stores.recent_turns import tracker_like

DEFAULT_MAX_TRACKERS = 200
DEFAULT_RECENT_TURNS = 10
# Rasa refuses rules with more than two user messages; a rule also needs the turn before
MIN_RECENT_TURNS = 3
# set on each tracker this store hands out: how many of its first events the database holds
PERSISTED_EVENTS = "_events_in_database"


class CachedSQLTrackerStore(SQLTrackerStore):
    def __init__(
        self,
        domain: Domain | None = None,
        max_trackers: int = DEFAULT_MAX_TRACKERS,
        recent_turns: int = DEFAULT_RECENT_TURNS,
        **kwargs: Any,
    ) -> None:
        if int(max_trackers) < 1:
            raise ValueError(f"max_trackers must be at least 1, not {max_trackers}")
        if int(recent_turns) < MIN_RECENT_TURNS:
            raise ValueError(f"recent_turns must be at least {MIN_RECENT_TURNS}")
        self._max_trackers = int(max_trackers)
        self._recent_turns = int(recent_turns)
        self._kept: OrderedDict[str, DialogueStateTracker] = OrderedDict()
        # senders `retrieve` found no events for, and not saved since: the database holds none
        self._absent: OrderedDict[str, None] = OrderedDict()
        super().__init__(domain=domain, **kwargs)
        if self.engine.dialect.name == "sqlite":
            self.engine.dispose()
            self.engine = _sqlite_engine_that_keeps_its_connection(self.engine.url)
            self.sessionmaker = sessionmaker(bind=self.engine)

    @property
    def domain(self) -> Domain:
        return self._domain

    @domain.setter
    def domain(self, domain: Domain | None) -> None:
        """A new model's domain has other slots: trackers built with the old one are dropped."""
        self._domain = domain or Domain.empty()
        self._kept.clear()

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        tracker = self._kept.pop(sender_id, None)
        if tracker is None or _persisted(tracker) != len(tracker.events):
            tracker = await super().retrieve(sender_id)
            if tracker is None:
                self._absent[sender_id] = None
                while len(self._absent) > self._max_trackers:
                    self._absent.popitem(last=False)
                return None
        recent = keep_recent_turns(tracker, self._recent_turns)
        setattr(recent, PERSISTED_EVENTS, len(recent.events))
        return recent

    async def save(self, tracker: DialogueStateTracker) -> None:
        if tracker.sender_id in self._absent:
            del self._absent[tracker.sender_id]
            if _persisted(tracker) is None:  # a new conversation: nothing stored to count
                setattr(tracker, PERSISTED_EVENTS, 0)
        persisted = _persisted(tracker)
        await self._append_new_events(tracker)
        if persisted is None:
            self._kept.pop(tracker.sender_id, None)
            return
        started_session = _starts_session(_after(tracker, persisted))
        setattr(tracker, PERSISTED_EVENTS, len(tracker.events))
        if started_session:
            session = _last_session(tracker)
            if session is None:
                self._kept.pop(tracker.sender_id, None)
                return
            setattr(session, PERSISTED_EVENTS, len(session.events))
            tracker = session
        self._kept[tracker.sender_id] = tracker
        self._kept.move_to_end(tracker.sender_id)
        while len(self._kept) > self._max_trackers:
            self._kept.popitem(last=False)

    async def _append_new_events(self, tracker: DialogueStateTracker) -> None:
        """Rasa's `SQLTrackerStore.save` with the same rows written in one statement.

        Rasa adds one ORM object per event, and the ORM inserts them one by one to learn each
        row's id: committing a turn's events was 6.7% of Rasa's time under 20 residents, 1.9%
        in one statement (docs/scale.md). The rows are Rasa's, column for column (`_event_row`)."""
        await self.stream_events(tracker)
        with self.session_scope() as session:
            rows = [
                _event_row(tracker.sender_id, logged)
                for logged in self._additional_events(session, tracker)
            ]
            if rows:
                session.execute(self.SQLEvent.__table__.insert(), rows)
            session.commit()

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator[Event]:
        """The events after those the database holds; counted there for a tracker not from
        here, as Rasa does."""
        persisted = _persisted(tracker)
        if persisted is None:
            return super()._additional_events(session, tracker)
        return _after(tracker, persisted)

    async def stream_events(self, tracker: DialogueStateTracker) -> None:
        """As Rasa's, with the new events known here, or else diffed against the database's
        tracker (a handed-out tracker starts later than the database's)."""
        if self.event_broker is None:
            return
        persisted = _persisted(tracker)
        if persisted is None:
            stored = await super().retrieve(tracker.sender_id)
            new_events = TrackerEventDiffEngine.event_difference(stored, tracker)
        else:
            new_events = list(_after(tracker, persisted))
        await self._stream_new_events(self.event_broker, new_events, tracker.sender_id)


def _sqlite_engine_that_keeps_its_connection(url: Any) -> Engine:
    """An engine for Rasa's SQLite file that keeps one open connection per thread, committing
    to a write-ahead log without waiting for the disk.

    Rasa's engine for a SQLite file uses SQLAlchemy's NullPool: every `save` and `retrieve`
    opened the file anew and closed it, and the last connection closing checkpoints the log
    to the disk. With SQLite's default `synchronous=FULL` every commit also waited for the
    disk, inside Rasa's one event loop: under 20 residents the Rasa process was busy only 75%
    of the time, with 16% of its samples in `Session.commit` and 6% in closing connections
    (py-spy --idle, docs/scale.md). In WAL mode with `synchronous=NORMAL` a commit is a write
    to the log and the disk is synced at checkpoints: the file cannot be corrupted, and a
    power cut (not a crash of Rasa) can lose the last turns' events, which the resident has
    already been shown."""
    engine = sqlalchemy.create_engine(url, poolclass=SingletonThreadPool)

    @event.listens_for(engine, "connect")
    def _on_connect(connection: Any, _record: Any) -> None:
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return engine


def _event_row(sender_id: str, logged: Event) -> dict[str, Any]:
    """The columns `SQLTrackerStore.save` fills for an event."""
    data = logged.as_dict()
    return {
        "sender_id": sender_id,
        "type_name": logged.type_name,
        "timestamp": data.get("timestamp"),
        "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
        "action_name": data.get("name"),
        "data": json.dumps(data),
    }


def _persisted(tracker: DialogueStateTracker) -> int | None:
    return getattr(tracker, PERSISTED_EVENTS, None)


def _after(tracker: DialogueStateTracker, persisted: int) -> Iterator[Event]:
    return itertools.islice(tracker.events, persisted, None)


def _last_session(tracker: DialogueStateTracker) -> DialogueStateTracker | None:
    """The tracker Rasa's SQL store reads back after a turn that started a session: the events
    from the last `SessionStarted` on, replayed; None where the timestamps would make its query
    (every event at or after the last session start's timestamp) select other events.

    Without it the second turn of every conversation read the database again: under 20
    residents who each start a conversation every few turns, retrieving was 7.3% of Rasa's
    time, 3.1-4.9% with it (the rest: senders seen for the first time; docs/scale.md)."""
    events = list(tracker.events)
    starts = [index for index, logged in enumerate(events) if isinstance(logged, SessionStarted)]
    start = starts[-1]
    at = events[start].timestamp
    if any(logged.timestamp >= at for logged in events[:start]) or any(
        logged.timestamp < at for logged in events[start:]
    ):
        return None
    return tracker_like(tracker, events[start:])


def _starts_session(events: Iterator[Event]) -> bool:
    return any(isinstance(event, SessionStarted) for event in events)

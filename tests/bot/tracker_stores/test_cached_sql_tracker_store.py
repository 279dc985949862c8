"""The cached SQL tracker store against a real SQLite file (Rasa's environment).

A plain `SQLTrackerStore` on the same file stands for what Rasa's own store, or another
process, reads from the database: the database must hold every event once, and every tracker
the cache hands out must be in the state Rasa's store would have built.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import sqlalchemy
import yaml
from rasa.core.processor import MessageProcessor
from rasa.core.tracker_store import SQLTrackerStore, TrackerStore
from rasa.core.utils import AvailableEndpoints
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity
from rasa.utils.endpoints import EndpointConfig

from bot.tracker_stores.cached_sql_tracker_store import CachedSQLTrackerStore
from repo_paths import BOT_DIR
from tests.support.rasa_turns import (
    DOMAIN,
    FORM,
    Turn,
    card_application,
    conversation,
    greeting,
    procedure_question,
    session_start,
    user,
)

STORE_TYPE = "bot.tracker_stores.cached_sql_tracker_store.CachedSQLTrackerStore"
SENDER = "web-resident"
RECENT_TURNS = 10


def run(coroutine: Any) -> Any:
    return asyncio.run(coroutine)


def cached_store(db: Path, max_trackers: int = 10) -> CachedSQLTrackerStore:
    """Built the way Rasa builds a custom tracker store from an endpoints file."""
    config = EndpointConfig(
        type=STORE_TYPE,
        dialect="sqlite",
        db=str(db),
        max_trackers=max_trackers,
        recent_turns=RECENT_TURNS,
    )
    store = TrackerStore.create(config, domain=DOMAIN)
    assert isinstance(store, CachedSQLTrackerStore)
    return store


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "tracker.sqlite3"


@pytest.fixture
def store(db: Path) -> CachedSQLTrackerStore:
    return cached_store(db)


@pytest.fixture
def database(db: Path) -> SQLTrackerStore:
    """Rasa's own store on the same file: what the database holds, read anew each time."""
    return SQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(db))


def converse(
    store: TrackerStore,
    turns: list[Turn],
    at: float | None = None,
    logged: list[Event] | None = None,
    sender_id: str = SENDER,
) -> DialogueStateTracker:
    """Each turn as the processor runs it: retrieve (or create), log the events, save.

    The first turn creates the conversation; the second is the first the store can keep.
    `at` logs the events with that timestamp (a conversation that happened then); `logged`
    collects every event logged.
    """
    for events in turns:
        tracker = run(store.get_or_create_tracker(sender_id, append_action_listen=False))
        if not tracker.events:
            events = [*session_start(), *events]
        for event in events:
            event.timestamp = time.time() if at is None else at
            tracker.update(event, DOMAIN)
        if logged is not None:
            logged.extend(events)
        run(store.save(tracker))
    return tracker


def state(tracker: DialogueStateTracker) -> dict[str, Any]:
    return tracker.current_state(EventVerbosity.ALL)


def same_state(tracker: DialogueStateTracker) -> dict[str, Any]:
    """What Rasa decides on and hands to the actions, apart from the list of events."""
    return {key: value for key, value in state(tracker).items() if key != "events"}


def dumped(events: Any) -> list[dict[str, Any]]:
    return [event.as_dict() for event in events]


def test_retrieve_after_save_returns_the_tracker_the_database_holds(
    store: CachedSQLTrackerStore, database: SQLTrackerStore
) -> None:
    converse(store, [greeting(), *card_application()])

    kept = run(store.retrieve(SENDER))
    stored = run(database.retrieve(SENDER))

    assert kept == stored
    assert state(kept) == state(stored)
    assert kept.get_slot("apply_method") == "smartphone"
    assert kept.get_slot("has_qr_form") is True
    assert kept.active_loop_name is None


def _rows(db: Path) -> list[tuple[Any, ...]]:
    engine = sqlalchemy.create_engine(f"sqlite:///{db}")
    columns = "sender_id, type_name, timestamp, intent_name, action_name, data"
    with engine.connect() as connection:
        query = sqlalchemy.text(f"SELECT {columns} FROM events ORDER BY id")
        rows = [tuple(row) for row in connection.execute(query)]
    engine.dispose()
    return rows


def test_the_rows_written_are_rasas_column_for_column(tmp_path: Path) -> None:
    """One statement per turn instead of Rasa's row-by-row ORM inserts, the same rows."""
    at = 1_767_225_600.0
    ours, rasas = tmp_path / "ours.sqlite3", tmp_path / "rasa.sqlite3"
    converse(cached_store(ours), [greeting(), *card_application()], at=at)
    rasa_store = SQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(rasas))
    converse(rasa_store, [greeting(), *card_application()], at=at)

    written = _rows(ours)
    assert len(written) > 10
    assert any(row[3] for row in written) and any(row[4] for row in written)
    assert written == _rows(rasas)


def test_a_kept_tracker_is_handed_out_without_reading_the_database(
    store: CachedSQLTrackerStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    turns = [greeting(), *card_application()]
    saved = converse(store, turns[:2])

    def no_database(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("read the database")

    monkeypatch.setattr(SQLTrackerStore, "_event_query", no_database)
    assert run(store.retrieve(SENDER)) is saved
    run(store.save(saved))
    # saving appends the new events without counting the stored ones
    converse(store, turns[2:])


def test_a_new_conversations_first_turn_is_kept_as_the_database_reads_it_back(
    store: CachedSQLTrackerStore, database: SQLTrackerStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first turn starts the session: what is kept is what the database returns (from
    the session start on), so the second turn reads no database."""
    converse(store, [greeting()])
    stored = run(database.retrieve(SENDER))

    def no_database(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("read the database")

    with monkeypatch.context() as patched:
        patched.setattr(SQLTrackerStore, "_event_query", no_database)
        kept = run(store.retrieve(SENDER))
    assert dumped(kept.events) == dumped(stored.events)
    assert state(kept) == state(stored)
    assert isinstance(kept.events[0], SessionStarted)
    run(store.save(kept))
    after = converse(store, card_application())
    assert dumped(run(database.retrieve(SENDER)).events) == dumped(after.events)


def test_a_session_start_with_ties_in_its_timestamps_is_read_from_the_database(
    store: CachedSQLTrackerStore, database: SQLTrackerStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rasa's query selects by timestamp: an earlier event logged at the session start's
    instant would come back too, so such a session is not kept."""
    at = time.time()
    converse(store, [greeting()], at=at)  # every event of the turn at one instant
    reads = []
    original = SQLTrackerStore._event_query

    def counted(*args: Any, **kwargs: Any) -> Any:
        reads.append(args[2])
        return original(*args, **kwargs)

    monkeypatch.setattr(SQLTrackerStore, "_event_query", counted)
    kept = run(store.retrieve(SENDER))
    assert reads == [SENDER]
    assert dumped(kept.events) == dumped(run(database.retrieve(SENDER)).events)


def test_a_long_conversation_is_handed_out_short_and_in_the_same_state(
    store: CachedSQLTrackerStore, database: SQLTrackerStore
) -> None:
    logged: list[Event] = []
    converse(store, conversation(3 * RECENT_TURNS + 4), logged=logged)

    handed_out = run(store.retrieve(SENDER))
    stored = run(database.retrieve(SENDER))

    assert len(handed_out.events) < len(stored.events) / 2
    assert same_state(handed_out) == same_state(stored)
    # every event reached the database, once
    assert dumped(run(database.retrieve_full_tracker(SENDER)).events) == dumped(logged)


def test_another_store_on_the_same_file_sees_every_event_once(
    store: CachedSQLTrackerStore, db: Path
) -> None:
    logged: list[Event] = []
    final = converse(store, conversation(2 * RECENT_TURNS), logged=logged)

    for other in (SQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(db)), cached_store(db)):
        seen = run(other.retrieve_full_tracker(SENDER))
        assert dumped(seen.events) == dumped(logged)
        assert same_state(seen) == same_state(final)


def test_a_turn_that_fails_before_saving_leaves_no_trace(
    store: CachedSQLTrackerStore, database: SQLTrackerStore
) -> None:
    turns = [greeting(), *card_application()]
    converse(store, turns[:2])
    lent = run(store.retrieve(SENDER))
    lent.update_with_events(turns[2], DOMAIN)  # a slot is filled, then the turn fails

    again = run(store.retrieve(SENDER))

    assert again is not lent
    assert again == run(database.retrieve(SENDER))
    assert again.get_slot("apply_method") is None
    assert again.get_slot("requested_slot") == "apply_method"
    # the conversation goes on from what was saved
    converse(store, card_application()[1:])
    assert run(store.retrieve(SENDER)) == run(database.retrieve(SENDER))


def test_a_tracker_changed_after_it_was_saved_is_not_handed_out(
    store: CachedSQLTrackerStore, database: SQLTrackerStore
) -> None:
    saved = converse(store, [greeting(), greeting()])
    saved.update(user("さようなら", "goodbye"))  # someone kept using it and never saved

    again = run(store.retrieve(SENDER))

    assert again is not saved
    assert again == run(database.retrieve(SENDER))


def test_a_tracker_built_elsewhere_replaces_the_kept_one(
    store: CachedSQLTrackerStore, database: SQLTrackerStore
) -> None:
    converse(store, [greeting(), greeting()])
    events = [*session_start(), *(e for turn in [greeting(), *card_application()] for e in turn)]
    rebuilt = DialogueStateTracker.from_events(SENDER, events, DOMAIN.slots)

    run(store.save(rebuilt))  # e.g. Rasa's HTTP API: PUT .../tracker/events

    assert run(store.retrieve(SENDER)) == run(database.retrieve(SENDER))


def test_at_most_max_trackers_conversations_are_kept(db: Path) -> None:
    store = cached_store(db, max_trackers=2)
    saved = {
        sender: converse(store, [greeting(), greeting()], sender_id=sender) for sender in "abc"
    }

    assert run(store.retrieve("b")) is saved["b"]
    assert run(store.retrieve("c")) is saved["c"]
    first = run(store.retrieve("a"))  # the least recently used: read from the database again
    assert first is not saved["a"]
    assert first == saved["a"]


def test_an_expired_session_starts_a_new_one(
    store: CachedSQLTrackerStore, database: SQLTrackerStore
) -> None:
    processor = SimpleNamespace(domain=DOMAIN)  # the processor's decision needs only the domain
    earlier = [procedure_question("moving_in"), card_application()[0]]
    saved = converse(store, earlier, at=time.time() - 61 * 60)

    kept = run(store.retrieve(SENDER))
    assert kept is saved
    assert MessageProcessor._has_session_expired(processor, kept)
    assert kept.active_loop_name == FORM
    kept.update_with_events([*session_start(), *greeting()], DOMAIN)
    run(store.save(kept))

    after = run(store.retrieve(SENDER))
    assert after == run(database.retrieve(SENDER))
    assert [e.text for e in after.events if isinstance(e, UserUttered)] == ["こんにちは"]
    assert any(isinstance(e, SessionStarted) for e in after.events)
    assert after.active_loop_name is None
    assert after.get_slot("topic") is None  # no carry-over (bot/domain.yml)
    assert not MessageProcessor._has_session_expired(processor, after)


def test_a_new_model_drops_the_kept_trackers(store: CachedSQLTrackerStore) -> None:
    saved = converse(store, [greeting(), greeting()])

    store.domain = Domain.load(str(BOT_DIR / "domain.yml"))

    again = run(store.retrieve(SENDER))
    assert again is not saved
    assert again == saved


def test_bot_endpoints_configure_this_store(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKER_DB", str(db))
    monkeypatch.setenv("ACTION_ENDPOINT_URL", "http://127.0.0.1:1/webhook")
    monkeypatch.setenv("ACTION_TOKEN", "t")
    endpoints = AvailableEndpoints.read_endpoints(str(BOT_DIR / "endpoints.yml"))

    store = TrackerStore.create(endpoints.tracker_store, domain=DOMAIN)

    assert isinstance(store, CachedSQLTrackerStore)
    converse(store, [greeting()])
    assert run(SQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(db)).retrieve(SENDER))


def test_the_recent_turns_cover_what_every_policy_looks_back_at() -> None:
    """Each turn is two states or more; the rules' own bound (two user messages) is below."""
    endpoints = yaml.safe_load((BOT_DIR / "endpoints.yml").read_text(encoding="utf-8"))
    config = yaml.safe_load((BOT_DIR / "config.yml").read_text(encoding="utf-8"))
    recent = endpoints["tracker_store"]["recent_turns"]

    looked_back = [p["max_history"] for p in config["policies"] if p.get("max_history")]
    assert all(recent >= states for states in looked_back)


def test_sqlite_commits_go_to_the_write_ahead_log_without_waiting_for_the_disk(
    store: CachedSQLTrackerStore, database: SQLTrackerStore
) -> None:
    opened = []
    sqlalchemy.event.listen(store.engine, "connect", lambda *_: opened.append(1))
    converse(store, [greeting(), *card_application()])
    # one connection kept open: closing the last one would checkpoint the log every turn
    assert len(opened) <= 1
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        # 1 = NORMAL (the default, 2 = FULL, syncs the disk on every commit)
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1
    assert state(run(database.retrieve(SENDER))) == state(run(store.retrieve(SENDER)))

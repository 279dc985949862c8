"""A tracker with only its recent turns must look to Rasa like the whole conversation."""

from __future__ import annotations

import pytest
from rasa.shared.core.events import (
    ActionExecuted,
    ConversationPaused,
    ConversationResumed,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from bot.tracker_stores.recent_turns import recent_turns
from tests.support.rasa_turns import (
    DOMAIN,
    FORM,
    conversation,
    emergency_in_the_form,
    fallback,
    form_started,
    greeting,
    tracker_of,
)

KEPT = 10


def user_texts(tracker: DialogueStateTracker) -> list[str]:
    return [e.text for e in tracker.events if isinstance(e, UserUttered)]


def assert_same_for_rasa(recent: DialogueStateTracker, full: DialogueStateTracker) -> None:
    """The state, the policies' states of the kept turns, and what a copy (the processor's,
    before each action) makes of it."""
    assert recent.current_slot_values() == full.current_slot_values()
    assert recent.active_loop == full.active_loop
    assert recent.latest_message == full.latest_message
    assert recent.latest_action == full.latest_action
    assert recent.copy().current_slot_values() == full.current_slot_values()
    recent_states = recent.past_states(DOMAIN)
    full_states = full.past_states(DOMAIN)
    # the first state is the kept turns' start, seen without the turn before it
    assert recent_states[1:] == full_states[len(full_states) - len(recent_states) + 1 :]
    last = recent.get_last_event_for(UserUttered)
    assert last is full.get_last_event_for(UserUttered)  # the session's expiry is decided on it


@pytest.mark.parametrize("turns", [KEPT + 1, 31, 64])
def test_a_long_conversation_keeps_its_state_and_last_turns(turns: int) -> None:
    full = tracker_of(conversation(turns))

    recent = recent_turns(full, KEPT)

    assert len(recent.events) < len(full.events)
    assert KEPT <= len(user_texts(recent)) < turns
    assert user_texts(recent) == user_texts(full)[-len(user_texts(recent)) :]
    assert_same_for_rasa(recent, full)


def test_the_state_before_the_kept_turns_is_one_slot_set_per_slot_that_was_set() -> None:
    full = tracker_of(conversation(31))

    recent = recent_turns(full, KEPT)

    events = list(recent.events)
    first_kept = next(i for i, e in enumerate(events) if isinstance(e, ActionExecuted))
    assert all(isinstance(e, SlotSet) for e in events[:first_kept])
    assert {e.key for e in events[:first_kept]} >= {"procedure", "topic", "apply_method"}
    assert events[first_kept:] == list(full.events)[-(len(events) - first_kept) :]


def test_a_form_is_kept_from_its_start() -> None:
    turns = [greeting() for _ in range(5)] + [form_started()]
    turns += [emergency_in_the_form() for _ in range(KEPT + 2)]
    full = tracker_of(turns)

    recent = recent_turns(full, KEPT)

    assert user_texts(recent)[0] == "マイナンバーカードを申請したい"
    assert recent.active_loop_name == FORM
    assert_same_for_rasa(recent, full)


def test_a_short_conversation_is_left_as_it_is() -> None:
    full = tracker_of(conversation(KEPT))

    assert recent_turns(full, KEPT) is full


@pytest.mark.parametrize("at", [-KEPT - 1, -KEPT + 1])
def test_a_fallback_before_or_after_the_cut_is_taken_back_as_in_the_whole(at: int) -> None:
    turns = conversation(40)
    turns[at] = fallback()
    full = tracker_of(turns)

    recent = recent_turns(full, KEPT)

    assert len(recent.events) < len(full.events)
    assert_same_for_rasa(recent, full)


def test_a_revert_reaching_back_past_the_cut_keeps_the_whole_conversation() -> None:
    turns = conversation(40)
    # the first kept turn takes back its own message and the one before it
    turns[-KEPT] = [*fallback()[:-1], UserUtteranceReverted(), ActionExecuted("action_listen")]
    full = tracker_of(turns)

    assert recent_turns(full, KEPT) is full


def test_a_paused_conversation_is_left_as_it_is() -> None:
    turns = conversation(30)
    turns[5] = [*turns[5], ConversationPaused(), ConversationResumed()]
    full = tracker_of(turns)

    assert recent_turns(full, KEPT) is full

"""A conversation's state with only its last turns: what Rasa needs to go on with it.

Rasa goes over every event of the session several times a turn: it replays the tracker for a
copy before each action, lists the applied events, builds the rules' states from the whole
history and posts every event to the action endpoint with each custom action. Nothing it
decides looks further back than the current state and a few turns: a rule spans at most two
user messages (Rasa refuses longer ones), the memoization and TED policies `max_history`
states (bot/config.yml: 5), the session's expiry the last user message, a form its own turns.

`recent_turns` gives a tracker in the same state with fewer events: the slots as they were
when the kept turns began (one `SlotSet` each, for every slot that has been set), then those
turns' events as they happened. It cuts only at the start of a turn (`action_listen`) while no
form is active, so a form's turns are all kept, never in a session that pauses or sets a
reminder (Rasa looks back for those), and it keeps the cut only when the kept events apply as
they do in the whole conversation, to the same state (Rasa's `applied_events`: a fallback's
revert, say, must not reach back past the cut). Otherwise the tracker is handed out whole.
"""

from __future__ import annotations

from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    ConversationPaused,
    ConversationResumed,
    Event,
    ReminderScheduled,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

# state the kept events would not carry, or events Rasa looks back for in later turns
NEVER_CUT = (ConversationPaused, ConversationResumed, ReminderScheduled)


def recent_turns(tracker: DialogueStateTracker, turns: int) -> DialogueStateTracker:
    """A tracker in the same state holding the last `turns` turns (at least), or `tracker`
    itself when nothing can be left out."""
    events = list(tracker.events)
    start = _start_of_recent_turns(events, turns)
    if start == 0:
        return tracker
    before = tracker_like(tracker, events[:start])
    at = events[start].timestamp
    state = [
        SlotSet(name, slot.value, timestamp=at)
        for name, slot in before.slots.items()
        if slot.has_been_set
    ]
    recent = tracker_like(tracker, [*state, *events[start:]])
    if not _applies_the_same(recent, len(state), tracker):
        return tracker
    recent.model_id = tracker.model_id
    recent.assistant_id = tracker.assistant_id
    return recent


def _start_of_recent_turns(events: list[Event], turns: int) -> int:
    """Index of the `action_listen` that starts the last `turns` turns, moved back to before
    the form active there; 0 for "keep everything"."""
    if any(isinstance(event, NEVER_CUT) for event in events):
        return 0
    turn_starts = []  # (index, form active there) of each action_listen before a user message
    active_loop: str | None = None
    for index, event in enumerate(events):
        if isinstance(event, UserUttered) and index > 0:
            previous = events[index - 1]
            if isinstance(previous, ActionExecuted) and previous.action_name == ACTION_LISTEN_NAME:
                turn_starts.append((index - 1, active_loop is not None))
        if isinstance(event, ActiveLoop):
            active_loop = event.name
        elif isinstance(event, SessionStarted):
            active_loop = None
    if len(turn_starts) <= turns:
        return 0
    for index, form_active in reversed(turn_starts[: len(turn_starts) - turns + 1]):
        if not form_active:
            return index
    return 0


def _applies_the_same(
    recent: DialogueStateTracker, state_events: int, whole: DialogueStateTracker
) -> bool:
    """Whether the kept events apply as in the whole conversation: the state's events stay
    applied, the kept ones are the whole conversation's last applied events, and both end in
    the same state."""
    kept = recent.applied_events()
    applied = whole.applied_events()
    tail = kept[state_events:]
    return (
        _same_objects(kept[:state_events], list(recent.events)[:state_events])
        and _same_objects(tail, applied[max(0, len(applied) - len(tail)) :])
        and recent.current_slot_values() == whole.current_slot_values()
        and recent.active_loop == whole.active_loop
    )


def _same_objects(these: list[Event], those: list[Event]) -> bool:
    return len(these) == len(those) and all(a is b for a, b in zip(these, those, strict=True))


def tracker_like(tracker: DialogueStateTracker, events: list[Event]) -> DialogueStateTracker:
    """A new tracker for the same conversation and domain, replayed from `events`."""
    new = DialogueStateTracker(
        tracker.sender_id,
        tracker.slots.values(),
        max_event_history=tracker._max_event_history,
        sender_source=tracker.sender_source,
        is_rule_tracker=tracker.is_rule_tracker,
    )
    for event in events:
        new.update(event)
    return new

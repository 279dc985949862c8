"""Running a custom action as Rasa's action server would: a tracker in, events and messages out."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import yaml
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from repo_paths import BOT_DIR


@lru_cache
def domain() -> dict[str, Any]:
    return yaml.safe_load((BOT_DIR / "domain.yml").read_text(encoding="utf-8"))


def make_tracker(
    text: str,
    intent: str = "nlu_fallback",
    *,
    entities: list[dict[str, Any]] | None = None,
    slots: dict[str, Any] | None = None,
    metadata: dict[str, Any] | None = None,
    active_loop: dict[str, Any] | None = None,
) -> Tracker:
    return Tracker(
        sender_id="test",
        slots=dict(slots or {}),
        latest_message={
            "text": text,
            "intent": {"name": intent, "confidence": 1.0},
            "entities": list(entities or []),
            "metadata": dict(metadata or {}),
        },
        events=[],
        paused=False,
        followup_action=None,
        active_loop=dict(active_loop or {}),
        latest_action_name="action_listen",
    )


def entity(name: str, value: str) -> dict[str, Any]:
    return {"entity": name, "value": value, "start": 0, "end": len(value), "confidence_entity": 1.0}


@dataclass
class ActionRun:
    events: list[dict[str, Any]]
    messages: list[dict[str, Any]]

    @property
    def responses(self) -> list[str | None]:
        return [m.get("response") for m in self.messages]

    def slots(self) -> dict[str, Any]:
        return {e["name"]: e["value"] for e in self.events if e.get("event") == "slot"}


async def run_action(action: Action, tracker: Tracker) -> ActionRun:
    dispatcher = CollectingDispatcher()
    result = action.run(dispatcher, tracker, domain())
    if hasattr(result, "__await__"):
        result = await result
    return ActionRun(list(result or []), dispatcher.messages)

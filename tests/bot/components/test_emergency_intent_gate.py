from __future__ import annotations

from typing import Any

import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, METADATA, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.components.emergency_intent_gate import EmergencyIntentGate
from repo_paths import EMERGENCY_LEXICON_FILE


@pytest.fixture
def gate(tmp_path) -> EmergencyIntentGate:
    config = {
        **EmergencyIntentGate.get_default_config(),
        "lexicon_path": str(EMERGENCY_LEXICON_FILE),
    }
    storage = LocalModelStorage(tmp_path)
    return EmergencyIntentGate.create(config, storage, Resource("gate"), ExecutionContext({}, "x"))


def parsed(text: str, metadata: dict[str, Any] | None = None) -> Message:
    data = {
        TEXT: text,
        INTENT: {"name": "emergency", "confidence": 1.0},
        INTENT_RANKING_KEY: [
            {"name": "emergency", "confidence": 1.0},
            {"name": "out_of_scope", "confidence": 0.0},
        ],
        ENTITIES: [{"entity": "emergency_type", "value": "fire", "start": 0, "end": 1}],
    }
    if metadata is not None:
        data[METADATA] = metadata
    return Message(data)


@pytest.mark.parametrize(
    "text", ["7", "12345", "ab12", "xyz=1", "先週火事があったので罹災証明書がほしい"]
)
def test_the_emergency_intent_without_the_lexicon_is_the_next_intent(
    gate: EmergencyIntentGate, text: str
) -> None:
    message = gate.process([parsed(text)])[0]

    assert message.get(INTENT)["name"] == "out_of_scope"
    assert [r["name"] for r in message.get(INTENT_RANKING_KEY)] == ["out_of_scope"]
    assert message.get(ENTITIES) == []


def test_the_emergency_intent_stays_where_the_lexicon_agrees(gate: EmergencyIntentGate) -> None:
    message = gate.process([parsed("家が火事です")])[0]

    assert message.get(INTENT)["name"] == "emergency"
    assert message.get(ENTITIES)


@pytest.mark.parametrize(
    "verdict, kept", [("possible", True), ("emergency", True), ("none", False), ("mention", False)]
)
def test_the_apps_verdict_decides_when_it_is_sent(
    gate: EmergencyIntentGate, verdict: str, kept: bool
) -> None:
    message = gate.process([parsed("家が火事です", {"emergency": verdict})])[0]

    assert (message.get(INTENT)["name"] == "emergency") is kept


def test_the_lexicon_travels_inside_the_model(gate: EmergencyIntentGate, tmp_path) -> None:
    gate.train(TrainingData())
    loaded = EmergencyIntentGate.load(
        EmergencyIntentGate.get_default_config(),
        gate._model_storage,
        gate._resource,
        ExecutionContext({}, "x"),
    )

    assert loaded.process([parsed("7")])[0].get(INTENT)["name"] == "out_of_scope"
    assert loaded.process([parsed("家が火事です")])[0].get(INTENT)["name"] == "emergency"

"""The sequential runner serves the trained model exactly as Rasa's dask runner does.

Both runners load the model the suite trained (stack/rasa_model.py), then parse the same
messages and predict the next action for the same conversations; every parse and every
prediction (scores, policy, confidence) must be identical. The messages cover the paths a
turn takes: a flow intent with entities, a FAQ question, an emergency, English, digits, an
empty-ish message and a form in progress.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
import rasa.core.processor
from rasa.core.agent import Agent
from rasa.core.channels.channel import UserMessage
from rasa.engine.exceptions import GraphRunError
from rasa.engine.graph import GraphSchema, SchemaNode
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import ActionExecuted, Event, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.sequential_graph_runner import SequentialGraphRunner, execution_plan
from stack.rasa_model import model_path

MESSAGES = [
    "マイナンバーカードを申請したい",
    "カードなくした",
    "児童手当の申請はどこでできますか",
    "引っ越した場合は？",
    "火事です！隣の家から煙が出ています",
    "How do I apply for a My Number card?",
    "7",
    "令和6年度の住民税の証明書がほしい",
    "？",
    "はい",
]


def _agent(runner: type[DaskGraphRunner], monkeypatch: pytest.MonkeyPatch) -> Agent:
    model = model_path()
    if not model.is_file():
        pytest.fail(f"no trained model at {model}: the suite trains it before this step")
    with monkeypatch.context() as patched:
        patched.setattr(rasa.core.processor, "DaskGraphRunner", runner)
        agent = Agent.load(str(model))
    assert type(agent.processor.graph_runner) is runner
    return agent


@pytest.fixture(scope="module")
def agents() -> Iterator[tuple[Agent, Agent]]:
    with pytest.MonkeyPatch.context() as monkeypatch:
        yield _agent(DaskGraphRunner, monkeypatch), _agent(SequentialGraphRunner, monkeypatch)


def _parse(agent: Agent, text: str) -> dict[str, Any]:
    message = UserMessage(text, sender_id="runner-test")
    return asyncio.run(agent.processor.parse_message(message))


def _tracker(agent: Agent, events: list[Event]) -> DialogueStateTracker:
    return DialogueStateTracker.from_events("runner-test", events, slots=agent.domain.slots)


@pytest.mark.parametrize("text", MESSAGES)
def test_a_message_is_parsed_the_same(agents: tuple[Agent, Agent], text: str) -> None:
    dask_agent, sequential_agent = agents
    assert _parse(sequential_agent, text) == _parse(dask_agent, text)


@pytest.mark.parametrize("text", MESSAGES)
def test_the_next_action_is_predicted_the_same(agents: tuple[Agent, Agent], text: str) -> None:
    dask_agent, sequential_agent = agents
    parsed = _parse(dask_agent, text)
    events = [
        ActionExecuted(ACTION_LISTEN_NAME),
        UserUttered(text, parsed["intent"], parsed["entities"], parsed),
    ]
    expected = dask_agent.processor.predict_next_with_tracker(_tracker(dask_agent, events))
    got = sequential_agent.processor.predict_next_with_tracker(_tracker(sequential_agent, events))
    assert got == expected
    assert expected is not None and expected["policy"]


def test_a_form_in_progress_is_predicted_the_same(agents: tuple[Agent, Agent]) -> None:
    dask_agent, sequential_agent = agents
    history = ["マイナンバーカードを申請したい", "スマホで", "はい、あります"]
    events: list[Event] = []
    for text in history:
        parsed = _parse(dask_agent, text)
        events.append(ActionExecuted(ACTION_LISTEN_NAME))
        events.append(UserUttered(text, parsed["intent"], parsed["entities"], parsed))
        expected = dask_agent.processor.predict_next_with_tracker(_tracker(dask_agent, events))
        got = sequential_agent.processor.predict_next_with_tracker(
            _tracker(sequential_agent, events)
        )
        assert got == expected
        assert expected is not None
        events.append(ActionExecuted(expected["scores"][0]["action"]))


def _schema(needs: dict[str, dict[str, str]]) -> GraphSchema:
    return GraphSchema(
        {
            name: SchemaNode(
                needs=node_needs,
                uses=DaskGraphRunner,
                constructor_name="create",
                fn="run",
                config={},
            )
            for name, node_needs in needs.items()
        }
    )


def test_every_node_comes_after_what_it_needs_and_only_once() -> None:
    schema = _schema(
        {
            "a": {"x": "__input__"},
            "b": {"x": "a"},
            "c": {"x": "a", "y": "b"},
            "d": {"x": "b", "y": "c"},
            "unused": {"x": "a"},
        }
    )
    plan = execution_plan(schema, ["d"])
    order = [name for name, _ in plan]
    assert order == ["a", "b", "c", "d"]
    assert dict(plan)["c"] == ("a", "b")


def test_a_cycle_is_refused() -> None:
    schema = _schema({"a": {"x": "b"}, "b": {"x": "a"}})
    with pytest.raises(GraphRunError, match="cycle"):
        execution_plan(schema, ["a"])

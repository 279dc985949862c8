from __future__ import annotations

from typing import Any

import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.policies.flow_evidence_policy import FlowEvidencePolicy
from repo_paths import BOT_DIR

DOMAIN = Domain.load(str(BOT_DIR / "domain.yml"))


@pytest.fixture
def policy(tmp_path) -> FlowEvidencePolicy:
    config = {
        **FlowEvidencePolicy.get_default_config(),
        "evidence_path": str(BOT_DIR / "flow_evidence.yml"),
    }
    return FlowEvidencePolicy.create(
        config, LocalModelStorage(tmp_path), Resource("flow"), ExecutionContext({}, "x")
    )


def tracker(
    text: str,
    intent: str,
    confidence: float = 0.99,
    entities: list[dict[str, Any]] = (),
    knowledge: str | None = None,
) -> DialogueStateTracker:
    metadata = {"knowledge": knowledge} if knowledge else None
    events = [
        ActionExecuted("action_listen"),
        UserUttered(
            text, {"name": intent, "confidence": confidence}, list(entities), metadata=metadata
        ),
    ]
    return DialogueStateTracker.from_events("s", events, DOMAIN.slots)


def decided(policy: FlowEvidencePolicy, t: DialogueStateTracker) -> str | None:
    prediction = policy.predict_action_probabilities(t, DOMAIN)
    if max(prediction.probabilities) == 0:
        return None
    return DOMAIN.action_names_or_texts[
        prediction.probabilities.index(max(prediction.probabilities))
    ]


def test_a_card_flow_without_card_words_goes_to_the_knowledge_base(
    policy: FlowEvidencePolicy,
) -> None:
    t = tracker(
        "70歳です。スマホの使い方を教えてほしい",
        "card_apply",
        entities=[{"entity": "apply_method", "value": "スマホ"}],
    )

    assert decided(policy, t) == "action_answer_question"
    assert policy.priority > 6  # above RulePolicy


@pytest.mark.parametrize(
    "text, intent",
    [
        ("マイナンバーカードを申請したい", "card_apply"),
        ("ﾏｲﾅｶｰﾄﾞなくした", "card_lost"),
        ("セブンイレブンで住民票をとりたい", "card_convenience_store"),
        ("I lost my My Number card", "card_lost"),
    ],
)
def test_a_flow_with_its_evidence_is_left_to_the_rules(
    policy: FlowEvidencePolicy, text: str, intent: str
) -> None:
    assert decided(policy, tracker(text, intent)) is None


@pytest.mark.parametrize(
    "text, intent",
    [
        ("返信用の封筒を捨ててしもたんやけど、紙の申請書を送る方法あるん？", "card_apply"),
        ("生後半年の娘の旅券、受け取りの日に娘も連れて行かないとダメですか", "card_receive"),
        ("印鑑登録のカードが見当たらない。悪用されないか心配", "card_lost"),
    ],
)
def test_the_cards_flows_need_a_word_of_the_card(
    policy: FlowEvidencePolicy, text: str, intent: str
) -> None:
    assert decided(policy, tracker(text, intent)) == "action_answer_question"


@pytest.mark.parametrize(
    "text, knowledge, decision",
    [
        ("生後3か月の息子、カード用の写真なしで作れますか", "sure", "action_answer_question"),
        ("生後3か月の息子、カード用の写真なしで作れますか", "tentative", None),
        ("マイナンバーカードを申請したい", "sure", None),
        ("マイナカードの申請をお願いします", "sure", None),
    ],
)
def test_the_form_gives_way_to_a_sure_answer_unless_it_is_asked_for(
    policy: FlowEvidencePolicy, text: str, knowledge: str, decision: str | None
) -> None:
    assert decided(policy, tracker(text, "card_apply", knowledge=knowledge)) == decision


@pytest.mark.parametrize(
    "knowledge, decision",
    [
        ("sure", "action_answer_question"),
        ("tentative", "action_answer_question"),
        ("abstained", None),
    ],
)
def test_a_question_read_as_a_greeting_gets_any_answer_the_knowledge_base_has(
    policy: FlowEvidencePolicy, knowledge: str, decision: str | None
) -> None:
    text = "新居に住み始めて3週間たっちゃった。今から届けても罰金とられる？"

    assert decided(policy, tracker(text, "greet", knowledge=knowledge)) == decision


def test_out_of_scope_gives_way_only_to_a_sure_answer(policy: FlowEvidencePolicy) -> None:
    text = "パートでも保育園入れますか"

    assert decided(policy, tracker(text, "out_of_scope", knowledge="tentative")) is None
    assert (
        decided(policy, tracker(text, "out_of_scope", knowledge="sure")) == "action_answer_question"
    )


def test_a_cash_card_is_not_the_card(policy: FlowEvidencePolicy) -> None:
    assert (
        decided(policy, tracker("キャッシュカードをなくした", "card_lost"))
        == "action_answer_question"
    )


def test_low_confidence_goes_to_the_knowledge_base(policy: FlowEvidencePolicy) -> None:
    assert (
        decided(policy, tracker("マイナンバーカードの件", "card_lost", confidence=0.3))
        == "action_answer_question"
    )


def test_english_does_not_open_the_form(policy: FlowEvidencePolicy) -> None:
    assert (
        decided(policy, tracker("How do I apply for a My Number card?", "card_apply"))
        == "action_answer_question"
    )


def test_procedures_need_a_procedure_or_an_aspect(policy: FlowEvidencePolicy) -> None:
    without = tracker("ごみの出し方を教えて", "ask_procedure")
    with_entity = tracker(
        "期限は？", "ask_procedure", entities=[{"entity": "aspect", "value": "期限"}]
    )

    assert decided(policy, without) == "action_answer_question"
    assert decided(policy, with_entity) is None


def test_the_bots_own_buttons_and_unlisted_intents_are_left_alone(
    policy: FlowEvidencePolicy,
) -> None:
    assert decided(policy, tracker("/card_lost", "card_lost")) is None
    assert decided(policy, tracker("こんにちは", "greet", confidence=0.2)) is None


def test_the_table_travels_inside_the_model(policy: FlowEvidencePolicy) -> None:
    policy.train([], DOMAIN)
    loaded = FlowEvidencePolicy.load(
        FlowEvidencePolicy.get_default_config(),
        policy._model_storage,
        policy._resource,
        ExecutionContext({}, "x"),
    )

    assert (
        decided(loaded, tracker("キャッシュカードをなくした", "card_lost"))
        == "action_answer_question"
    )

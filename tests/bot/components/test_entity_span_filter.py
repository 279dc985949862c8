from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.components.entity_span_filter import EntitySpanFilter

TEXT_ = "住民票がほしい"
TOKENS = [
    Token("住民", 0, data={"pos": "名詞"}),
    Token("票", 2, data={"pos": "名詞"}),
    Token("が", 3, data={"pos": "助詞"}),
    Token("ほしい", 4, data={"pos": "形容詞"}),
]


def entity(start: int, end: int, confidence: float = 0.99, **extra: Any) -> dict[str, Any]:
    return {
        "entity": "procedure",
        "start": start,
        "end": end,
        "value": TEXT_[start:end],
        "confidence_entity": confidence,
        "extractor": "DIETClassifier",
        **extra,
    }


def filtered(*entities: dict[str, Any]) -> list[dict[str, Any]]:
    """Through a component that has learnt no forms: only span and confidence are checked."""
    message = Message({TEXT: TEXT_, ENTITIES: list(entities), TOKENS_NAMES[TEXT]: TOKENS})
    untrained = EntitySpanFilter.create(
        EntitySpanFilter.get_default_config(),
        LocalModelStorage(Path("unused")),
        Resource("entity_span_filter"),
        ExecutionContext({}, "x"),
    )
    untrained.process([message])
    return message.get(ENTITIES)


def test_a_content_word_span_is_kept() -> None:
    assert [e["value"] for e in filtered(entity(0, 3))] == ["住民票"]


def test_a_span_of_only_a_particle_is_dropped() -> None:
    assert filtered(entity(3, 4)) == []


def test_a_span_with_a_particle_and_a_content_word_is_kept() -> None:
    assert [e["value"] for e in filtered(entity(2, 4))] == ["票が"]


def test_low_confidence_is_dropped() -> None:
    assert filtered(entity(0, 3, confidence=0.3)) == []


def test_other_extractors_pass_untouched() -> None:
    regex = entity(3, 4, confidence=0.1, extractor="RegexEntityExtractor")

    assert filtered(regex) == [regex]


def training_data() -> TrainingData:
    """One annotated procedure, one annotated aspect, and a synonym of the procedure's value."""
    examples = [
        Message(
            {
                TEXT: "住民票の取り方",
                INTENT: "ask_procedure",
                ENTITIES: [
                    {"entity": "procedure", "start": 0, "end": 3, "value": "residence_certificate"},
                    {"entity": "aspect", "start": 4, "end": 7, "value": "howto"},
                ],
            }
        )
    ]
    return TrainingData(examples, entity_synonyms={"じゅうみんひょう": "residence_certificate"})


@pytest.fixture
def trained(tmp_path: Path) -> EntitySpanFilter:
    component = EntitySpanFilter.create(
        EntitySpanFilter.get_default_config(),
        LocalModelStorage(tmp_path),
        Resource("entity_span_filter"),
        ExecutionContext({}, "x"),
    )
    component.train(training_data())
    return EntitySpanFilter.load(
        EntitySpanFilter.get_default_config(),
        component._model_storage,
        component._resource,
        ExecutionContext({}, "x"),
    )


def tagged(component: EntitySpanFilter, text: str, kind: str, surface: str) -> list[str]:
    start = text.index(surface)
    found = {
        "entity": kind,
        "start": start,
        "end": start + len(surface),
        "value": surface,
        "confidence_entity": 0.99,
        "extractor": "DIETClassifier",
    }
    tokens = [Token(text, 0, data={"pos": "名詞"})]
    message = Message({TEXT: text, ENTITIES: [found], TOKENS_NAMES[TEXT]: tokens})
    component.process([message])
    return [e["value"] for e in message.get(ENTITIES)]


def test_a_span_naming_a_trained_form_is_kept(trained: EntitySpanFilter) -> None:
    assert tagged(trained, "住民票の写しがほしい", "procedure", "住民票の写し") == ["住民票の写し"]
    # a synonym of the annotated value, written in katakana: folded as the actions fold it
    assert tagged(trained, "ジュウミンヒョウがほしい", "procedure", "ジュウミンヒョウ") == [
        "ジュウミンヒョウ"
    ]


def test_a_span_naming_nothing_the_bot_knows_is_dropped(trained: EntitySpanFilter) -> None:
    # DIET tags an interrogative as an aspect: no action could resolve it
    assert tagged(trained, "どうすればいい", "aspect", "どう") == []
    # a known form of another entity is no evidence for this one
    assert tagged(trained, "住民票がほしい", "aspect", "住民票") == []

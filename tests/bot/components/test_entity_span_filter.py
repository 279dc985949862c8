from __future__ import annotations

from typing import Any

from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

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
    message = Message({TEXT: TEXT_, ENTITIES: list(entities), TOKENS_NAMES[TEXT]: TOKENS})
    EntitySpanFilter(EntitySpanFilter.get_default_config()).process([message])
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

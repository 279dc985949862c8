"""Drops entities that DIET tags on particles, auxiliaries or symbols, or with low confidence.

Japanese function words (の, が, て, た …) sit right next to the words that carry a procedure
or an aspect, and DIET's tagger sometimes spills onto them alone. Such a span is never a
procedure, an aspect or an emergency, and an action that trusts it picks a wrong slot value.
Runs after the extractors and before EntitySynonymMapper, like Rasa's own post-processors.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import ENTITY_ATTRIBUTE_CONFIDENCE_TYPE, TOKENS_NAMES
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

# UniDic part-of-speech classes that cannot carry an entity on their own.
FUNCTION_POS = ("助詞", "助動詞", "補助記号", "記号", "空白")


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class EntitySpanFilter(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {
            # entities from these extractors are checked; others (regex, synonyms) pass
            "extractors": ["DIETClassifier"],
            # below this DIET confidence an entity is dropped
            "min_confidence": 0.5,
        }

    def __init__(self, config: Dict[str, Any]) -> None:
        self._extractors = set(config["extractors"])
        self._min_confidence = float(config["min_confidence"])

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> EntitySpanFilter:
        return cls(config)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            entities = message.get(ENTITIES) or []
            if entities:
                kept = [e for e in entities if self._keeps(e, message)]
                message.set(ENTITIES, kept, add_to_output=True)
        return messages

    def _keeps(self, entity: Dict[str, Any], message: Message) -> bool:
        if entity.get("extractor") not in self._extractors:
            return True
        confidence = entity.get(ENTITY_ATTRIBUTE_CONFIDENCE_TYPE)
        if confidence is not None and confidence < self._min_confidence:
            return False
        tokens = [
            t
            for t in message.get(TOKENS_NAMES[TEXT]) or []
            if t.start < entity["end"] and t.end > entity["start"]
        ]
        return not tokens or any(
            not str(t.get("pos") or "").startswith(FUNCTION_POS) for t in tokens
        )

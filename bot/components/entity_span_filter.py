"""Drops entities that DIET tags on particles, auxiliaries or symbols, with low confidence, or
on words that name nothing the bot knows.

Japanese function words (の, が, て, た …) sit right next to the words that carry a procedure
or an aspect, and DIET's tagger sometimes spills onto them alone. Such a span is never a
procedure, an aspect or an emergency, and an action that trusts it picks a wrong slot value.
DIET also tags words it has never seen annotated (どう or 何 as an aspect, ストーブ as an
emergency type): the actions cannot resolve them to a key (bot/actions/entity_values.py), and
the flow-evidence policy would count them as evidence for a flow. An entity is therefore kept
only when its text contains a form annotated or listed as a synonym for that entity in the
training data (folded as the actions fold it: 住民票の写し keeps, ぱそこ does not).
Runs after the extractors and before EntitySynonymMapper, like Rasa's own post-processors.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any, Dict, FrozenSet, List, Optional

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import ENTITY_ATTRIBUTE_CONFIDENCE_TYPE, TOKENS_NAMES
from rasa.shared.nlu.constants import ENTITIES, ENTITY_ATTRIBUTE_TYPE, ENTITY_ATTRIBUTE_VALUE, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.components.persisted_file import persist_text, persisted
from japanese_text import fold_spelling

# UniDic part-of-speech classes that cannot carry an entity on their own.
FUNCTION_POS = ("助詞", "助動詞", "補助記号", "記号", "空白")
KNOWN_FORMS_FILE_NAME = "known_entity_forms.json"

KnownForms = Dict[str, FrozenSet[str]]


def known_forms(training_data: TrainingData) -> KnownForms:
    """Per entity type, the folded forms the training data names: every annotated text and
    value, and every synonym of a value annotated for that type."""
    synonyms = training_data.entity_synonyms
    forms: Dict[str, set] = defaultdict(set)
    values: Dict[str, set] = defaultdict(set)
    for example in training_data.entity_examples:
        text = example.get(TEXT) or ""
        for entity in example.get(ENTITIES) or []:
            kind = entity[ENTITY_ATTRIBUTE_TYPE]
            forms[kind].add(fold_spelling(text[entity["start"] : entity["end"]]))
            value = str(entity.get(ENTITY_ATTRIBUTE_VALUE) or "")
            value = synonyms.get(value, value)
            values[kind].add(value)
            forms[kind].add(fold_spelling(value))
    for surface, value in synonyms.items():
        for kind, kind_values in values.items():
            if value in kind_values:
                forms[kind].add(fold_spelling(surface))
    return {kind: frozenset(f for f in kind_forms if f) for kind, kind_forms in forms.items()}


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True)
class EntitySpanFilter(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {
            # entities from these extractors are checked; others (regex, synonyms) pass
            "extractors": ["DIETClassifier"],
            # below this DIET confidence an entity is dropped
            "min_confidence": 0.5,
        }

    def __init__(
        self,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        forms: Optional[KnownForms] = None,
    ) -> None:
        """Without `forms` (a model trained before they were learnt) only the span and the
        confidence are checked."""
        self._extractors = set(config["extractors"])
        self._min_confidence = float(config["min_confidence"])
        self._model_storage = model_storage
        self._resource = resource
        self._forms = forms

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> EntitySpanFilter:
        return cls(config, model_storage, resource)

    @classmethod
    def load(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> EntitySpanFilter:
        forms = None
        with persisted(model_storage, resource, KNOWN_FORMS_FILE_NAME) as path:
            if path is not None:  # without it only span and confidence are checked
                stored = json.loads(path.read_text(encoding="utf-8"))
                forms = {kind: frozenset(kind_forms) for kind, kind_forms in stored.items()}
        return cls(config, model_storage, resource, forms)

    def train(self, training_data: TrainingData) -> Resource:
        self._forms = known_forms(training_data)
        stored = {kind: sorted(kind_forms) for kind, kind_forms in self._forms.items()}
        persist_text(
            self._model_storage,
            self._resource,
            json.dumps(stored, ensure_ascii=False),
            KNOWN_FORMS_FILE_NAME,
        )
        return self._resource

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
        if self._forms is not None and not self._names_a_known_form(entity, message):
            return False
        tokens = [
            t
            for t in message.get(TOKENS_NAMES[TEXT]) or []
            if t.start < entity["end"] and t.end > entity["start"]
        ]
        return not tokens or any(
            not str(t.get("pos") or "").startswith(FUNCTION_POS) for t in tokens
        )

    def _names_a_known_form(self, entity: Dict[str, Any], message: Message) -> bool:
        forms = self._forms.get(entity.get(ENTITY_ATTRIBUTE_TYPE), frozenset())
        span = fold_spelling((message.get(TEXT) or "")[entity["start"] : entity["end"]])
        return bool(span) and any(form in span for form in forms)

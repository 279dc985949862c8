"""Keeps DIET's `emergency` intent only where the emergency lexicon agrees.

DIET once learned "digits ⇒ emergency" from its training data; a false alarm on a city's
official channel costs more trust than a missing answer. The explicit lexicon
(knowledge/emergency.yml, core/emergency.py) is the authority: where it finds no emergency
words, or finds them about an event that is over or a procedure, the next intent in DIET's
ranking is taken instead and the `emergency_type` entities are dropped. The app sends its
verdict in the message metadata (its lexicon reloads with knowledge/); without one (Rasa's
own HTTP API, `rasa test`), the copy persisted into the model at training decides.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Optional

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_TYPE,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    METADATA,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.components.persisted_file import persist, persisted
from core.emergency import EMERGENCY, METADATA_KEY, POSSIBLE, EmergencyLexicon

LEXICON_FILE_NAME = "emergency.yml"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class EmergencyIntentGate(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {
            # the emergency lexicon (knowledge/emergency.yml); copied into the model
            "lexicon_path": None,
            # the intent that needs the lexicon's agreement
            "intent": "emergency",
            # the entity that names the kind of emergency; it goes with the intent
            "entities": ["emergency_type"],
        }

    def __init__(
        self,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        lexicon: Optional[EmergencyLexicon],
    ) -> None:
        self._config = config
        self._model_storage = model_storage
        self._resource = resource
        self._lexicon = lexicon
        self._intent = str(config["intent"])
        self._entities = set(config["entities"])

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> EmergencyIntentGate:
        path = config.get("lexicon_path")
        lexicon = EmergencyLexicon.load(Path(path)) if path else None
        return cls(config, model_storage, resource, lexicon)

    @classmethod
    def load(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> EmergencyIntentGate:
        """Loads the lexicon persisted at training time (never the one on disk now)."""
        lexicon = None
        with persisted(model_storage, resource, LEXICON_FILE_NAME) as path:
            if path is not None:
                lexicon = EmergencyLexicon.load(path)
        return cls(config, model_storage, resource, lexicon)

    def train(self, training_data: TrainingData) -> Resource:
        path = self._config.get("lexicon_path")
        if path:
            persist(self._model_storage, self._resource, Path(path), LEXICON_FILE_NAME)
        return self._resource

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            intent = message.get(INTENT) or {}
            if intent.get(INTENT_NAME_KEY) != self._intent:
                continue
            if not self._agrees(message):
                self._demote(message)
        return messages

    def _agrees(self, message: Message) -> bool:
        """The app's verdict when it sent one (its lexicon is the one staff edited last),
        else the verdict of the lexicon this model was trained with."""
        verdict = (message.get(METADATA) or {}).get(METADATA_KEY)
        if verdict is not None:
            return verdict in (EMERGENCY, POSSIBLE)
        if self._lexicon is None:
            return False
        return self._lexicon.check(message.get(TEXT) or "").agrees_with_emergency_intent

    def _others(self, message: Message) -> List[Dict[str, Any]]:
        return [
            e
            for e in message.get(ENTITIES) or []
            if e.get(ENTITY_ATTRIBUTE_TYPE) not in self._entities
        ]

    def _demote(self, message: Message) -> None:
        ranking = [
            r
            for r in message.get(INTENT_RANKING_KEY) or []
            if r.get(INTENT_NAME_KEY) != self._intent
        ]
        replacement = (
            ranking[0] if ranking else {INTENT_NAME_KEY: None, PREDICTED_CONFIDENCE_KEY: 0.0}
        )
        message.set(INTENT, dict(replacement), add_to_output=True)
        message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        message.set(ENTITIES, self._others(message), add_to_output=True)

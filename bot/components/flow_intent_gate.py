"""Takes a flow intent only on evidence; otherwise the knowledge base answers.

A misread flow is worse than an honest "cannot answer": 「70歳です。スマホの使い方を教えて
ほしい」 must not open the card application form because DIET saw スマホ. Each flow intent
needs DIET's confidence above a calibrated threshold and the words or entities the flow works
with (bot/flow_evidence.yml); English messages take only the flows that make sense in
English. Without that, the intent becomes `fallback_intent` (ask_question): the retriever
answers or abstains with the contact. Intents the file does not list pass unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional

import yaml
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_TYPE,
    INTENT,
    INTENT_NAME_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.components.persisted_file import persist, persisted
from japanese_text import fold_width_and_case, is_english

EVIDENCE_FILE_NAME = "flow_evidence.yml"


@dataclass(frozen=True)
class FlowEvidence:
    """What one flow intent needs."""

    min_confidence: float
    lemmas: frozenset[str]
    entities: frozenset[str]
    english: bool

    def admits(
        self, confidence: float, lemmas: set[str], entities: set[str], english: bool
    ) -> bool:
        if confidence < self.min_confidence or (english and not self.english):
            return False
        if not self.lemmas and not self.entities:
            return True
        return bool(self.lemmas & lemmas or self.entities & entities)


@dataclass(frozen=True)
class FlowEvidenceTable:
    fallback_intent: str
    intents: Dict[str, FlowEvidence]

    @classmethod
    def load(cls, path: Path) -> FlowEvidenceTable:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        lists = {k: [str(w) for w in v] for k, v in (data.get("word_lists") or {}).items()}
        default = float(data.get("default_min_confidence", 0.0))
        thresholds = data.get("min_confidence") or {}
        intents = {}
        for name, spec in (data.get("intents") or {}).items():
            spec = spec or {}
            words = [w for ref in spec.get("word_lists", []) for w in lists[ref]]
            words += [str(w) for w in spec.get("lemmas", [])]
            intents[name] = FlowEvidence(
                min_confidence=float(thresholds.get(name, default)),
                lemmas=frozenset(fold_width_and_case(w) for w in words),
                entities=frozenset(spec.get("entities", [])),
                english=bool(spec.get("english", False)),
            )
        return cls(str(data["fallback_intent"]), intents)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class FlowIntentGate(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {
            # the evidence table (bot/flow_evidence.yml); copied into the model
            "evidence_path": None,
        }

    def __init__(
        self,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        table: Optional[FlowEvidenceTable],
    ) -> None:
        self._config = config
        self._model_storage = model_storage
        self._resource = resource
        self._table = table

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> FlowIntentGate:
        path = config.get("evidence_path")
        table = FlowEvidenceTable.load(Path(path)) if path else None
        return cls(config, model_storage, resource, table)

    @classmethod
    def load(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> FlowIntentGate:
        """Loads the table persisted at training time (never the one on disk now)."""
        table = None
        with persisted(model_storage, resource, EVIDENCE_FILE_NAME) as path:
            if path is not None:
                table = FlowEvidenceTable.load(path)
        return cls(config, model_storage, resource, table)

    def train(self, training_data: TrainingData) -> Resource:
        path = self._config.get("evidence_path")
        if path:
            persist(self._model_storage, self._resource, Path(path), EVIDENCE_FILE_NAME)
        return self._resource

    def process(self, messages: List[Message]) -> List[Message]:
        if self._table is None:
            return messages
        for message in messages:
            intent = message.get(INTENT) or {}
            evidence = self._table.intents.get(str(intent.get(INTENT_NAME_KEY)))
            if evidence is None:
                continue
            lemmas = {
                fold_width_and_case(t.lemma or t.text)
                for t in message.get(TOKENS_NAMES[TEXT]) or []
            }
            entities = {e.get(ENTITY_ATTRIBUTE_TYPE) for e in message.get(ENTITIES) or []}
            confidence = float(intent.get(PREDICTED_CONFIDENCE_KEY) or 0.0)
            english = is_english(message.get(TEXT) or "")
            if not evidence.admits(confidence, lemmas, entities, english):
                message.set(
                    INTENT,
                    {
                        INTENT_NAME_KEY: self._table.fallback_intent,
                        PREDICTED_CONFIDENCE_KEY: confidence,
                    },
                    add_to_output=True,
                )
        return messages

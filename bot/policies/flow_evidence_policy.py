"""Takes a flow only on evidence; otherwise the knowledge base answers.

A misread flow is worse than an honest "cannot answer": 「70歳です。スマホの使い方を教えて
ほしい」 must not open the card application form because DIET saw スマホ. Right after a
resident's message, when DIET's intent is a flow intent listed in bot/flow_evidence.yml and
either its confidence is below the calibrated threshold or the message lacks the words or
entities the flow works with — or when DIET read small talk, "out of scope" or "a person,
please" while the knowledge base is sure of an answer (a greeting: has one at all), or the
card form for a question about the card that does not ask for the form — this policy
predicts the knowledge
base's action with the highest priority; the retriever then answers or abstains with the
contact. Everywhere else it
abstains and the rules decide. NLU stays what it is (its scores measure understanding);
this is a dialogue decision, made where Rasa makes those.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Optional

from rasa.core.policies.policy import Policy, PolicyPrediction, SupportedData
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

from bot.components.persisted_file import persist, persisted
from bot.flow_evidence import FlowEvidenceTable
from japanese_text import is_english

EVIDENCE_FILE_NAME = "flow_evidence.yml"
INTENT_PREFIX = "/"
# the app's verdict on whether the knowledge base would answer (core/conversation.py)
KNOWLEDGE_KEY = "knowledge"


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True
)
class FlowEvidencePolicy(Policy):
    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {
            # the evidence table (bot/flow_evidence.yml); copied into the model
            "evidence_path": None,
            # above RulePolicy (6): where this policy speaks, it decides
            "priority": 7,
        }

    @staticmethod
    def supported_data() -> SupportedData:
        return SupportedData.ML_AND_RULE_DATA

    def __init__(
        self,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        table: Optional[FlowEvidenceTable] = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(config, model_storage, resource, execution_context)
        path = config.get("evidence_path")
        self._table = table or (FlowEvidenceTable.load(Path(path)) if path else None)

    def train(
        self, training_trackers: List[TrackerWithCachedStates], domain: Domain, **kwargs: Any
    ) -> Resource:
        """Nothing to learn; the table is copied into the model so that it is self-contained."""
        path = self.config.get("evidence_path")
        if path:
            persist(self._model_storage, self._resource, Path(path), EVIDENCE_FILE_NAME)
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> FlowEvidencePolicy:
        """Loads the table persisted at training time (never the one on disk now)."""
        table = None
        with persisted(model_storage, resource, EVIDENCE_FILE_NAME) as path:
            if path is not None:
                table = FlowEvidenceTable.load(path)
        return cls(
            {**config, "evidence_path": None}, model_storage, resource, execution_context, table
        )

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: Optional[Dict[str, Any]] = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        result = self._default_predictions(domain)
        if self._table is not None and self._lacks_evidence(tracker):
            result[domain.index_for_action(self._table.fallback_action)] = 1.0
        return self._prediction(result)

    def _lacks_evidence(self, tracker: DialogueStateTracker) -> bool:
        if tracker.latest_action_name != ACTION_LISTEN_NAME or tracker.active_loop_name:
            return False
        message = tracker.latest_message
        if message is None:
            return False
        text = message.text or ""
        if not text or text.startswith(INTENT_PREFIX):
            return False  # the bot's own button (or a story step): the bot meant this intent
        intent = message.intent or {}
        name = str(intent.get("name"))
        metadata = message.metadata or {}
        folded = self._table.folded(text)
        if self._table.yields(name, metadata.get(KNOWLEDGE_KEY), folded):
            return True
        evidence = self._table.intents.get(name)
        if evidence is None:
            return False
        entities = {e.get("entity") for e in message.entities or []}
        confidence = float(intent.get("confidence") or 0.0)
        return not evidence.admits(confidence, folded, entities, is_english(text))

"""ServingDIETClassifier predicts what the trained DIET predicted, without a traced training
step in the serving process."""

from __future__ import annotations

from pathlib import Path

import pytest
import tensorflow as tf
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import (
    CountVectorsFeaturizer,
)
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.components.serving_diet_classifier import ServingDIETClassifier

EXAMPLES = {
    "greet": ["hello there", "hi", "good morning", "hello bot"],
    "card_lost": ["i lost my card", "card is lost", "lost card help", "my card went missing"],
    "ask_procedure": ["how to move in", "moving procedure", "where to file moving", "move in"],
}
QUESTIONS = ["hello", "i lost the card", "how do i move", "card missing"]


def messages(texts: list[str]) -> list[Message]:
    return [Message({TEXT: t}) for t in texts]


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> dict:
    storage = LocalModelStorage(tmp_path_factory.mktemp("storage"))
    context = ExecutionContext({}, "test")
    tokenizer = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
    featurizer = CountVectorsFeaturizer.create(
        CountVectorsFeaturizer.get_default_config(), storage, Resource("cvf"), context
    )
    data = TrainingData(
        [Message({TEXT: t, INTENT: i}) for i, texts in EXAMPLES.items() for t in texts]
    )
    tokenizer.process_training_data(data)
    featurizer.train(data)
    featurizer.process_training_data(data)
    config = {**ServingDIETClassifier.get_default_config(), "epochs": 3, "random_seed": 1}
    resource = Resource("diet")
    diet = ServingDIETClassifier.create(config, storage, resource, context)
    diet.train(data)

    def parse(classifier: ServingDIETClassifier) -> list[Message]:
        parsed = messages(QUESTIONS)
        tokenizer.process(parsed)
        featurizer.process(parsed)
        return classifier.process(parsed)

    fresh = parse(diet)
    loaded = ServingDIETClassifier.load(config, storage, resource, context)
    return {"fresh": fresh, "loaded": parse(loaded), "model": loaded.model}


def test_the_loaded_model_predicts_what_was_trained(trained: dict) -> None:
    for fresh, loaded in zip(trained["fresh"], trained["loaded"], strict=True):
        assert loaded.get(INTENT)["name"] == fresh.get(INTENT)["name"]
        assert loaded.get(INTENT)["confidence"] == pytest.approx(
            fresh.get(INTENT)["confidence"], abs=1e-5
        )
        assert loaded.get(ENTITIES) == fresh.get(ENTITIES)


def test_serving_traces_prediction_but_not_training(trained: dict) -> None:
    model = trained["model"]
    assert not isinstance(model.train_function, tf.types.experimental.GenericFunction)
    assert isinstance(model._tf_predict_step, tf.types.experimental.GenericFunction)
    assert model.run_eagerly is False


def test_entities_keep_rasas_extractor_name(tmp_path: Path) -> None:
    storage = LocalModelStorage(tmp_path)
    diet = ServingDIETClassifier.create(
        ServingDIETClassifier.get_default_config(),
        storage,
        Resource("diet"),
        ExecutionContext({}, "test"),
    )
    assert diet.name == "DIETClassifier"

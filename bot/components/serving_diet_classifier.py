"""Rasa's DIETClassifier, loaded for serving without tracing its training graph.

To give a loaded model's variables their shapes, Rasa's `RasaModel.load` runs one training
step through Keras' `fit` in graph mode: TensorFlow traces the whole training function
(forward pass, gradients, optimizer) once and keeps it. Measured with this project's model
(2-core VM): that step alone added ~600 MB to the Rasa process (1.19 GB after loading instead
of 0.78 GB) and ~35 s to its start-up, for a function a serving process never calls. Run
eagerly, the same step creates the same variables; the weights are then read from the
checkpoint as before and prediction still runs as a traced `tf.function`, so predictions are
identical (intent, confidence and entities checked on the held-out file by the test suite)
and as fast. Training is Rasa's own, unchanged.

Entities keep "DIETClassifier" as their extractor name, so EntitySpanFilter, `rasa test` and
its reports see what they saw before.
"""

from __future__ import annotations

from typing import Any, Optional, Type

import tensorflow as tf
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.diet_classifier import DIET, DIETClassifier
from rasa.utils.tensorflow.constants import LEARNING_RATE
from rasa.utils.tensorflow.data_generator import RasaBatchDataGenerator
from rasa.utils.tensorflow.model_data import RasaModelData
from rasa.utils.tensorflow.models import RasaModel


class _EagerlyBuiltDIET(DIET):
    @classmethod
    def load(
        cls,
        model_file_name: str,
        model_data_example: RasaModelData,
        predict_data_example: Optional[RasaModelData] = None,
        finetune_mode: bool = False,
        *args: Any,
        **kwargs: Any,
    ) -> RasaModel:
        if finetune_mode:  # training continues: Rasa's own load, with its traced step
            return super().load(
                model_file_name,
                model_data_example,
                predict_data_example,
                finetune_mode,
                *args,
                **kwargs,
            )
        model = cls(*args, **kwargs)
        learning_rate = kwargs.get("config", {}).get(LEARNING_RATE, 0.001)
        model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate), run_eagerly=True)
        model.fit(RasaBatchDataGenerator(model_data_example, batch_size=1), verbose=False)
        model.run_eagerly = False  # predictions run as the traced function, as in Rasa
        model.load_weights(model_file_name)
        if predict_data_example:
            model.run_inference(predict_data_example)  # traces the prediction function now
        return model


@DefaultV1Recipe.register(
    [
        DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER,
        DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR,
    ],
    is_trainable=True,
)
class ServingDIETClassifier(DIETClassifier):
    @staticmethod
    def model_class() -> Type[RasaModel]:
        return _EagerlyBuiltDIET

    @property
    def name(self) -> str:
        return DIETClassifier.__name__

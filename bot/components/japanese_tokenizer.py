"""Japanese tokenizer for Rasa: fugashi + unidic-lite with a domain lexicon."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any, Dict, List, Optional

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.components.persisted_file import persist, persisted
from japanese_text import Lexicon, WordSegmenter

logger = logging.getLogger(__name__)

LEXICON_FILE_NAME = "lexicon.yml"
NUMBER_LEMMA = "0"
_DIGITS = re.compile(r"\d+")


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=True)
class JapaneseTokenizer(Tokenizer):
    """Splits Japanese into words with offsets into the text as the resident typed it.

    The text is NFKC-normalized before analysis (half-width kana, full-width digits), but
    every token's `text`/`start`/`end` refer to the original message, so entity extraction
    and annotations line up. The dictionary form goes into `lemma` (which Rasa's
    CountVectorsFeaturizer uses by default) and into token data for other featurizers.
    """

    @staticmethod
    def supported_languages() -> Optional[List[str]]:
        """Supported languages (see parent class for full docstring)."""
        return ["ja"]

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        """Returns the component's default config."""
        return {
            # Path to a YAML lexicon of domain terms (see knowledge/lexicon.yml); None: none
            "lexicon_path": None,
            # Flag to check whether to split intents
            "intent_tokenization_flag": False,
            # Symbol on which intent should be split
            "intent_split_symbol": "_",
            # Regular expression to detect tokens
            "token_pattern": None,
            # Symbol on which prefix should be split
            "prefix_separator_symbol": None,
        }

    @staticmethod
    def required_packages() -> List[str]:
        """Any extra python dependencies required for this component to run."""
        return ["fugashi", "unidic_lite"]

    def __init__(
        self,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        lexicon: Lexicon,
    ) -> None:
        """Initialize the tokenizer."""
        super().__init__(config)
        self._model_storage = model_storage
        self._resource = resource
        self._lexicon_path = config.get("lexicon_path")
        self._segmenter = WordSegmenter(lexicon)

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> JapaneseTokenizer:
        """Creates a new component (see parent class for full docstring)."""
        lexicon_path = config.get("lexicon_path")
        lexicon = Lexicon.load(Path(lexicon_path)) if lexicon_path else Lexicon()
        return cls(config, model_storage, resource, lexicon)

    def train(self, training_data: TrainingData) -> Resource:
        """Copies the lexicon into the model so that a trained model is self-contained."""
        if self._lexicon_path:
            persist(
                self._model_storage, self._resource, Path(self._lexicon_path), LEXICON_FILE_NAME
            )
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> JapaneseTokenizer:
        """Loads the lexicon persisted at training time (never the one on disk now)."""
        lexicon = Lexicon()
        if config.get("lexicon_path"):
            with persisted(model_storage, resource, LEXICON_FILE_NAME) as path:
                if path is not None:
                    lexicon = Lexicon.load(path)
        return cls(config, model_storage, resource, lexicon)

    def tokenize(self, message: Message, attribute: str) -> List[Token]:
        """Tokenizes the text of the provided attribute of the incoming message.

        Every run of digits in a lemma becomes one "0": a number carries no intent (a postal
        code, an age, a fee), and a model that saw 110 and 119 only in emergencies must not
        learn digits as a signal. The token text keeps the digits, for entities and offsets.
        """
        text = message.get(attribute) or ""
        tokens = [
            Token(
                word.text,
                word.start,
                end=word.end,
                data={"pos": word.pos, "normalized": word.normalized, "reading": word.reading},
                lemma=_DIGITS.sub(NUMBER_LEMMA, word.lemma),
            )
            for word in self._segmenter.segment(text)
        ]
        if not tokens and text.strip():
            # Nothing the analyser calls a word (e.g. only symbols): keep the text as one
            # token, as Rasa's own tokenizers do, so featurizers still see the message.
            stripped = text.strip()
            tokens = [Token(stripped, text.index(stripped))]
        return self._apply_token_pattern(tokens)

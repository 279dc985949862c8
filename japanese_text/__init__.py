"""Japanese text handling shared by the Rasa tokenizer, the retriever and the kiosk furigana.

Kept free of Rasa and FastAPI imports so that both Python environments (Rasa's and the app's)
can use the same code: only the standard library, fugashi and unidic-lite.
"""

from japanese_text.folding import fold_spelling, fold_width_and_case
from japanese_text.lexicon import Lexicon, LexiconEntry
from japanese_text.normalize import NormalizedText, clean_text, normalize_with_offsets
from japanese_text.script import is_english
from japanese_text.segmenter import Word, WordSegmenter

__all__ = [
    "Lexicon",
    "LexiconEntry",
    "NormalizedText",
    "Word",
    "WordSegmenter",
    "clean_text",
    "fold_spelling",
    "fold_width_and_case",
    "is_english",
    "normalize_with_offsets",
]

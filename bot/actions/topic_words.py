"""Whether a message names a topic, or only asks about procedures in general.

The procedure menu (「どの手続きについてお調べしますか」) helps a resident who named no topic
(「手続きを知りたい」); for 「ごみの出し方を教えて」 it is a menu of unrelated procedures. A
message names a topic when it has a content word that is not in `not_a_topic`
(bot/flow_evidence.yml) and not a surface form of an aspect (期限, 持ち物 …).
"""

from __future__ import annotations

from functools import lru_cache

import yaml

from bot.actions.entity_values import synonym_surfaces
from japanese_text import fold_spelling
from knowledge.schema import ASPECTS
from repo_paths import BOT_DIR
from retrieval.text_analysis import TermAnalyzer

EVIDENCE_FILE = BOT_DIR / "flow_evidence.yml"


@lru_cache
def _not_a_topic() -> frozenset[str]:
    data = yaml.safe_load(EVIDENCE_FILE.read_text(encoding="utf-8")) or {}
    words = {fold_spelling(str(w)) for w in data.get("not_a_topic", [])}
    return frozenset(words | synonym_surfaces(ASPECTS))


def names_a_topic(text: str, analyzer: TermAnalyzer) -> bool:
    generic = _not_a_topic()
    return any(fold_spelling(term) not in generic for term in analyzer.terms(text))

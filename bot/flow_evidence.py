"""What a flow intent needs before the bot takes its flow (bot/flow_evidence.yml).

Read by the FlowEvidencePolicy (bot/policies/flow_evidence_policy.py) in Rasa's environment:
standard library, PyYAML and japanese_text only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict

import yaml

from japanese_text import fold_spelling

# how surely the knowledge base would answer (retrieval/knowledge_service.py AnswerDecision.level)
SURE, TENTATIVE = "sure", "tentative"


@dataclass(frozen=True)
class FlowEvidence:
    """What one flow intent needs."""

    min_confidence: float
    words: tuple[str, ...]
    entities: frozenset[str]
    english: bool

    def admits(self, confidence: float, text: str, entities: set[str], english: bool) -> bool:
        """`text` folded, with the `not_evidence` phrases taken out."""
        if confidence < self.min_confidence or (english and not self.english):
            return False
        if not self.words and not self.entities:
            return True
        return any(w in text for w in self.words) or bool(self.entities & entities)


@dataclass(frozen=True)
class FlowEvidenceTable:
    fallback_action: str
    intents: Dict[str, FlowEvidence]
    not_evidence: tuple[str, ...] = ()
    yield_to_knowledge: frozenset[str] = frozenset()
    yield_to_tentative_knowledge: frozenset[str] = frozenset()
    # intent -> the words with which a resident asks for the flow itself
    yield_unless_asked: Dict[str, tuple[str, ...]] = field(default_factory=dict)

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
            words += [str(w) for w in spec.get("words", [])]
            intents[name] = FlowEvidence(
                min_confidence=float(thresholds.get(name, default)),
                words=tuple(sorted({fold_spelling(w) for w in words}, key=len, reverse=True)),
                entities=frozenset(spec.get("entities", [])),
                english=bool(spec.get("english", False)),
            )
        not_evidence = tuple(fold_spelling(str(p)) for p in data.get("not_evidence") or [])
        yielding = frozenset(str(i) for i in data.get("yield_to_knowledge") or [])
        tentative = frozenset(str(i) for i in data.get("yield_to_tentative_knowledge") or [])
        unless = {
            str(name): tuple(fold_spelling(str(w)) for w in words or [])
            for name, words in (data.get("yield_to_knowledge_unless_asked") or {}).items()
        }
        return cls(str(data["fallback_action"]), intents, not_evidence, yielding, tentative, unless)

    def yields(self, intent: str, knowledge: str | None, folded_text: str) -> bool:
        """Whether `intent` gives way to the knowledge base, which would answer the message
        at `knowledge` level (`sure`, `tentative`, `abstained`; None when not told)."""
        if knowledge == SURE and intent in self.yield_to_knowledge:
            return True
        if knowledge in (SURE, TENTATIVE) and intent in self.yield_to_tentative_knowledge:
            return True
        asked = self.yield_unless_asked.get(intent)
        return knowledge == SURE and asked is not None and not any(w in folded_text for w in asked)

    def folded(self, text: str) -> str:
        """The message as evidence is looked for in it."""
        folded = fold_spelling(text)
        for phrase in self.not_evidence:
            folded = folded.replace(phrase, " ")
        return folded

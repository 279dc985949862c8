"""Training examples for the embedding model's domain adaptation, from knowledge/.

Each FAQ entry gives its question, its alternates and its passage as the index encodes it
(question + answer); each plan-digest passage gives its heading path and its text. The
same texts the bot retrieves are the ones the model learns to match, placeholders rendered
as residents see them.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from embedding.adaptation import TrainingExample
from knowledge.loader import load_knowledge
from knowledge.municipality import Municipality


def knowledge_examples(
    knowledge_dir: Path, *, exclude_entries: Collection[str] = (), include_plans: bool = True
) -> list[TrainingExample]:
    """Examples in file order; `exclude_entries` (a held-out fold) are left out."""
    municipality = Municipality.load(knowledge_dir / "municipality.yml")
    base = load_knowledge(knowledge_dir, municipality)
    excluded = set(exclude_entries)
    examples = [
        TrainingExample(
            phrasings=(item.entry.question, *item.entry.alternates),
            passage=f"{item.entry.question} {item.entry.answer.strip()}",
        )
        for item in base.faqs
        if item.entry.id not in excluded
    ]
    if include_plans:
        examples += [TrainingExample(phrasings=(p.title,), passage=p.text) for p in base.passages]
    return examples

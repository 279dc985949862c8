"""Writes the knowledge base as a BEIR corpus, so the retriever can be scored with
`python -m retrieval.evaluate` on the same documents residents are answered from.

Each FAQ entry becomes `{"_id": id, "title": question, "text": answer}` — without the
alternates, as an FAQ page on a municipal site would look; plan passages keep their ids
(`<doc>#<n>`). Placeholders are rendered with the municipality file.
"""

from __future__ import annotations

import json
from pathlib import Path

from knowledge.loader import load_knowledge
from knowledge.municipality import Municipality


def corpus_rows(knowledge_dir: Path) -> list[dict[str, str]]:
    municipality = Municipality.load(knowledge_dir / "municipality.yml")
    base = load_knowledge(knowledge_dir, municipality)
    rows = [
        {"_id": item.entry.id, "title": item.entry.question, "text": item.entry.answer.strip()}
        for item in base.faqs
    ]
    rows += [{"_id": p.id, "title": p.title, "text": p.text} for p in base.passages]
    return rows


def write_corpus(knowledge_dir: Path, out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "corpus.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for row in corpus_rows(knowledge_dir):
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path

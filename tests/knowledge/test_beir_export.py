"""export-beir writes the knowledge as the BEIR corpus that retrieval.evaluate reads."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from knowledge.loader import load_knowledge
from repo_paths import REPO_ROOT
from retrieval.evaluate import read_jsonl

TINY_KNOWLEDGE = REPO_ROOT / "tests" / "data" / "knowledge_tiny"


def test_every_faq_and_plan_passage_becomes_one_document(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "knowledge",
            "export-beir",
            "--dir",
            str(TINY_KNOWLEDGE),
            "--out",
            str(tmp_path),
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )

    corpus = read_jsonl(Path(result.stdout.strip()))
    base = load_knowledge(TINY_KNOWLEDGE)
    ids = [row["_id"] for row in corpus]
    assert ids == [f.entry.id for f in base.faqs] + [p.id for p in base.passages]
    assert len(set(ids)) == len(ids)
    lost = next(row for row in corpus if row["_id"] == "mynumber-card-lost")
    assert lost["title"] == next(
        f.entry.question for f in base.faqs if f.entry.id == "mynumber-card-lost"
    )
    assert set(lost) == {"_id", "title", "text"}


def test_placeholders_are_rendered_and_alternates_left_out(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "knowledge",
            "export-beir",
            "--dir",
            str(TINY_KNOWLEDGE),
            "--out",
            str(tmp_path),
        ],
        cwd=REPO_ROOT,
        check=True,
        capture_output=True,
    )
    text = (tmp_path / "corpus.jsonl").read_text(encoding="utf-8")

    assert "{{" not in text
    alternate = load_knowledge(TINY_KNOWLEDGE).faqs[0].entry.alternates[0]
    assert json.dumps(alternate, ensure_ascii=False)[1:-1] not in text

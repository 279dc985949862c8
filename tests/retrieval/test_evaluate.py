"""`python -m retrieval.evaluate`: BEIR files in, a run and the three figures out (BM25 mode,
so no model is needed)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from repo_paths import REPO_ROOT
from retrieval.evaluate import corpus_documents, read_jsonl

TINY = REPO_ROOT / "tests" / "data" / "beir_tiny"


def test_bm25_run_and_figures_follow_the_contract(tmp_path: Path) -> None:
    run_file = tmp_path / "run.json"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "retrieval.evaluate",
            "--corpus",
            str(TINY / "corpus.jsonl"),
            "--queries",
            str(TINY / "queries.jsonl"),
            "--qrels",
            str(TINY / "qrels.tsv"),
            "--mode",
            "bm25",
            "--run-out",
            str(run_file),
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )

    figures = re.fullmatch(
        r"mode=bm25 queries=3 nDCG@10=(\S+) Recall@10=(\S+) MRR@10=(\S+)\n", result.stdout
    )
    assert figures, result.stdout
    run = json.loads(run_file.read_text(encoding="utf-8"))
    assert set(run) == {"q1", "q2", "q3"}
    assert max(run["q3"], key=run["q3"].get) == "d4"  # はんこ meets 印鑑 through a synonym
    assert float(figures[3]) == 1.0


def test_faq_texts_are_read_as_question_and_answer() -> None:
    documents = {d.id: d for d in corpus_documents(read_jsonl(TINY / "corpus.jsonl"))}

    assert documents["d1"].title == "住民票の写しはどこで取れますか？"
    assert documents["d1"].body.startswith("市民課の窓口")
    assert documents["d2"].title == "粗大ごみはどう出せばいいですか"
    assert documents["d3"].title == "児童手当の申請"
    assert documents["d4"].title == "印鑑登録はどこでできますか？"


def test_plain_reading_keeps_the_text_whole() -> None:
    documents = corpus_documents(read_jsonl(TINY / "corpus.jsonl"), structured=False)

    assert documents[0].title == ""
    assert documents[0].body.startswith("Q: ")

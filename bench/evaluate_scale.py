"""Wall time of `python -m retrieval.evaluate` on a corpus the size of an outside benchmark.

.venvs/app/bin/python -m bench.evaluate_scale [--documents 1800] [--mode hybrid] [--threads 2]

The issue's budget: 8 minutes for about 1,800 FAQ documents and 750 queries on the 2-core
VM. The corpus is made from our knowledge in the shapes outside exports use: question and
answer in one text (`Q:`/`A:`, `質問`/`回答`, a first line that asks), an alternate as the
question, and every third document long (its answer followed by the answers of three other
entries), so that the long-document passages are exercised. The queries are the dev queries,
the unanswerable ones, and long conversational versions of dev queries (background first),
up to 750. Relevance: every document made from the entry a query's best answer came from.
The figures printed are evaluate's own; only the time is the point here.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from knowledge import KNOWLEDGE_DIR
from knowledge.loader import load_knowledge
from knowledge.municipality import Municipality
from repo_paths import REPO_ROOT
from retrieval.evaluate import read_jsonl, read_qrels

DEV_DIR = REPO_ROOT / "tests" / "data" / "retrieval_dev"
SHAPES = ("Q: {q}\nA: {a}", "質問：{q}\n回答：{a}", "{q}？\n{a}")
BACKGROUND = "先日こちらに引っ越してきたばかりで、まだいろいろとわからないことが多いです。"


def synthetic_corpus(size: int) -> tuple[list[dict], dict[str, list[str]]]:
    """Documents and, per FAQ entry, the ids of the documents made from it."""
    municipality = Municipality.load(KNOWLEDGE_DIR / "municipality.yml")
    entries = [item.entry for item in load_knowledge(KNOWLEDGE_DIR, municipality).faqs]
    rows: list[dict] = []
    made_from: dict[str, list[str]] = {}
    round_number = 0
    while len(rows) < size:
        for n, entry in enumerate(entries):
            if len(rows) >= size:
                break
            phrasings = (entry.question, *entry.alternates)
            question = phrasings[round_number % len(phrasings)].rstrip("？?")
            answer = entry.answer.strip()
            if len(rows) % 3 == 2:
                others = [entries[(n + step) % len(entries)] for step in (7, 13, 29)]
                answer = " ".join([answer, *(o.answer.strip() for o in others)])
            doc_id = f"{entry.id}~{round_number}"
            shape = SHAPES[(n + round_number) % len(SHAPES)]
            rows.append({"_id": doc_id, "title": "", "text": shape.format(q=question, a=answer)})
            made_from.setdefault(entry.id, []).append(doc_id)
        round_number += 1
    return rows, made_from


def write_files(directory: Path, size: int, query_count: int) -> tuple[Path, Path, Path]:
    rows, made_from = synthetic_corpus(size)
    queries = read_jsonl(DEV_DIR / "queries.jsonl")
    dev_qrels = read_qrels(DEV_DIR / "qrels" / "test.tsv")
    extra = [{"_id": f"{q['_id']}-long", "text": f"{BACKGROUND}{q['text']}"} for q in queries]
    unanswerable = read_jsonl(DEV_DIR / "unanswerable.jsonl")
    all_queries = (queries + unanswerable + extra)[:query_count]
    qrels_lines = ["query-id\tcorpus-id\tscore"]
    for query in all_queries:
        judged = dev_qrels.get(query["_id"].removesuffix("-long"), {})
        for entry_id, grade in judged.items():
            qrels_lines += [
                f"{query['_id']}\t{doc}\t{grade}" for doc in made_from.get(entry_id, [])
            ]
    corpus, queries_file, qrels = (
        directory / n for n in ("corpus.jsonl", "queries.jsonl", "qrels.tsv")
    )
    corpus.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    queries_file.write_text(
        "".join(json.dumps(q, ensure_ascii=False) + "\n" for q in all_queries), "utf-8"
    )
    qrels.write_text("\n".join(qrels_lines) + "\n", "utf-8")
    return corpus, queries_file, qrels


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--documents", type=int, default=1800)
    parser.add_argument("--queries", type=int, default=750)
    parser.add_argument("--mode", default="hybrid")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--model-dir", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        corpus, queries, qrels = write_files(Path(work), args.documents, args.queries)
        long_docs = sum(1 for r in read_jsonl(corpus) if len(r["text"]) > 700)
        print(
            f"corpus: {args.documents} documents ({long_docs} over 700 characters), "
            f"{args.queries} queries"
        )
        command = [
            sys.executable,
            "-m",
            "retrieval.evaluate",
            "--corpus",
            str(corpus),
            "--queries",
            str(queries),
            "--qrels",
            str(qrels),
            "--mode",
            args.mode,
            "--run-out",
            str(Path(work) / "run.json"),
            "--threads",
            str(args.threads),
        ]
        if args.model_dir:
            command += ["--model-dir", str(args.model_dir)]
        started = time.monotonic()
        subprocess.run(command, cwd=REPO_ROOT, check=True)
        print(
            f"python -m retrieval.evaluate --mode {args.mode}: "
            f"{time.monotonic() - started:.0f} s wall"
        )


if __name__ == "__main__":
    main()

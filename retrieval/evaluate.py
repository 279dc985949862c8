"""Evaluates the retriever on BEIR-format files (the contract in DESIGN.md).

python -m retrieval.evaluate --corpus corpus.jsonl --queries queries.jsonl \
    [--qrels qrels.tsv] [--mode hybrid|dense|bm25] --run-out run.json
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

from repo_paths import LEXICON_FILE, embedding_model_dir
from retrieval.documents import Document
from retrieval.faq_structure import structured_document
from retrieval.hybrid import MODES, HybridRetriever
from retrieval.metrics import evaluate_run
from retrieval.text_analysis import TermAnalyzer

RUN_DEPTH = 100


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def read_qrels(path: Path) -> dict[str, dict[str, int]]:
    qrels: dict[str, dict[str, int]] = defaultdict(dict)
    with path.open(encoding="utf-8") as handle:
        for row in csv.reader(handle, delimiter="\t"):
            if len(row) < 3 or row[0] in ("query-id", "query_id"):
                continue
            qrels[row[0]][row[1]] = int(float(row[2]))
    return dict(qrels)


def corpus_documents(rows: list[dict], *, structured: bool = True) -> list[Document]:
    """BEIR corpus rows (`_id`, `title`, `text`) as documents; `structured` reads an FAQ's
    question out of the text (or takes a short title as one), retrieval/faq_structure.py."""
    documents = []
    for row in rows:
        doc_id = str(row["_id"])
        title, text = str(row.get("title") or ""), str(row.get("text") or "")
        if structured:
            documents.append(structured_document(doc_id, title, text))
        else:
            documents.append(Document(id=doc_id, title=title, body=text))
    return documents


def build_retriever(mode: str, model_dir: Path, lexicon: Path | None) -> HybridRetriever:
    embedder = None
    if mode != "bm25":
        from embedding.sentence_transformer import SentenceTransformerEmbedder

        embedder = SentenceTransformerEmbedder(model_dir, show_progress=True)
        embedder.warm_up()
    return HybridRetriever(TermAnalyzer(lexicon), embedder, mode=mode)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m retrieval.evaluate", description=__doc__)
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--queries", type=Path, required=True)
    parser.add_argument("--qrels", type=Path)
    parser.add_argument("--mode", choices=MODES, default="hybrid")
    parser.add_argument("--run-out", type=Path, required=True)
    parser.add_argument("--model-dir", type=Path, default=embedding_model_dir())
    parser.add_argument(
        "--lexicon",
        type=Path,
        default=LEXICON_FILE,
        help="domain lexicon for BM25 (knowledge/lexicon.yml)",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=2,
        help="torch threads for encoding (the model loads with 1; a batch run may use both cores)",
    )
    args = parser.parse_args(argv)

    corpus = corpus_documents(read_jsonl(args.corpus))
    queries = read_jsonl(args.queries)
    retriever = build_retriever(args.mode, args.model_dir, args.lexicon)
    if retriever.embedder is not None:
        import torch

        torch.set_num_threads(max(1, args.threads))
    started = time.monotonic()
    retriever.index(corpus, progress=lambda m: print(f"[evaluate] {m}", file=sys.stderr))
    print(
        f"[evaluate] indexed {len(corpus)} documents in {time.monotonic() - started:.1f} s",
        file=sys.stderr,
    )

    run: dict[str, dict[str, float]] = {}
    started = time.monotonic()
    for n, query in enumerate(queries, start=1):
        hits = retriever.search(str(query["text"]), top_k=RUN_DEPTH)
        run[str(query["_id"])] = {h.document.id: round(h.score, 6) for h in hits}
        if n % 100 == 0:
            print(f"[evaluate] {n}/{len(queries)} queries", file=sys.stderr)
    elapsed = time.monotonic() - started
    args.run_out.parent.mkdir(parents=True, exist_ok=True)
    args.run_out.write_text(json.dumps(run, ensure_ascii=False), encoding="utf-8")
    print(
        f"[evaluate] {len(queries)} queries in {elapsed:.1f} s; run written to {args.run_out}",
        file=sys.stderr,
    )

    if args.qrels:
        metrics = evaluate_run(run, read_qrels(args.qrels))
        print(
            f"mode={args.mode} queries={int(metrics['queries'])} "
            f"nDCG@10={metrics['ndcg@10']:.4f} Recall@10={metrics['recall@10']:.4f} "
            f"MRR@10={metrics['mrr@10']:.4f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

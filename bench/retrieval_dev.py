"""Retrieval quality on our own labelled dev set (tests/data/retrieval_dev), and the figures
behind the fusion weight and the abstention threshold.

.venvs/app/bin/python -m bench.retrieval_dev

Two settings are scored:
- "BEIR": the knowledge exported as a plain FAQ corpus (question as title, answer as text,
  no alternates), the way `retrieval.evaluate` sees an outside benchmark;
- "service": the index the bot answers from (alternates as phrasings, plan passages too).
For the service, the abstention table shows, per dense threshold, how many answerable
questions would still be answered (and answered right) and how many unanswerable ones
would wrongly get an answer.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from embedding.sentence_transformer import SentenceTransformerEmbedder
from knowledge import KNOWLEDGE_DIR
from knowledge.beir_export import corpus_rows
from knowledge.municipality import Municipality
from repo_paths import REPO_ROOT, embedding_model_dir
from retrieval.documents import Document
from retrieval.evaluate import read_jsonl, read_qrels
from retrieval.hybrid import HybridRetriever
from retrieval.knowledge_service import KnowledgeService
from retrieval.metrics import evaluate_run
from retrieval.text_analysis import TermAnalyzer

DEV_DIR = REPO_ROOT / "tests" / "data" / "retrieval_dev"
MODEL_DIR = embedding_model_dir()
WEIGHTS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8)
THRESHOLDS = (0.89, 0.90, 0.91, 0.915, 0.92, 0.925, 0.93, 0.935, 0.94)

Components = list[tuple[dict[int, float], dict[int, float]]]


def components(retriever: HybridRetriever, texts: Sequence[str]) -> Components:
    return [retriever.score_components(text) for text in texts]


def score(
    retriever: HybridRetriever,
    parts: Components,
    query_ids: Sequence[str],
    qrels: dict[str, dict[str, int]],
    mode: str,
    weight: float,
) -> dict[str, float]:
    saved = retriever.mode, retriever.fusion
    retriever.mode, retriever.fusion = mode, replace(saved[1], dense_weight=weight)
    try:
        run = {
            qid: {h.document.id: h.score for h in retriever.rank(dense, bm25, top_k=100)}
            for qid, (dense, bm25) in zip(query_ids, parts, strict=True)
        }
    finally:
        retriever.mode, retriever.fusion = saved
    return evaluate_run(run, qrels)


def print_modes(
    label: str,
    retriever: HybridRetriever,
    parts: Components,
    query_ids: Sequence[str],
    qrels: dict[str, dict[str, int]],
) -> None:
    print(f"\n{label}: nDCG@10 / Recall@10 / MRR@10 over {len(query_ids)} queries")
    for mode, weights in (("bm25", (0.0,)), ("dense", (1.0,)), ("hybrid", WEIGHTS)):
        for weight in weights:
            m = score(retriever, parts, query_ids, qrels, mode, weight)
            name = f"hybrid w={weight:.1f}" if mode == "hybrid" else mode
            print(f"  {name:14s} {m['ndcg@10']:.4f} / {m['recall@10']:.4f} / {m['mrr@10']:.4f}")


def beir_setting(
    embedder: SentenceTransformerEmbedder, query_ids: list[str], texts: list[str], qrels: dict
) -> None:
    faq_ids = {q for judged in qrels.values() for q in judged}
    rows = [r for r in corpus_rows(KNOWLEDGE_DIR) if "#" not in r["_id"]]
    corpus = [Document(id=r["_id"], title=r["title"], body=r["text"]) for r in rows]
    missing = faq_ids - {d.id for d in corpus}
    if missing:
        print(f"warning: {len(missing)} judged ids are not in the corpus: {sorted(missing)[:5]}")
    retriever = HybridRetriever(TermAnalyzer(KNOWLEDGE_DIR / "lexicon.yml"), embedder)
    retriever.index(corpus)
    print_modes(
        f"BEIR setting ({len(corpus)} FAQ documents, no alternates)",
        retriever,
        components(retriever, texts),
        query_ids,
        qrels,
    )


def service_setting(
    embedder: SentenceTransformerEmbedder,
    query_ids: list[str],
    texts: list[str],
    qrels: dict[str, dict[str, int]],
    unanswerable: list[str],
    index_dir: Path,
) -> None:
    municipality = Municipality.load(KNOWLEDGE_DIR / "municipality.yml")
    service = KnowledgeService.build(KNOWLEDGE_DIR, municipality, embedder, index_dir)
    retriever = service.retriever
    parts = components(retriever, texts)
    print_modes(
        f"service setting ({len(service.documents)} documents with alternates and plans)",
        retriever,
        parts,
        query_ids,
        qrels,
    )
    weight = service.retriever.fusion.dense_weight
    policy = service.policy
    answerable = []
    for qid, (dense, bm25) in zip(query_ids, parts, strict=True):
        top = retriever.rank(dense, bm25, top_k=1)[0]
        answerable.append((policy.confidence(top), qrels[qid].get(top.document.id, 0) > 0))
    unanswered = []
    for dense, bm25 in components(retriever, unanswerable):
        hits = retriever.rank(dense, bm25, top_k=1)
        unanswered.append(policy.confidence(hits[0]) if hits else 0.0)
    print(
        f"\nabstention on the service index (hybrid, dense weight {weight}): top hit's "
        f"confidence (dense + {policy.bm25_bonus} x BM25/{policy.bm25_saturation:g}), "
        f"policy threshold {policy.min_confidence}"
    )
    print("  threshold  answered  answered-right  top-1-right-overall  unanswerable-answered")
    for threshold in THRESHOLDS:
        answered = [right for dense, right in answerable if dense >= threshold]
        wrongly = sum(1 for dense in unanswered if dense >= threshold)
        print(
            f"  {threshold:.3f}      {len(answered) / len(answerable):6.1%}"
            f"    {sum(answered) / max(1, len(answered)):6.1%}"
            f"          {sum(answered) / len(answerable):6.1%}"
            f"               {wrongly / len(unanswered):6.1%} ({wrongly}/{len(unanswered)})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--index-dir", type=Path, help="reuse a service index (e.g. var/index)")
    args = parser.parse_args()
    import torch

    torch.set_num_threads(1)
    queries = read_jsonl(DEV_DIR / "queries.jsonl")
    qrels = read_qrels(DEV_DIR / "qrels" / "test.tsv")
    unanswerable = [q["text"] for q in read_jsonl(DEV_DIR / "unanswerable.jsonl")]
    query_ids = [q["_id"] for q in queries]
    texts = [q["text"] for q in queries]
    embedder = SentenceTransformerEmbedder(MODEL_DIR)

    beir_setting(embedder, query_ids, texts, qrels)
    if args.index_dir:
        service_setting(embedder, query_ids, texts, qrels, unanswerable, args.index_dir)
    else:
        with tempfile.TemporaryDirectory() as index_dir:
            service_setting(embedder, query_ids, texts, qrels, unanswerable, Path(index_dir))


if __name__ == "__main__":
    main()

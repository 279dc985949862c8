"""Retriever figures on our knowledge: index build time, memory, query latency (1 thread).

.venvs/app/bin/python -m bench.retrieval_bench [--queries N]
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from bench.figures import rss_mib, summary_ms
from embedding.sentence_transformer import QUERY_PROMPT, SentenceTransformerEmbedder
from knowledge import KNOWLEDGE_DIR
from knowledge.municipality import Municipality
from repo_paths import REPO_ROOT, embedding_model_dir, selected_embedding_model
from retrieval.knowledge_service import KnowledgeService
from retrieval.remembered_terms import RememberedTerms, RememberingTermAnalyzer
from tests.support.knowledge_copy import AnswerEditor, copy_knowledge

MODEL_DIR = embedding_model_dir()
DEV_QUERIES = REPO_ROOT / "tests" / "data" / "retrieval_dev" / "queries.jsonl"
EDITED_ENTRY = "life-daily-passport-where"


def timed(function: Callable[..., object], *args: object) -> float:
    started = time.perf_counter()
    function(*args)
    return time.perf_counter() - started


def query_tokens(embedder: SentenceTransformerEmbedder, query: str) -> int:
    """Length as the model sees it: prompt, question and the two special tokens."""
    embedder.warm_up()
    assert embedder._model is not None
    prompt = embedder._model.prompts.get(QUERY_PROMPT, "")
    return len(embedder._model.tokenizer(prompt + query)["input_ids"])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--queries", type=int, default=300, help="at most this many dev queries")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    import torch

    torch.set_num_threads(1)
    rss_start = rss_mib()
    embedder = SentenceTransformerEmbedder(MODEL_DIR)
    started = time.perf_counter()
    embedder.warm_up()
    print(
        f"model {MODEL_DIR.name} ({selected_embedding_model()}) load: "
        f"{time.perf_counter() - started:.2f} s, RSS {rss_mib():.0f} MiB "
        f"(process start {rss_start:.0f} MiB)"
    )

    municipality = Municipality.load(KNOWLEDGE_DIR / "municipality.yml")
    with tempfile.TemporaryDirectory() as index_dir:
        started = time.perf_counter()
        service = KnowledgeService.build(KNOWLEDGE_DIR, municipality, embedder, Path(index_dir))
        build = time.perf_counter() - started
        vectors = len(service.retriever._store) if service.retriever._store else 0
        faqs = sum(1 for d in service.documents if d.metadata.get("kind") == "faq")
        print(
            f"index build (cold): {build:.2f} s for {len(service.documents)} documents "
            f"({faqs} FAQ entries), {vectors} vectors; RSS {rss_mib():.0f} MiB"
        )
        started = time.perf_counter()
        KnowledgeService.build(KNOWLEDGE_DIR, municipality, embedder, Path(index_dir))
        print(f"index load (cached): {time.perf_counter() - started:.2f} s")
        with tempfile.TemporaryDirectory() as copy_dir:
            # what a reload costs after a staff edit (unchanged texts' vectors are cached):
            # the first after start-up analyses every text for BM25, later ones only the
            # changed texts (core/knowledge_reload.py keeps the terms of the last build)
            knowledge_copy = copy_knowledge(Path(copy_dir))
            editor = AnswerEditor(knowledge_copy, EDITED_ENTRY)
            memory = RememberedTerms()
            for edit, kind in ((1, "every text analysed"), (2, "previous build's terms kept")):
                editor.mark(f"（案内を改めました：第{edit}版）")
                analyzer = RememberingTermAnalyzer(knowledge_copy / "lexicon.yml", memory)
                started = time.perf_counter()
                with analyzer.recording():
                    KnowledgeService.build(
                        knowledge_copy, municipality, embedder, Path(index_dir), analyzer=analyzer
                    )
                print(
                    f"index rebuild after one edited answer ({kind}): "
                    f"{time.perf_counter() - started:.2f} s; RSS {rss_mib():.0f} MiB"
                )

    if DEV_QUERIES.is_file():
        queries = [json.loads(line)["text"] for line in DEV_QUERIES.open(encoding="utf-8")]
    else:
        queries = [p for d in service.documents for p in d.phrasings]
    queries = queries[: args.queries]
    service.search(queries[0])  # warm-up
    # This VM's speed drifts by up to ~30% over minutes: several rounds show the spread.
    timings: list[float] = []
    for round_number in range(1, args.rounds + 1):
        # decisions and query vectors are cached by question: every round starts cold
        service._decisions.clear()
        embedder._recent.clear()
        this_round = [timed(service.decide, query) for query in queries]
        timings.extend(this_round)
        print(
            f"query latency, end to end in the retriever (decide: BM25 + encode + FAISS + "
            f"fusion), round {round_number}: {summary_ms(this_round)}"
        )
    print(f"all rounds: {summary_ms(timings)}")
    lengths = [query_tokens(embedder, query) for query in queries]
    for low, high in ((0, 16), (17, 24), (25, 32), (33, 512)):
        bucket = [t for i, t in enumerate(timings) if low <= lengths[i % len(queries)] <= high]
        if bucket:
            print(f"  queries of {low}-{high} tokens: {summary_ms(bucket)}")
    embedder._recent.clear()
    encode = [timed(embedder.encode_queries, [query]) for query in queries[:100]]
    print(f"of which query encoding alone: {summary_ms(encode)}")
    print(f"RSS after queries: {rss_mib():.0f} MiB")


if __name__ == "__main__":
    main()

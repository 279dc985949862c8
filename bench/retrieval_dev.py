"""Retrieval quality on our own labelled dev set (tests/data/retrieval_dev), scored on held-out
folds, and the figures behind the fusion and the abstention threshold.

.venvs/app/bin/python -m bench.retrieval_dev [--train-folds] [--no-adapted] [--abstention-only]

The protocol (issue 14): the FAQ entries are split by entry id into 5 folds (fixed seed,
retrieval/entry_folds.py); a dev query belongs to the fold of the entry that answers it best.
Whatever is fitted to our knowledge is scored only on folds it was not fitted on:
- the adapted model: one model per fold, trained on the other folds' entries
  (var/retrieval_dev/models/fold-K, `--train-folds` builds the missing ones), and each query
  is encoded by the model of its own fold; the corpus is the whole knowledge either way;
- fusion method and weight: chosen per fold on the other folds' queries.
Unfitted rows (BM25, the base model, today's fixed weights) score every query once.

Two settings are scored:
- "BEIR": the knowledge exported as a plain FAQ corpus (question as title, answer as text,
  no alternates), read the way `retrieval.evaluate` reads an outside benchmark;
- "service": the index the bot answers from (alternates as phrasings, plan passages too).
For the service, the abstention section (bench/abstention.py) fits the abstention policy on
held-out folds, prints the fitted weights next to the ones in the code, and a table per
threshold of how many answerable questions would still be answered (and answered right) and
how many unanswerable ones would wrongly get an answer. Its questions go through the bot's
own decision path (KnowledgeService.candidates: English glossary, word evidence); with the
adapted model, each answerable question is asked of its fold's model and the unanswerable
ones of all five.
"""

from __future__ import annotations

import argparse
import os
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import yaml

from bench.abstention import Question
from bench.abstention import report as report_abstention
from embedding.sentence_transformer import SentenceTransformerEmbedder
from knowledge import KNOWLEDGE_DIR
from knowledge.beir_export import corpus_rows
from knowledge.loader import load_knowledge
from knowledge.municipality import Municipality
from repo_paths import REPO_ROOT, VAR_DIR, base_embedding_model_dir
from retrieval.documents import Document, ScoredDocument
from retrieval.embedder import Embedder
from retrieval.entry_folds import FOLDS, entry_folds, query_folds
from retrieval.evaluate import corpus_documents, read_jsonl, read_qrels
from retrieval.hybrid import (
    CURATED_FAQ_DENSE_WEIGHT,
    FUSION_METHODS,
    FusionConfig,
    HybridRetriever,
    fuse,
)
from retrieval.knowledge_service import KnowledgeService, policy_for
from retrieval.metrics import mrr_at_k, ndcg_at_k, recall_at_k
from retrieval.text_analysis import TermAnalyzer
from retrieval.vector_cache import CachedEmbedder, VectorCache

DEV_DIR = REPO_ROOT / "tests" / "data" / "retrieval_dev"
WORK_DIR = VAR_DIR / "retrieval_dev"
FOLD_MODELS_DIR = WORK_DIR / "models"
WEIGHTS = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
# questions written apart from the FAQ and the dev set: a check the policy is not fitted on
NEW_TOPICS_FILE = REPO_ROOT / "tests" / "data" / "new_topics.yml"
TODAY_BEIR = FusionConfig()
TODAY_SERVICE = FusionConfig(dense_weight=CURATED_FAQ_DENSE_WEIGHT)
RUN_DEPTH = 100
# what issue 14 added, each switchable for the comparison (`--without`, `--today`)
FEATURES = ("structure", "words", "passages", "focus")


@dataclass(frozen=True)
class Variant:
    """Which of issue 14's retrieval changes are on."""

    off: frozenset[str] = frozenset()

    @property
    def name(self) -> str:
        return "all" if not self.off else "without-" + "-".join(sorted(self.off))

    def analyzer(self) -> TermAnalyzer:
        words = "words" not in self.off
        return TermAnalyzer(KNOWLEDGE_DIR / "lexicon.yml", synonyms=words, folding=words)

    def fusion(self, base: FusionConfig) -> FusionConfig:
        return replace(
            base,
            long_passage_chars=0 if "passages" in self.off else base.long_passage_chars,
            question_focus=0.0 if "focus" in self.off else base.question_focus,
        )


VARIANT = Variant()

Components = tuple[dict[int, float], dict[int, float]]
Metrics = tuple[float, float, float]


@dataclass
class DevSet:
    query_ids: list[str]
    texts: list[str]
    qrels: dict[str, dict[str, int]]
    folds: dict[str, int]  # query id -> fold
    unanswerable: list[str]
    unanswerable_ids: list[str]


@dataclass
class Scored:
    """One setting and one model family, every dev query scored by its fold's model."""

    documents: list[Document]
    parts: dict[str, Components]  # query id -> (dense, bm25)
    unanswerable: list[Components]


# ------------------------------------------------------------------ scoring
def ranked_ids(documents: Sequence[Document], scores: dict[int, float]) -> list[str]:
    order = sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:RUN_DEPTH]
    return [documents[i].id for i, _ in order]


def per_query(
    scored: Scored, dev: DevSet, rank: Callable[[Components], dict[int, float]]
) -> dict[str, Metrics]:
    result = {}
    for qid, parts in scored.parts.items():
        ranked = ranked_ids(scored.documents, rank(parts))
        relevant = dev.qrels[qid]
        result[qid] = (
            ndcg_at_k(ranked, relevant),
            recall_at_k(ranked, relevant),
            mrr_at_k(ranked, relevant),
        )
    return result


def mean(metrics: dict[str, Metrics], query_ids: Sequence[str]) -> Metrics:
    rows = [metrics[q] for q in query_ids]
    return tuple(statistics.fmean(r[i] for r in rows) for i in range(3))  # type: ignore[return-value]


def fusion_grid(methods: Sequence[str] = FUSION_METHODS) -> list[FusionConfig]:
    return [FusionConfig(dense_weight=w, method=m) for m in methods for w in WEIGHTS]


def chosen_on_other_folds(
    scored: Scored, dev: DevSet, grid: Sequence[FusionConfig]
) -> tuple[dict[str, Metrics], list[FusionConfig]]:
    """Per fold, the fusion that is best (nDCG@10) on the other folds' queries, applied to
    this fold's queries: the held-out figure of tuning the fusion on our own dev set."""
    table = {
        config: per_query(scored, dev, lambda p, c=config: fuse(p[0], p[1], c)) for config in grid
    }
    held_out: dict[str, Metrics] = {}
    chosen = []
    for fold in range(FOLDS):
        train = [q for q in scored.parts if dev.folds[q] != fold]
        test = [q for q in scored.parts if dev.folds[q] == fold]
        best = max(grid, key=lambda c: (mean(table[c], train)[0], -grid.index(c)))
        chosen.append(best)
        held_out.update({q: table[best][q] for q in test})
    return held_out, chosen


def line(name: str, metrics: Metrics, note: str = "") -> str:
    return f"  {name:34s} {metrics[0]:.4f} / {metrics[1]:.4f} / {metrics[2]:.4f}{note}"


def describe(configs: Sequence[FusionConfig]) -> str:
    return " chosen: " + " ".join(f"{c.method[:4]}{c.dense_weight:.1f}" for c in configs)


def print_setting(
    label: str, families: dict[str, Scored], dev: DevSet, today: FusionConfig
) -> dict[str, FusionConfig]:
    any_scored = next(iter(families.values()))
    query_ids = list(any_scored.parts)
    print(f"\n{label}: held-out folds, {len(query_ids)} queries; nDCG@10 / Recall@10 / MRR@10")
    print(line("bm25", mean(per_query(any_scored, dev, lambda p: p[1]), query_ids)))
    finals: dict[str, FusionConfig] = {}
    for name, scored in families.items():
        print(line(f"dense {name}", mean(per_query(scored, dev, lambda p: p[0]), query_ids)))
    for name, scored in families.items():
        fixed = per_query(scored, dev, lambda p: fuse(p[0], p[1], today))
        print(line(f"hybrid {name}, today's fusion", mean(fixed, query_ids)))
        for methods, what in (((m,), m) for m in FUSION_METHODS):
            held, chosen = chosen_on_other_folds(scored, dev, fusion_grid(methods))
            print(line(f"hybrid {name}, {what} tuned", mean(held, query_ids), describe(chosen)))
        held, chosen = chosen_on_other_folds(scored, dev, fusion_grid())
        print(line(f"hybrid {name}, method+weight tuned", mean(held, query_ids), describe(chosen)))
        finals[name] = statistics.mode(chosen)
    return finals


# ------------------------------------------------------------- components
def cached(embedder: Embedder, name: str) -> CachedEmbedder:
    return CachedEmbedder(embedder, VectorCache(WORK_DIR / f"vectors-{name}.sqlite3"))


def components_of(
    retriever: HybridRetriever, texts: Sequence[str], encoder: CachedEmbedder
) -> list[Components]:
    encoder.encode_queries(list(texts))  # one batch into the cache; searches then read it
    searching = retriever.embedder
    retriever.embedder = encoder
    try:
        return [retriever.score_components(text) for text in texts]
    finally:
        retriever.embedder = searching


def beir_documents() -> list[Document]:
    rows = [r for r in corpus_rows(KNOWLEDGE_DIR) if "#" not in r["_id"]]
    return corpus_documents(rows, structured="structure" not in VARIANT.off)


def beir_retriever(embedder: Embedder, encoder: CachedEmbedder) -> HybridRetriever:
    retriever = HybridRetriever(VARIANT.analyzer(), embedder, fusion=VARIANT.fusion(FusionConfig()))
    retriever.index(beir_documents(), encoder=encoder)
    return retriever


def service_for(embedder: Embedder, name: str) -> KnowledgeService:
    municipality = Municipality.load(KNOWLEDGE_DIR / "municipality.yml")
    # one directory per model: variants share its vector cache (the index itself is keyed)
    index_dir = WORK_DIR / "index" / name
    return KnowledgeService.build(
        KNOWLEDGE_DIR,
        municipality,
        embedder,
        index_dir,
        fusion=VARIANT.fusion(TODAY_SERVICE),
        progress=lambda _: None,
        analyzer=VARIANT.analyzer(),
    )


def service_retriever(embedder: Embedder, name: str) -> HybridRetriever:
    return service_for(embedder, name).retriever


def score_family(embedders: Sequence[tuple[str, Embedder]], dev: DevSet, setting: str) -> Scored:
    """`embedders`: one (cache name, embedder) for all folds, or one per fold."""
    parts: dict[str, Components] = {}
    unanswerable: list[Components] = []
    documents: list[Document] = []
    for fold, (name, embedder) in enumerate(embedders):
        encoder = cached(embedder, name)
        if setting == "beir":
            retriever = beir_retriever(embedder, encoder)
        else:
            retriever = service_retriever(embedder, name)
        documents = retriever.documents
        mine = [
            (qid, text)
            for qid, text in zip(dev.query_ids, dev.texts, strict=True)
            if len(embedders) == 1 or dev.folds[qid] == fold
        ]
        found = components_of(retriever, [t for _, t in mine], encoder)
        parts.update({qid: c for (qid, _), c in zip(mine, found, strict=True)})
        unanswerable += components_of(retriever, dev.unanswerable, encoder)
    ordered = {qid: parts[qid] for qid in dev.query_ids if qid in parts}
    return Scored(documents, ordered, unanswerable)


def top_hits(
    service: KnowledgeService, texts: Sequence[str], encoder: CachedEmbedder
) -> list[ScoredDocument | None]:
    """The top hit of each question as the bot's decision sees it (None: nothing found)."""
    encoder.encode_queries(list(texts))  # one batch into the cache (English is expanded after)
    searching = service.retriever.embedder
    service.retriever.embedder = encoder
    try:
        return [next(iter(service.candidates(text, top_k=1)), None) for text in texts]
    finally:
        service.retriever.embedder = searching


def abstention_questions(
    embedders: Sequence[tuple[str, Embedder]], dev: DevSet
) -> tuple[list[Question], list[Question]]:
    """The dev questions with their top hits, and the new-topic questions (one model only)."""
    questions: list[Question] = []
    outside: list[Question] = []
    unanswerable_folds = entry_folds(dev.unanswerable_ids)
    for fold, (name, embedder) in enumerate(embedders):
        service = service_for(embedder, name)
        encoder = cached(embedder, name)
        mine = [
            (qid, text)
            for qid, text in zip(dev.query_ids, dev.texts, strict=True)
            if len(embedders) == 1 or dev.folds[qid] == fold
        ]
        hits = top_hits(service, [t for _, t in mine], encoder)
        for (qid, _), hit in zip(mine, hits, strict=True):
            right = hit is not None and dev.qrels[qid].get(hit.document.id, 0) > 0
            questions.append(Question(dev.folds[qid], True, hit, right))
        hits = top_hits(service, dev.unanswerable, encoder)
        for uid, hit in zip(dev.unanswerable_ids, hits, strict=True):
            questions.append(Question(unanswerable_folds[uid], False, hit))
        if len(embedders) == 1:
            rows = yaml.safe_load(NEW_TOPICS_FILE.read_text(encoding="utf-8"))["questions"]
            hits = top_hits(service, [row["text"] for row in rows], encoder)
            for row, hit in zip(rows, hits, strict=True):
                right = hit is not None and hit.document.id in row["expected"]
                outside.append(Question(0, True, hit, right))
    return questions, outside


# --------------------------------------------------------------- the set
def load_dev_set() -> DevSet:
    queries = read_jsonl(DEV_DIR / "queries.jsonl")
    qrels = read_qrels(DEV_DIR / "qrels" / "test.tsv")
    faq_ids = [item.entry.id for item in load_knowledge(KNOWLEDGE_DIR).faqs]
    folds = query_folds(qrels, entry_folds(faq_ids))
    queries = [q for q in queries if q["_id"] in folds]
    unanswerable = read_jsonl(DEV_DIR / "unanswerable.jsonl")
    return DevSet(
        query_ids=[q["_id"] for q in queries],
        texts=[q["text"] for q in queries],
        qrels=qrels,
        folds=folds,
        unanswerable=[q["text"] for q in unanswerable],
        unanswerable_ids=[q["_id"] for q in unanswerable],
    )


def fold_model_dir(fold: int) -> Path:
    return FOLD_MODELS_DIR / f"fold-{fold}"


def train_fold_model(fold: int) -> None:
    """The adapted model of one fold, on the other folds' entries (skipped when current)."""
    from embedding.adaptation import train_adapted_model
    from retrieval.adaptation_examples import knowledge_examples

    faq_ids = [item.entry.id for item in load_knowledge(KNOWLEDGE_DIR).faqs]
    held_out = {entry_id for entry_id, f in entry_folds(faq_ids).items() if f == fold}
    examples = knowledge_examples(KNOWLEDGE_DIR, exclude_entries=held_out)
    train_adapted_model(base_embedding_model_dir(), examples, fold_model_dir(fold))


def train_fold_models(workers: int = 2) -> None:
    """Training is pinned to one thread (reproducible vectors), so the folds are trained in
    `workers` processes at once: two on the 2-core machine take half the time of one after
    another (≈ 390 s per fold at 3 epochs)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        list(pool.map(train_fold_model, range(FOLDS)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--train-folds", action="store_true", help="build missing fold models")
    parser.add_argument("--no-adapted", action="store_true", help="score the base model only")
    parser.add_argument(
        "--without", action="append", choices=FEATURES, default=[], help="switch a change off"
    )
    parser.add_argument(
        "--today", action="store_true", help="all of issue 14's ranking changes off"
    )
    parser.add_argument("--abstention-only", action="store_true", help="skip the ranking tables")
    args = parser.parse_args()
    global VARIANT
    VARIANT = Variant(frozenset(FEATURES if args.today else args.without))
    import torch

    torch.set_num_threads(1)
    dev = load_dev_set()
    if args.train_folds:
        train_fold_models()
    families: dict[str, list[tuple[str, Embedder]]] = {
        "base": [("base", SentenceTransformerEmbedder(base_embedding_model_dir()))]
    }
    fold_dirs = [fold_model_dir(f) for f in range(FOLDS)]
    if not args.no_adapted:
        if all((d / "config.json").is_file() for d in fold_dirs):
            families["adapted"] = [
                (f"fold-{f}", SentenceTransformerEmbedder(d)) for f, d in enumerate(fold_dirs)
            ]
        else:
            print("(no fold models under var/retrieval_dev/models: run with --train-folds)")
    sizes = [sum(1 for q in dev.query_ids if dev.folds[q] == f) for f in range(FOLDS)]
    print(f"dev set: {len(dev.query_ids)} queries in {FOLDS} folds of {sizes} by entry")
    print(f"ranking changes: {VARIANT.name} (of {', '.join(FEATURES)})")

    if not args.abstention_only:
        beir = {name: score_family(e, dev, "beir") for name, e in families.items()}
        print_setting(
            f"BEIR setting ({len(beir['base'].documents)} FAQ documents, no alternates)",
            beir,
            dev,
            TODAY_BEIR,
        )
        service = {name: score_family(e, dev, "service") for name, e in families.items()}
        print_setting(
            f"service setting ({len(service['base'].documents)} documents with alternates "
            "and plans)",
            service,
            dev,
            TODAY_SERVICE,
        )
    for name, embedders in families.items():
        questions, outside = abstention_questions(embedders, dev)
        report_abstention(name, questions, outside, in_code=policy_for(embedders[0][1]))


if __name__ == "__main__":
    main()

"""Builds the domain-adapted embedding model after provisioning (skipped when current).

python -m retrieval.adapt_model [--base models/multilingual-e5-small]
    [--target models/multilingual-e5-small-adapted] [--exclude-fold K]

The inputs (base model, training texts from knowledge/, hyper-parameters) are hashed into the
target's provenance; a second run with the same inputs does nothing. `--exclude-fold` trains
on every fold but K, for bench/retrieval_dev.py's held-out scores.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from embedding.adaptation import AdaptationConfig, train_adapted_model
from knowledge.loader import load_knowledge
from repo_paths import KNOWLEDGE_DIR, adapted_embedding_model_dir, base_embedding_model_dir
from retrieval.adaptation_examples import knowledge_examples
from retrieval.entry_folds import FOLDS, entry_folds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m retrieval.adapt_model", description=__doc__)
    parser.add_argument("--knowledge-dir", type=Path, default=KNOWLEDGE_DIR)
    parser.add_argument("--base", type=Path, default=base_embedding_model_dir())
    parser.add_argument("--target", type=Path, default=adapted_embedding_model_dir())
    parser.add_argument("--exclude-fold", type=int, choices=range(FOLDS))
    parser.add_argument("--epochs", type=int, default=AdaptationConfig.epochs)
    args = parser.parse_args(argv)
    started = time.monotonic()
    excluded: set[str] = set()
    if args.exclude_fold is not None:
        faq_ids = [f.entry.id for f in load_knowledge(args.knowledge_dir).faqs]
        folds = entry_folds(faq_ids)
        excluded = {entry_id for entry_id, fold in folds.items() if fold == args.exclude_fold}
    examples = knowledge_examples(args.knowledge_dir, exclude_entries=excluded)
    config = AdaptationConfig(epochs=args.epochs)
    trained = train_adapted_model(args.base, examples, args.target, config)
    print(
        f"adapted embedding model {'built' if trained else 'up to date'} at "
        f"{args.target.absolute()} ({time.monotonic() - started:.1f} s)",
        flush=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Builds the knowledge index ahead of start-up (skipped when knowledge/ has not changed).

python -m retrieval.build_index [--knowledge-dir knowledge] [--index-dir var/index]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from embedding.sentence_transformer import SentenceTransformerEmbedder
from knowledge.municipality import Municipality
from repo_paths import INDEX_DIR, KNOWLEDGE_DIR, embedding_model_dir
from retrieval.knowledge_service import KnowledgeService


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m retrieval.build_index")
    parser.add_argument("--knowledge-dir", type=Path, default=KNOWLEDGE_DIR)
    parser.add_argument(
        "--index-dir", type=Path, default=Path(os.environ.get("INDEX_DIR") or INDEX_DIR)
    )
    parser.add_argument("--model-dir", type=Path, default=embedding_model_dir())
    args = parser.parse_args(argv)
    started = time.monotonic()
    municipality = Municipality.load(args.knowledge_dir / "municipality.yml")
    embedder = SentenceTransformerEmbedder(args.model_dir, show_progress=True)
    service = KnowledgeService.build(
        args.knowledge_dir,
        municipality,
        embedder,
        args.index_dir,
        progress=lambda m: print(f"[index] {m}", file=sys.stderr, flush=True),
    )
    print(
        f"[index] {len(service.documents)} documents, index {service.key}, "
        f"{time.monotonic() - started:.1f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The retrieval dev set (tests/data/retrieval_dev, the one bench/retrieval_dev.py scores), as
questions to put to the running bot.

Answerable questions carry the FAQ ids their qrels judge relevant, so a reply can be scored
right or wrong by its `answer_id`; unanswerable ones are what the bot should abstain on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, TypeVar

from repo_paths import REPO_ROOT
from retrieval.evaluate import read_jsonl, read_qrels

DEV_DIR = REPO_ROOT / "tests" / "data" / "retrieval_dev"

T = TypeVar("T")


@dataclass(frozen=True)
class DevQuestion:
    id: str
    text: str
    relevant: frozenset[str]  # FAQ ids with a qrels score >= 1

    def answered_right(self, messages: Sequence[dict[str, Any]]) -> bool:
        """The first FAQ the reply gives is one the qrels judge relevant."""
        first = next((m["answer_id"] for m in messages if m.get("answer_id")), None)
        return first in self.relevant


@lru_cache
def answerable() -> tuple[DevQuestion, ...]:
    qrels = read_qrels(DEV_DIR / "qrels" / "test.tsv")
    return tuple(
        DevQuestion(row["_id"], row["text"], frozenset(qrels[row["_id"]]))
        for row in read_jsonl(DEV_DIR / "queries.jsonl")
    )


@lru_cache
def unanswerable() -> tuple[tuple[str, str], ...]:
    """(id, text) of the questions the knowledge base cannot answer."""
    return tuple((row["_id"], row["text"]) for row in read_jsonl(DEV_DIR / "unanswerable.jsonl"))


def spread(items: Sequence[T], count: int) -> list[T]:
    """`count` items evenly spaced over the whole sequence: every topic file of the dev set
    gets its share, not only the first one."""
    if count >= len(items):
        return list(items)
    step = len(items) / count
    return [items[int(i * step)] for i in range(count)]

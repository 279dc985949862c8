"""What the simulated residents of bench/load.py and bench/soak.py send: a seeded, varied mix.

Questions come from the retrieval dev set (written the way residents really type: dialect,
typos, half-width katakana, English) and from the FAQ's own questions and alternates, so a run
exercises the retriever over the whole knowledge base instead of a few phrasings that stay hot
in every cache; a few are questions the knowledge cannot answer (the abstention path). Flows
(the card application form, procedure follow-ups), greetings and closings come from
bench/data/visits.yml.

A *visit* is what one resident sends in one session. It is kept shorter than the app's
per-sender burst (core/rate_limit.py), so that a resident who sends without pause measures
turns, not the "slow down" reply.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from knowledge.loader import load_knowledge
from repo_paths import KNOWLEDGE_DIR, REPO_ROOT

DEV_DIR = REPO_ROOT / "tests" / "data" / "retrieval_dev"
VISITS_FILE = Path(__file__).with_name("data") / "visits.yml"

# How often each kind of item is drawn for a visit; flows add their follow-up messages.
ITEM_WEIGHTS = {"dev": 0.55, "faq": 0.25, "unanswerable": 0.06, "flow": 0.14}
GREETING_SHARE = 0.2  # visits that open with a greeting
CLOSING_SHARE = 0.25  # visits that end with thanks or goodbye
ITEMS_PER_VISIT = (1, 3)
MAX_VISIT_TURNS = 6  # below SenderRateLimiter's burst of 8


@dataclass(frozen=True)
class QuestionMix:
    dev_questions: tuple[str, ...]
    faq_phrasings: tuple[str, ...]
    unanswerable: tuple[str, ...]
    flows: tuple[tuple[str, ...], ...]
    greetings: tuple[str, ...]
    closings: tuple[str, ...]

    @classmethod
    def load(
        cls,
        dev_dir: Path = DEV_DIR,
        knowledge_dir: Path = KNOWLEDGE_DIR,
        visits_file: Path = VISITS_FILE,
    ) -> QuestionMix:
        visits = yaml.safe_load(visits_file.read_text(encoding="utf-8"))
        faqs = load_knowledge(knowledge_dir).faqs
        return cls(
            dev_questions=_jsonl_texts(dev_dir / "queries.jsonl"),
            faq_phrasings=tuple(
                text for f in faqs for text in (f.entry.question, *f.entry.alternates)
            ),
            unanswerable=_jsonl_texts(dev_dir / "unanswerable.jsonl"),
            flows=tuple(tuple(str(m) for m in flow) for flow in visits["flows"]),
            greetings=tuple(str(g) for g in visits["greetings"]),
            closings=tuple(str(c) for c in visits["closings"]),
        )

    def item(self, rng: random.Random) -> tuple[str, ...]:
        """One thing a resident wants: a single question, or a flow's messages in order."""
        kind = rng.choices(list(ITEM_WEIGHTS), weights=list(ITEM_WEIGHTS.values()))[0]
        if kind == "flow":
            return rng.choice(self.flows)
        pool = {
            "dev": self.dev_questions,
            "faq": self.faq_phrasings,
            "unanswerable": self.unanswerable,
        }[kind]
        return (rng.choice(pool),)

    def visit(self, rng: random.Random) -> list[str]:
        """The messages of one session, in order."""
        texts: list[str] = []
        if rng.random() < GREETING_SHARE:
            texts.append(rng.choice(self.greetings))
        for _ in range(rng.randint(*ITEMS_PER_VISIT)):
            texts.extend(self.item(rng))
        if rng.random() < CLOSING_SHARE:
            texts.append(rng.choice(self.closings))
        return texts[:MAX_VISIT_TURNS]

    def stream(self, rng: random.Random) -> Iterator[str]:
        """Visit after visit without end, for one long session (the growth run)."""
        while True:
            yield from self.visit(rng)


def _jsonl_texts(path: Path) -> tuple[str, ...]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return tuple(json.loads(line)["text"] for line in lines if line.strip())


def resident_rng(seed: int, resident: int) -> random.Random:
    """Each resident its own reproducible draws, independent of how turns interleave."""
    return random.Random(f"{seed}:{resident}")  # noqa: S311 - a benchmark, not a secret

"""What the safety and routing step adds to a turn, before Rasa is asked.

The app's own work per message: cleaning, the button-token check, the English check, the
emergency lexicon, personal-data masking and signing the reply's buttons. Measured over every
FAQ question and alternate, the generated number messages and both emergency sets.

    .venvs/app/bin/python -m bench.safety_bench [--rounds 3]
"""

from __future__ import annotations

import argparse
import time

import yaml

from bench.figures import summary_ms
from core.button_payloads import ButtonPayloads
from core.emergency import EmergencyLexicon
from core.personal_data import PersonalDataMasker
from core.schemas import Button, ChatMessage
from japanese_text import clean_text, is_english
from knowledge.loader import load_knowledge
from repo_paths import EMERGENCY_LEXICON_FILE, KNOWLEDGE_DIR, REPO_ROOT
from tests.support.number_messages import number_messages


def corpus() -> list[str]:
    texts = [
        t
        for f in load_knowledge(KNOWLEDGE_DIR).faqs
        for t in (f.entry.question, *f.entry.alternates)
    ]
    texts += number_messages()
    for name in ("understanding", "understanding_b"):
        path = REPO_ROOT / "tests" / "data" / name / "emergencies.yml"
        texts += [
            e["text"] for e in yaml.safe_load(path.read_text(encoding="utf-8"))["emergencies"]
        ]
    return texts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.safety_bench")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    lexicon = EmergencyLexicon.load(EMERGENCY_LEXICON_FILE)
    masker = PersonalDataMasker()
    buttons = ButtonPayloads(b"bench-secret-0123456789abcdef")
    reply = [
        ChatMessage(
            text="回答", buttons=[Button(title=f"b{i}", payload=f"/x{i}") for i in range(4)]
        )
    ]
    texts = corpus()
    timings: list[float] = []
    for _ in range(args.rounds):
        for text in texts:
            started = time.perf_counter()
            buttons.read(text)
            cleaned = clean_text(text)
            is_english(cleaned)
            lexicon.check(cleaned)
            masker.mask(cleaned)
            buttons.sign(reply)
            timings.append(time.perf_counter() - started)
    print(f"messages: {len(texts)} x {args.rounds} rounds")
    print(f"safety + routing step per message: {summary_ms(timings)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

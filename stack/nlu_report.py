"""Reads `rasa test nlu` reports and holds them to the quality floor of the NLU issue.

The held-out file was written apart from the training data; a drop below the floor means
the training data or the pipeline regressed, so the test suite fails on it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

INTENT_MACRO_F1_FLOOR = 0.93
ENTITY_F1_FLOOR = 0.88
ENTITY_REPORT = "DIETClassifier_report.json"


@dataclass(frozen=True)
class NluScores:
    intent_macro_f1: float
    intent_accuracy: float
    entity_micro_f1: float
    entity_macro_f1: float
    weakest_intents: list[tuple[str, float]]

    def passes(self) -> bool:
        return (
            self.intent_macro_f1 >= INTENT_MACRO_F1_FLOOR
            and self.entity_micro_f1 >= ENTITY_F1_FLOOR
        )

    def lines(self) -> list[str]:
        weakest = ", ".join(f"{name} {f1:.2f}" for name, f1 in self.weakest_intents)
        return [
            f"intent macro-F1 {self.intent_macro_f1:.3f} (floor {INTENT_MACRO_F1_FLOOR}), "
            f"accuracy {self.intent_accuracy:.3f}",
            f"entity F1 micro {self.entity_micro_f1:.3f} (floor {ENTITY_F1_FLOOR}), "
            f"macro {self.entity_macro_f1:.3f}",
            f"weakest intents: {weakest}",
        ]


def read_scores(report_dir: Path) -> NluScores:
    intents = json.loads((report_dir / "intent_report.json").read_text(encoding="utf-8"))
    entities = json.loads((report_dir / ENTITY_REPORT).read_text(encoding="utf-8"))
    per_intent = sorted(
        (
            (name, float(values["f1-score"]))
            for name, values in intents.items()
            if isinstance(values, dict) and "avg" not in name and "support" in values
        ),
        key=lambda item: item[1],
    )
    return NluScores(
        intent_macro_f1=float(intents["macro avg"]["f1-score"]),
        intent_accuracy=float(intents["accuracy"]),
        entity_micro_f1=float(entities["micro avg"]["f1-score"]),
        entity_macro_f1=float(entities["macro avg"]["f1-score"]),
        weakest_intents=per_intent[:4],
    )


def main(report_dir: str) -> int:
    scores = read_scores(Path(report_dir))
    for line in scores.lines():
        print(line)
    return 0 if scores.passes() else 1


if __name__ == "__main__":
    import sys

    raise SystemExit(main(sys.argv[1]))

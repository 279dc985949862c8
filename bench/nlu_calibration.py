"""NLU quality on data it never trained on, and the flow thresholds that follow from it.

Runs Rasa's 5-fold cross-validation on the training data (bot/data), pools the test folds'
predictions, and prints intent macro-F1 and entity F1, then for every flow intent of
bot/flow_evidence.yml how often DIET is right above each confidence: the threshold a flow
needs is the lowest one where its predictions are right at least PRECISION_TARGET of the time.
Then it scores the trained model on the held-out file the same way (stack/nlu_report.py).
Takes about an hour on two cores (five trainings; the full model alone took 875 s on 2026-12-03).

    python3 -m bench.nlu_calibration [--folds 5] [--skip-cv]
"""

from __future__ import annotations

import argparse
import json
import subprocess
from pathlib import Path

from repo_paths import BOT_DIR, REPO_ROOT, VAR_DIR
from stack.nlu_report import read_scores
from stack.rasa_model import CONFIG_ARGS, DOMAIN_ARGS, model_path, rasa_command, rasa_env

CV_DIR = VAR_DIR / "nlu-cv"
HELDOUT_DIR = VAR_DIR / "test-results" / "nlu"
THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
PRECISION_TARGET = 0.95


def flow_intents() -> list[str]:
    import re

    text = (BOT_DIR / "flow_evidence.yml").read_text(encoding="utf-8")
    section = text.split("\nintents:\n", 1)[1]
    return re.findall(r"^  ([a-z_]+):", section, flags=re.MULTILINE)


def predictions(report_dir: Path) -> list[tuple[str, str, float]]:
    rows = []
    for name in ("intent_successes.json", "intent_errors.json"):
        path = report_dir / name
        if path.is_file():
            for item in json.loads(path.read_text(encoding="utf-8")):
                predicted = item["intent_prediction"]
                rows.append((item["intent"], predicted["name"], float(predicted["confidence"])))
    return rows


def calibration(rows: list[tuple[str, str, float]]) -> None:
    print("flow intents: precision (right / predicted) at or above each confidence")
    print("intent".ljust(24) + "".join(f"{t:>10}" for t in THRESHOLDS) + "   threshold")
    for intent in flow_intents():
        cells, chosen = [], None
        for threshold in THRESHOLDS:
            predicted = [truth for truth, name, c in rows if name == intent and c >= threshold]
            precision = sum(t == intent for t in predicted) / len(predicted) if predicted else 1.0
            cells.append(f"{precision:.2f}/{len(predicted):<4}")
            if chosen is None and precision >= PRECISION_TARGET:
                chosen = threshold
        print(intent.ljust(24) + "".join(f"{c:>10}" for c in cells) + f"   {chosen}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m bench.nlu_calibration")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--skip-cv", action="store_true", help="read the last run's reports")
    args = parser.parse_args(argv)
    if not args.skip_cv:
        subprocess.run(
            rasa_command(
                "test",
                "nlu",
                "--cross-validation",
                "--folds",
                str(args.folds),
                "--nlu",
                "bot/data",
                *CONFIG_ARGS,
                *DOMAIN_ARGS,
                "--successes",
                "--out",
                str(CV_DIR),
            ),
            cwd=REPO_ROOT,
            env=rasa_env(),
            check=True,
        )
        subprocess.run(
            rasa_command(
                "test",
                "nlu",
                "--model",
                str(model_path()),
                "--nlu",
                "bot/tests/nlu/heldout.yml",
                *DOMAIN_ARGS,
                "--successes",
                "--out",
                str(HELDOUT_DIR),
            ),
            cwd=REPO_ROOT,
            env=rasa_env(),
            check=True,
        )
    print(f"== {args.folds}-fold cross-validation on the training data (test folds pooled)")
    for line in read_scores(CV_DIR).lines():
        print(line)
    print("== held-out file (bot/tests/nlu/heldout.yml), model trained on all training data")
    for line in read_scores(HELDOUT_DIR).lines():
        print(line)
    print("== cross-validation predictions")
    calibration(predictions(CV_DIR))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

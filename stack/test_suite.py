"""The whole test suite, in the order that fails fastest on the commonest mistakes.

Each step runs in the environment it needs: Rasa's commands and the tokenizer's unit tests in
Rasa's, everything else (app, retriever, channels, end-to-end, browser) in the app's.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from dataclasses import dataclass

from stack import REPO_ROOT, VAR_DIR
from stack.environments import APP, RASA
from stack.progress import say
from stack.rasa_model import (
    CONFIG_ARGS,
    DATA_ARGS,
    DOMAIN_ARGS,
    model_path,
    rasa_command,
    rasa_env,
)

RESULTS_DIR = VAR_DIR / "test-results"
_PYTEST_SUMMARY = re.compile(r"(\d+) (passed|failed|error|errors)\b")


@dataclass
class StepResult:
    name: str
    ok: bool
    seconds: float
    passed: int = 0
    failed: int = 0


def _run(name: str, command: list[str], *, env: dict[str, str] | None = None) -> StepResult:
    say(f"--- {name}")
    started = time.monotonic()
    process = subprocess.run(
        command, cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    output = process.stdout.decode("utf-8", errors="replace")
    print(output, end="" if output.endswith("\n") else "\n", flush=True)
    result = StepResult(name, process.returncode == 0, time.monotonic() - started)
    if "pytest" in " ".join(command):
        tail = output.strip().splitlines()[-1] if output.strip() else ""
        for count, word in _PYTEST_SUMMARY.findall(tail):
            if word == "passed":
                result.passed += int(count)
            else:
                result.failed += int(count)
        if result.passed == 0:
            result.ok = False  # a test step that ran nothing has not tested anything
    else:
        result.passed, result.failed = (1, 0) if result.ok else (0, 1)
    return result


def run_suite(pytest_args: list[str] | None = None) -> int:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    app_python = str(APP.python)
    model = str(model_path())
    r_env = rasa_env()
    extra = list(pytest_args or [])

    steps = [
        ("ruff", [str(APP.bin("ruff")), "check", "."], None),
        ("import contracts (import-linter)", [str(APP.bin("lint-imports")), "--no-cache"], None),
        ("knowledge check", [app_python, "-m", "knowledge", "check"], None),
        (
            "rasa data validate",
            rasa_command(
                "data", "validate", *CONFIG_ARGS, *DOMAIN_ARGS, *DATA_ARGS, "--fail-on-warnings"
            ),
            r_env,
        ),
        (
            "rasa story tests",
            rasa_command(
                "test",
                "core",
                "--model",
                model,
                "--stories",
                "bot/tests/stories",
                "--endpoints",
                "bot/endpoints.yml",
                "--fail-on-prediction-errors",
                "--out",
                str(RESULTS_DIR / "core"),
            ),
            r_env,
        ),
        (
            "rasa test nlu (held-out file)",
            rasa_command(
                "test",
                "nlu",
                "--model",
                model,
                "--nlu",
                "bot/tests/nlu/heldout.yml",
                *DOMAIN_ARGS,
                "--out",
                str(RESULTS_DIR / "nlu"),
            ),
            r_env,
        ),
        (
            "NLU quality floor (held-out intent macro-F1, entity F1)",
            [sys.executable, "-m", "stack.nlu_report", str(RESULTS_DIR / "nlu")],
            None,
        ),
        (
            "pytest (Rasa environment: NLU components, policies, tracker and lock stores, server)",
            [
                str(RASA.python),
                "-m",
                "pytest",
                "tests/bot/components",
                "tests/bot/policies",
                "tests/bot/lock_stores",
                "tests/bot/tracker_stores",
                "tests/bot/test_rasa_server.py",
                "tests/bot/test_sequential_graph_runner.py",
                "tests/bot/test_sparse_feature_concat.py",
                "-p",
                "no:cacheprovider",
                *extra,
            ],
            r_env,
        ),
        (
            "pytest (app environment: app, actions, retrieval, channels, end-to-end, browser)",
            [
                app_python,
                "-m",
                "pytest",
                "tests",
                "--ignore=tests/bot/components",
                "--ignore=tests/bot/policies",
                "--ignore=tests/bot/lock_stores",
                "--ignore=tests/bot/tracker_stores",
                "--ignore=tests/bot/test_rasa_server.py",
                "--ignore=tests/bot/test_sequential_graph_runner.py",
                "--ignore=tests/bot/test_sparse_feature_concat.py",
                *extra,
            ],
            None,
        ),
    ]
    results = []
    for name, command, env in steps:
        results.append(_run(name, command, env=env))
        if not results[-1].ok:
            say(f"FAILED: {name}")
    say("summary:")
    for r in results:
        say(f"  {'ok  ' if r.ok else 'FAIL'} {r.name} ({r.seconds:.1f} s)")
    passed = sum(r.passed for r in results)
    failed = sum(r.failed for r in results) + sum(1 for r in results if not r.ok and r.failed == 0)
    print(f"total: {passed} passed, {failed} failed", flush=True)
    return 0 if all(r.ok for r in results) else 1

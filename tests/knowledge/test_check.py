from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

from knowledge.check import run_check
from repo_paths import REPO_ROOT

BROKEN = REPO_ROOT / "tests" / "data" / "knowledge_broken"
TODAY = dt.date(2026, 11, 24)


def messages(path: Path) -> list[str]:
    _, problems = run_check(path, today=TODAY)
    return [str(p) for p in problems]


def test_broken_fixtures_are_reported_with_file_and_line() -> None:
    found = "\n".join(messages(BROKEN))

    assert "broken.yml:8: error: [Bad Id] id: String should match pattern" in found
    assert "broken.yml:8: error: [Bad Id] alternates: List should have at least 4 items" in found
    assert "broken.yml:8: error: [Bad Id] source: Field required" in found
    assert "broken.yml:14: error: duplicate id 'good-entry' (first at" in found
    assert "unknown contact key 'offices.unknown'" in found
    assert "unknown placeholder '{{offices.nowhere.phone}}'" in found
    assert "valid_until 2025-03-31 is in the past" in found
    assert "warning: [good-entry] reviewed 2024-01-01: over a year ago" in found
    assert "invalid_yaml.yml:2: error: invalid YAML" in found
    assert "no_front_matter.md:1: error: front matter" in found
    assert "emergency.yml:1: error: kinds.fire.words must be a list of words" in found
    assert "emergency.yml:1: error: unknown kind 'flood'" in found
    assert "emergency.yml:1: error: urgent_now is not a valid pattern" in found


def test_the_command_fails_on_broken_knowledge_and_passes_on_the_repo() -> None:
    broken = subprocess.run(
        [sys.executable, "-m", "knowledge", "check", "--dir", str(BROKEN)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
    )
    repo = subprocess.run(
        [sys.executable, "-m", "knowledge", "check"], cwd=REPO_ROOT, capture_output=True, text=True
    )

    assert broken.returncode == 1
    assert "errors" in broken.stdout
    assert repo.returncode == 0, repo.stdout

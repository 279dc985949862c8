"""The import-linter contracts hold on the code, and do catch an import that points upwards."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from repo_paths import REPO_ROOT

LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
PACKAGES = (
    "app",
    "channels",
    "bot",
    "core",
    "retrieval",
    "knowledge",
    "embedding",
    "japanese_text",
    "repo_paths",
    "stack",
)


def lint(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(root / "pyproject.toml"), "--no-cache"],
        cwd=root,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
    )


def copy_of_the_code(target: Path) -> Path:
    for package in PACKAGES:
        shutil.copytree(
            REPO_ROOT / package,
            target / package,
            ignore=lambda _, names: [n for n in names if not (n.endswith(".py") or "." not in n)],
        )
    shutil.copy(REPO_ROOT / "pyproject.toml", target / "pyproject.toml")
    return target


def test_the_contracts_hold_on_the_code() -> None:
    result = lint(REPO_ROOT)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_a_reverse_import_breaks_the_layers_contract(tmp_path: Path) -> None:
    root = copy_of_the_code(tmp_path)
    (root / "retrieval" / "reverse.py").write_text("import app.main  # noqa\n")

    result = lint(root)

    assert result.returncode == 1
    assert "BROKEN" in result.stdout
    assert "retrieval.reverse -> app.main" in result.stdout


def test_a_framework_import_in_the_core_breaks_its_contract(tmp_path: Path) -> None:
    root = copy_of_the_code(tmp_path)
    (root / "core" / "web_leak.py").write_text("import fastapi  # noqa\n")

    result = lint(root)

    assert result.returncode == 1
    assert "core.web_leak -> fastapi" in result.stdout

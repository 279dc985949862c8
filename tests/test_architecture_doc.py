"""docs/architecture.md matches the code: every path it names exists."""

from __future__ import annotations

import re

from repo_paths import REPO_ROOT

DOC = REPO_ROOT / "docs" / "architecture.md"
PATH = re.compile(
    r"`((?:app|core|channels|bot|retrieval|embedding|knowledge|japanese_text|stack|bench|tests|docs|repo_paths)/[^`\s]*)`"
)


def test_every_module_path_in_the_architecture_document_exists() -> None:
    paths = set(PATH.findall(DOC.read_text(encoding="utf-8")))

    def exists(path: str) -> bool:
        if "*" in path:
            return any(REPO_ROOT.glob(path))
        return (REPO_ROOT / path.rstrip("/")).exists()

    missing = sorted(p for p in paths if not exists(p))
    assert len(paths) > 40
    assert missing == []


def test_the_readme_links_the_architecture_document() -> None:
    assert "docs/architecture.md" in (REPO_ROOT / "README.md").read_text(encoding="utf-8")

"""Content hashes that decide whether a build step can be skipped."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path


def hash_files(paths: Iterable[Path], *, extra: str = "", root: Path | None = None) -> str:
    """sha256 over the files' relative names and contents (directories are walked)."""
    digest = hashlib.sha256(extra.encode())
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
        elif path.is_file():
            files.append(path)
    for file in sorted(set(files)):
        name = str(file.relative_to(root)) if root else str(file)
        digest.update(name.encode() + b"\0")
        digest.update(file.read_bytes() + b"\0")
    return digest.hexdigest()


def read_stamp(path: Path) -> str | None:
    return path.read_text().strip() if path.is_file() else None


def write_stamp(path: Path, value: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(value + "\n")
    tmp.replace(path)

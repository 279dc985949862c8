"""Building a model directory at most once, with readers never seeing it half-written.

Provisioning the base model and adapting it both write a directory that other processes load
while the stack's set-up and a test run may be building it at the same time. Both therefore
need the same discipline, kept here so the two cannot drift: a cheap check without the lock
(the common case is "already current"), the lock, the check again (someone else may have
built it while we waited), a build into a hidden sibling, and a rename into place.

The sibling names (`.<name>.lock`, `.<name>.partial-*`, `.<name>.old-*`) are what existing
model directories on disk were built with; changing them would orphan leftovers and locks.
"""

from __future__ import annotations

import contextlib
import enum
import fcntl
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path


class Outcome(enum.Enum):
    """What `build_once` did, so each caller can report it in its own words."""

    CURRENT = "current"  # current at the first look; the lock was never taken
    BUILT_MEANWHILE = "built meanwhile"  # another process built it while this one waited
    BUILT = "built"


def build_once(
    target: Path, is_current: Callable[[Path], bool], build: Callable[[Path], None]
) -> Outcome:
    """Makes `target` current by calling `build` on an empty work directory, unless it is.

    `build` fills the work directory completely (provenance included): whatever it leaves
    there replaces `target` as one rename. If it raises, `target` stays as it was and the
    work directory is removed; the exception propagates.
    """
    if is_current(target):
        return Outcome.CURRENT
    target.parent.mkdir(parents=True, exist_ok=True)
    with _exclusive(target):
        if is_current(target):
            return Outcome.BUILT_MEANWHILE
        _remove_leftovers(target)
        work = Path(tempfile.mkdtemp(prefix=f".{target.name}.partial-", dir=target.parent))
        try:
            build(work)
            _make_readable(work)
            _swap_into_place(work, target)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return Outcome.BUILT


@contextlib.contextmanager
def _exclusive(target: Path) -> Iterator[None]:
    """One build per target at a time (the stack's set-up and a test run may overlap)."""
    lock_path = target.parent / f".{target.name}.lock"
    with lock_path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _remove_leftovers(target: Path) -> None:
    """Work directories of a run that was killed; safe under the lock."""
    for pattern in (f".{target.name}.partial-*", f".{target.name}.old-*"):
        for leftover in target.parent.glob(pattern):
            shutil.rmtree(leftover, ignore_errors=True)


def _swap_into_place(work: Path, target: Path) -> None:
    """Readers see the old complete model or the new one, never a half-written directory."""
    if not target.exists():
        work.rename(target)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
    target.rename(old / target.name)
    work.rename(target)
    shutil.rmtree(old)


def _make_readable(directory: Path) -> None:
    """mkdtemp and some writers create owner-only modes; the app may run as another user."""
    directory.chmod(0o755)
    for path in directory.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)

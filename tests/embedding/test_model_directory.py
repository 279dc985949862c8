"""Building a model directory once: real directories, real locks, a tiny build function.

Models already on disk were built with these sibling names, so the tests pin them too.
"""

from __future__ import annotations

import stat
import threading
from pathlib import Path

import pytest

from embedding.model_directory import Outcome, build_once


def stamped(version: str):
    """A build that writes one file (owner-only, as mkdtemp and some writers leave it)."""
    calls: list[Path] = []

    def build(work: Path) -> None:
        calls.append(work)
        (work / "sub").mkdir()
        stamp = work / "sub" / "stamp"
        stamp.write_text(version)
        stamp.chmod(0o600)

    return build, calls


def stamp_is(version: str):
    def is_current(directory: Path) -> bool:
        stamp = directory / "sub" / "stamp"
        return stamp.is_file() and stamp.read_text() == version

    return is_current


def siblings(target: Path) -> list[str]:
    return sorted(p.name for p in target.parent.iterdir() if p.name != target.name)


def test_skips_when_current_without_taking_the_lock(tmp_path: Path) -> None:
    target = tmp_path / "model"
    (target / "sub").mkdir(parents=True)
    (target / "sub" / "stamp").write_text("v1")
    build, calls = stamped("v1")

    assert build_once(target, stamp_is("v1"), build) is Outcome.CURRENT

    assert calls == []
    assert siblings(target) == []


def test_builds_when_missing_readable_and_with_only_the_lock_left(tmp_path: Path) -> None:
    target = tmp_path / "models" / "model"
    build, calls = stamped("v1")

    assert build_once(target, stamp_is("v1"), build) is Outcome.BUILT

    assert len(calls) == 1 and calls[0].name.startswith(".model.partial-")
    assert (target / "sub" / "stamp").read_text() == "v1"
    assert stat.S_IMODE((target / "sub" / "stamp").stat().st_mode) == 0o644
    assert stat.S_IMODE(target.stat().st_mode) == 0o755
    assert siblings(target) == [".model.lock"]
    assert build_once(target, stamp_is("v1"), build) is Outcome.CURRENT


def test_replaces_a_stale_directory_and_clears_a_killed_runs_leftovers(tmp_path: Path) -> None:
    target = tmp_path / "model"
    build_once(target, stamp_is("v1"), stamped("v1")[0])
    (tmp_path / ".model.partial-killed").mkdir()
    (tmp_path / ".model.old-killed" / "model").mkdir(parents=True)

    assert build_once(target, stamp_is("v2"), stamped("v2")[0]) is Outcome.BUILT

    assert (target / "sub" / "stamp").read_text() == "v2"
    assert siblings(target) == [".model.lock"]


def test_a_failing_build_leaves_the_old_directory_and_no_work_directory(tmp_path: Path) -> None:
    target = tmp_path / "model"
    build_once(target, stamp_is("v1"), stamped("v1")[0])

    def broken(work: Path) -> None:
        (work / "half-written").write_text("x")
        raise RuntimeError("build failed")

    with pytest.raises(RuntimeError, match="build failed"):
        build_once(target, stamp_is("v2"), broken)

    assert (target / "sub" / "stamp").read_text() == "v1"
    assert not (target / "half-written").exists()
    assert siblings(target) == [".model.lock"]


def test_a_second_caller_waits_on_the_lock_and_then_skips(tmp_path: Path) -> None:
    target = tmp_path / "model"
    building, release = threading.Event(), threading.Event()
    builds: list[str] = []
    outcomes: dict[str, Outcome] = {}

    def slow_build(work: Path) -> None:
        builds.append(threading.current_thread().name)
        building.set()
        assert release.wait(timeout=10)
        stamped("v1")[0](work)

    def run() -> None:
        name = threading.current_thread().name
        outcomes[name] = build_once(target, stamp_is("v1"), slow_build)

    first = threading.Thread(target=run, name="first")
    second = threading.Thread(target=run, name="second")
    first.start()
    try:
        assert building.wait(timeout=10)
        second.start()
        second.join(timeout=0.3)
        assert second.is_alive(), "the second caller should be waiting on the lock"
    finally:
        release.set()  # never leave the first thread (and so the lock) hanging
        first.join(timeout=10)
        if second.ident is not None:
            second.join(timeout=10)

    assert outcomes == {"first": Outcome.BUILT, "second": Outcome.BUILT_MEANWHILE}
    assert builds == ["first"]
    assert (target / "sub" / "stamp").read_text() == "v1"
    assert siblings(target) == [".model.lock"]

"""The set-up installs the Debian packages the scale test needs, or says why it cannot.

apt-get, sudo and the user id are replaced: the tests record the commands the set-up would
run instead of installing anything.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from stack import system_packages
from stack.system_packages import SystemPackage


def package_in(tmp_path: Path, name: str = "redis-server") -> SystemPackage:
    return SystemPackage(name, str(tmp_path / "usr" / "lib" / name / "*" / "bin" / name), "tests")


def install(tmp_path: Path, package: SystemPackage, version: str) -> Path:
    program = tmp_path / "usr" / "lib" / package.name / version / "bin" / package.name
    program.parent.mkdir(parents=True)
    program.touch()
    return program


class FakeMachine:
    """apt-get that 'installs' by creating the program; records every command."""

    def __init__(self, package: SystemPackage, tmp_path: Path) -> None:
        self.commands: list[list[str]] = []
        self._package, self._tmp_path = package, tmp_path

    def run(self, command: list[str], **_: object) -> subprocess.CompletedProcess:
        self.commands.append(command)
        if "install" in command:
            install(self._tmp_path, self._package, "1")
        return subprocess.CompletedProcess(command, 0)


@pytest.fixture
def machine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FakeMachine:
    fake = FakeMachine(package_in(tmp_path), tmp_path)
    monkeypatch.setattr(system_packages.subprocess, "run", fake.run)
    monkeypatch.setattr(system_packages.shutil, "which", lambda tool: f"/usr/bin/{tool}")
    return fake


def test_the_newest_installed_version_is_found_by_number_not_by_spelling(tmp_path: Path) -> None:
    package = package_in(tmp_path, "postgres")
    for version in ("9", "16", "15"):
        install(tmp_path, package, version)

    assert package.program() == tmp_path / "usr/lib/postgres/16/bin/postgres"


def test_nothing_runs_when_everything_is_installed(
    tmp_path: Path, machine: FakeMachine, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = package_in(tmp_path)
    install(tmp_path, package, "7")
    monkeypatch.setattr(system_packages.os, "geteuid", lambda: 0)

    assert system_packages.ensure_all((package,)) == []
    assert machine.commands == []


def test_root_installs_the_missing_package_with_apt_get(
    tmp_path: Path, machine: FakeMachine, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = package_in(tmp_path)
    monkeypatch.setattr(system_packages.os, "geteuid", lambda: 0)

    still_missing = system_packages.ensure_all((package,))

    assert still_missing == []
    assert [c[c.index("apt-get") + 1] for c in machine.commands] == ["update", "install"]
    assert machine.commands[-1][-1] == "redis-server"
    assert machine.commands[0][0] == "env", "no sudo as root"


def test_another_user_installs_through_password_less_sudo(
    tmp_path: Path, machine: FakeMachine, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = package_in(tmp_path)
    monkeypatch.setattr(system_packages.os, "geteuid", lambda: 1000)

    assert system_packages.ensure_all((package,)) == []
    assert machine.commands[0] == ["sudo", "-n", "true"]
    assert machine.commands[1][:3] == ["sudo", "-n", "env"]


def test_without_apt_get_the_set_up_says_how_to_install_and_goes_on(
    tmp_path: Path,
    machine: FakeMachine,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    package = package_in(tmp_path)
    monkeypatch.setattr(system_packages.os, "geteuid", lambda: 0)
    monkeypatch.setattr(system_packages.shutil, "which", lambda tool: None)

    assert system_packages.ensure_all((package,)) == [package]
    assert machine.commands == []
    assert "apt-get install redis-server" in capsys.readouterr().err


def test_without_root_or_sudo_nothing_is_attempted(
    tmp_path: Path,
    machine: FakeMachine,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    package = package_in(tmp_path)
    monkeypatch.setattr(system_packages.os, "geteuid", lambda: 1000)
    monkeypatch.setattr(
        system_packages.shutil, "which", lambda tool: None if tool == "sudo" else "/usr/bin/x"
    )

    assert system_packages.ensure_all((package,)) == [package]
    assert machine.commands == []
    assert "redis-server is missing" in capsys.readouterr().err

"""The two Python environments, installed from committed lock files.

Rasa 3.6.21 declares Python < 3.11 but runs on 3.11 when its dependencies come from a lock
resolved as for Python 3.10 (matplotlib relaxed to < 3.8, which has 3.11 wheels) and Rasa
itself is installed with --no-deps --ignore-requires-python. setuptools stays at 70.3 because
apscheduler (used by `rasa run`) imports pkg_resources.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from stack import REPO_ROOT, VENVS_DIR
from stack.fingerprint import hash_files, read_stamp, write_stamp
from stack.progress import say, step

REQUIREMENTS_DIR = REPO_ROOT / "requirements"


@dataclass(frozen=True)
class Environment:
    name: str
    lock_file: Path
    # installed after the lock, without dependency resolution
    no_deps_packages: tuple[str, ...] = ()
    pip_flags: tuple[str, ...] = ()

    @property
    def path(self) -> Path:
        return VENVS_DIR / self.name

    @property
    def python(self) -> Path:
        return self.path / "bin" / "python"

    def bin(self, tool: str) -> Path:
        return self.path / "bin" / tool

    def fingerprint(self) -> str:
        extra = f"{sys.version_info[:3]}|{self.no_deps_packages}|{self.pip_flags}|v1"
        return hash_files([self.lock_file], extra=extra, root=REPO_ROOT)


RASA = Environment(
    name="rasa",
    lock_file=REQUIREMENTS_DIR / "rasa.lock",
    no_deps_packages=("rasa==3.6.21", "rasa-sdk==3.6.2"),
    pip_flags=("--ignore-requires-python",),
)
APP = Environment(name="app", lock_file=REQUIREMENTS_DIR / "app.lock")
ALL = (RASA, APP)


def ensure(env: Environment) -> None:
    """Creates or updates `env`; does nothing when its lock file has not changed."""
    stamp = env.path / ".installed"
    wanted = env.fingerprint()
    if read_stamp(stamp) == wanted and env.python.exists():
        say(f"environment '{env.name}' is up to date")
        return
    with step(f"installing environment '{env.name}' from {env.lock_file.name}"):
        if not env.python.exists():
            subprocess.run([sys.executable, "-m", "venv", str(env.path)], check=True)
        pip = [str(env.python), "-m", "pip", "--disable-pip-version-check"]
        subprocess.run([*pip, "install", "setuptools==70.3.0"], check=True)
        subprocess.run([*pip, "install", "--no-deps", "-r", str(env.lock_file)], check=True)
        if env.no_deps_packages:
            subprocess.run(
                [*pip, "install", "--no-deps", *env.pip_flags, *env.no_deps_packages], check=True
            )
        subprocess.run([*pip, "check"], check=False)
    write_stamp(stamp, wanted)

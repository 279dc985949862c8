"""Debian packages the test command needs outside Python: PostgreSQL and Redis.

The scale test (tests/e2e/test_scale.py) runs two Rasa replicas on a real PostgreSQL
tracker store and a real Redis lock store, started on loopback from these packages'
binaries. They are installed here, by the set-up, so that the test never skips on a machine
the set-up could have equipped; where nothing can install them (no apt-get, no root and no
password-less sudo) the set-up says so and goes on, and the test skips saying why.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from stack.progress import say, step


@dataclass(frozen=True)
class SystemPackage:
    name: str  # the Debian package
    # where its program lands; a glob, because PostgreSQL's binaries live in a versioned
    # directory (/usr/lib/postgresql/15/bin) that is not on the PATH
    program_glob: str
    needed_for: str

    def program(self) -> Path | None:
        """The installed program, the newest version's when several are."""
        found = sorted(glob.glob(self.program_glob), key=_version_key)
        return Path(found[-1]) if found else None


def _version_key(path: str) -> list[int]:
    return [int(part) for part in Path(path).parts if part.isdigit()]


POSTGRESQL = SystemPackage(
    "postgresql", "/usr/lib/postgresql/*/bin/postgres", "the scale test's tracker store"
)
REDIS = SystemPackage("redis-server", "/usr/bin/redis-server", "the scale test's lock store")
ALL = (POSTGRESQL, REDIS)


def _privilege_prefix() -> list[str] | None:
    """[] as root, sudo without a password prompt otherwise; None when neither works."""
    if os.geteuid() == 0:
        return []
    if shutil.which("sudo") is None:
        return None
    probe = subprocess.run(["sudo", "-n", "true"], capture_output=True, check=False)
    return ["sudo", "-n"] if probe.returncode == 0 else None


def ensure_all(packages: tuple[SystemPackage, ...] = ALL) -> list[SystemPackage]:
    """Installs the missing packages; returns those still missing (set-up goes on without
    them: only the scale test needs them, and it skips naming what is missing)."""
    missing = [p for p in packages if p.program() is None]
    if not missing:
        say("system packages are installed: " + ", ".join(p.name for p in packages))
        return []
    names = [p.name for p in missing]
    prefix = _privilege_prefix()
    if shutil.which("apt-get") is None or prefix is None:
        for package in missing:
            say(
                f"{package.name} is missing ({package.needed_for}) and cannot be installed "
                "here: needs apt-get and root or password-less sudo; "
                f"install it by hand with: sudo apt-get install {package.name}"
            )
        return missing
    with step("installing Debian packages " + ", ".join(names)):
        # through `env`: sudo would drop an environment variable, it keeps an argument
        apt = [*prefix, "env", "DEBIAN_FRONTEND=noninteractive", "apt-get"]
        subprocess.run([*apt, "update", "-q"], check=True)
        subprocess.run([*apt, "install", "-y", "-q", "--no-install-recommends", *names], check=True)
    return [p for p in missing if p.program() is None]


if __name__ == "__main__":
    ensure_all()

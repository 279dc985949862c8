"""Headless Chromium for the browser tests: Debian's package, installed when missing.

Playwright's own browser download cannot work offline; the tests drive Debian's chromium
through Playwright with `executable_path`.
"""

from __future__ import annotations

import os
import shutil
import subprocess

from stack.progress import say, step

CHROMIUM = "/usr/bin/chromium"


def ensure_chromium() -> str | None:
    if os.path.exists(CHROMIUM):
        say("chromium is installed")
        return CHROMIUM
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        say("chromium is missing and cannot be installed here (needs root and apt-get)")
        return None
    with step("installing Debian's chromium for the browser tests"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-q"], check=True, env=env)
        subprocess.run(
            [
                "apt-get",
                "install",
                "-y",
                "-q",
                "--no-install-recommends",
                "chromium",
                "fonts-noto-cjk",
            ],
            check=True,
            env=env,
        )
    return CHROMIUM if os.path.exists(CHROMIUM) else None

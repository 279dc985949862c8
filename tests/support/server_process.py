"""A server the tests start as a child process: its log in a file, stopped with its children.

Waiting names the server that died or never became ready and shows the end of its log, so
a failed start says why instead of timing out silently.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from repo_paths import REPO_ROOT

LOG_TAIL_LINES = 40


@dataclass
class ServerProcess:
    name: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def log_tail(self, lines: int = LOG_TAIL_LINES) -> str:
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def stop(self, timeout: float = 30.0) -> None:
        if self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        except ProcessLookupError:
            pass


def start_server(
    name: str, command: Sequence[str], env: dict[str, str], log_path: Path
) -> ServerProcess:
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            list(command),
            cwd=REPO_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            # its own process group: stop() ends the server and whatever it started
            start_new_session=True,
        )
    return ServerProcess(name, process, log_path)


def wait_until_ready(
    checks: dict[str, Callable[[], bool]], servers: Sequence[ServerProcess], timeout: float
) -> None:
    """Polls every server's readiness check until all pass; fails fast when one exits."""
    pending = dict(checks)
    deadline = time.monotonic() + timeout
    while pending:
        for server in servers:
            if server.process.poll() is not None:
                raise RuntimeError(
                    f"{server.name} exited with {server.process.returncode} while starting:\n"
                    f"{server.log_tail()}"
                )
        for name, check in list(pending.items()):
            if check():
                del pending[name]
        if not pending:
            return
        if time.monotonic() > deadline:
            tails = "\n".join(f"--- {s.name}\n{s.log_tail()}" for s in servers if s.name in pending)
            raise TimeoutError(f"not ready after {timeout:.0f} s: {sorted(pending)}\n{tails}")
        time.sleep(1.0)

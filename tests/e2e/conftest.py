"""Starts the real stack (Rasa server + app, as `python3 -m stack run` does) once per session."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from repo_paths import REPO_ROOT
from tests.support.ports import unused_port

START_TIMEOUT_SECONDS = 600


@dataclass
class RunningStack:
    process: subprocess.Popen[bytes]
    app_url: str
    rasa_url: str
    app_port: int
    var_dir: Path
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def wait_until_ready(url: str, process: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"stack exited with {process.returncode}")
        try:
            response = httpx.get(f"{url}/readyz", timeout=3)
            if response.status_code == 200 and response.json()["status"] == "ready":
                return
        except httpx.HTTPError:
            pass
        time.sleep(1)
    raise TimeoutError("stack did not become ready")


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    var_dir = tmp_path_factory.mktemp("stack-var")
    log_path = var_dir / "stack.log"
    app_port, rasa_port = unused_port(), unused_port()
    command = [
        sys.executable,
        "-m",
        "stack",
        "run",
        "--no-setup",
        "--port",
        str(app_port),
        "--rasa-port",
        str(rasa_port),
        "--var-dir",
        str(var_dir),
    ]
    env = {k: v for k, v in os.environ.items() if not k.startswith("LINE_")}
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, cwd=REPO_ROOT, stdout=log, stderr=subprocess.STDOUT, env=env
        )
    running = RunningStack(
        process,
        f"http://127.0.0.1:{app_port}",
        f"http://127.0.0.1:{rasa_port}",
        app_port,
        var_dir,
        log_path,
    )
    try:
        wait_until_ready(running.app_url, process, START_TIMEOUT_SECONDS)
        yield running
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()

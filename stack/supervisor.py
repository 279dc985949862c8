"""Starts the Rasa server and the app, waits until ready, restarts crashes, stops cleanly."""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from repo_paths import INDEX_DIR
from stack import REPO_ROOT, VAR_DIR
from stack.artefacts import app_env
from stack.environments import APP
from stack.progress import say
from stack.rasa_model import rasa_env, rasa_server_command

READY_TIMEOUT_SECONDS = 600
MAX_BACKOFF_SECONDS = 30.0


# Rasa processes of the embedded default (bench/load.py's figures in docs/performance.md).
DEFAULT_RASA_PROCESSES = 1


@dataclass(frozen=True)
class Ports:
    host: str = "127.0.0.1"
    app: int = 8000
    rasa: int = 5005
    # consecutive ports from `rasa`, one per Rasa process
    rasa_processes: int = DEFAULT_RASA_PROCESSES

    @property
    def app_url(self) -> str:
        return f"http://{self.host}:{self.app}"

    @property
    def rasa_url(self) -> str:
        return self.rasa_urls[0]

    @property
    def rasa_urls(self) -> list[str]:
        return [f"http://{self.host}:{self.rasa + n}" for n in range(self.rasa_processes)]


def tracker_db(var_dir: Path, process: int) -> Path:
    """Each Rasa process keeps its senders' conversations in its own file (the app sends a
    sender to one process only); the first keeps the name a single process always had."""
    suffix = "" if process == 0 else f"-{process}"
    return var_dir / f"rasa_tracker{suffix}.sqlite3"


@dataclass
class Child:
    name: str
    command: list[str]
    env: dict[str, str]
    process: subprocess.Popen[bytes] | None = None
    restarts: int = 0
    next_start: float = 0.0
    started_at: float = field(default=0.0)

    def start(self) -> None:
        self.process = subprocess.Popen(
            self.command, cwd=REPO_ROOT, env=self.env, start_new_session=True
        )
        self.started_at = time.monotonic()
        say(f"started {self.name} (pid {self.process.pid})")

    def exited(self) -> int | None:
        return None if self.process is None else self.process.poll()

    def stop(self, timeout: float = 15.0) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        except ProcessLookupError:
            pass


LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


def build_children(model: Path, ports: Ports, var_dir: Path = VAR_DIR) -> list[Child]:
    var_dir.mkdir(parents=True, exist_ok=True)
    token = os.environ.get("RASA_TOKEN", "")
    if ports.host not in LOOPBACK_HOSTS and not token:
        raise SystemExit(
            f"Rasa's HTTP API would listen on {ports.host} without a token: set RASA_TOKEN"
        )
    # a fresh secret per run, known only to the two children
    action_token = os.environ.get("ACTION_TOKEN") or secrets.token_urlsafe(32)
    rasa_children = []
    for n, url in enumerate(ports.rasa_urls):
        r_env = rasa_env()
        r_env["ACTION_ENDPOINT_URL"] = f"{ports.app_url}/webhook"
        r_env["ACTION_TOKEN"] = action_token
        r_env["TRACKER_DB"] = str(tracker_db(var_dir, n))
        rasa_cmd = rasa_server_command(
            "--enable-api",
            "--interface",
            ports.host,
            "--port",
            url.rsplit(":", 1)[1],
            "--model",
            str(model),
            "--endpoints",
            "bot/endpoints.yml",
            "--credentials",
            "bot/credentials.yml",
        )
        if token:
            rasa_cmd += ["--auth-token", token]
        name = "rasa" if ports.rasa_processes == 1 else f"rasa-{n}"
        rasa_children.append(Child(name, rasa_cmd, r_env))

    a_env = app_env()
    a_env.update(
        {
            "RASA_URL": ",".join(ports.rasa_urls),
            "ACTION_TOKEN": action_token,
            "DATA_DIR": str(var_dir),
            # The index is a build artefact addressed by its inputs (knowledge, model), built
            # by `setup`: every stack on this checkout shares it, whatever its data dir. A stack
            # serving another knowledge dir (KNOWLEDGE_DIR) sets its own, or its builds would
            # evict the checkout's index.
            "INDEX_DIR": os.environ.get("INDEX_DIR") or str(INDEX_DIR),
        }
    )
    app_cmd = [
        str(APP.bin("uvicorn")),
        "app.main:create_app",
        "--factory",
        "--host",
        ports.host,
        "--port",
        str(ports.app),
        "--no-access-log",
    ]
    return [*rasa_children, Child("app", app_cmd, a_env)]


def wait_ready(
    url: str,
    children: list[Child],
    timeout: float = READY_TIMEOUT_SECONDS,
    stop_requested: Callable[[], bool] = lambda: False,
) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not stop_requested():
        for child in children:
            if child.exited() is not None:
                say(f"{child.name} exited with code {child.exited()} while starting")
                return False
        try:
            with urllib.request.urlopen(f"{url}/readyz", timeout=3) as response:  # noqa: S310
                if response.status == 200 and json.load(response).get("status") == "ready":
                    return True
        except (urllib.error.URLError, OSError, ValueError):
            pass
        time.sleep(1.0)
    return False


class Supervisor:
    """Keeps the children running until asked to stop (Ctrl-C or SIGTERM)."""

    def __init__(self, children: list[Child], ports: Ports) -> None:
        self.children = children
        self.ports = ports
        self._stopping = False

    def _request_stop(self, signum: int, frame: object) -> None:
        self._stopping = True

    def run(self) -> int:
        signal.signal(signal.SIGINT, self._request_stop)
        signal.signal(signal.SIGTERM, self._request_stop)
        for child in self.children:
            child.start()
        started = time.monotonic()
        say("waiting until the service is ready ...")
        ready = wait_ready(self.ports.app_url, self.children, stop_requested=lambda: self._stopping)
        if not ready and not self._stopping:
            say("the service did not become ready; stopping")
            self.stop()
            return 1
        say(f"ready in {time.monotonic() - started:.1f} s")
        say(f"web chat: {self.ports.app_url}/   kiosk: {self.ports.app_url}/kiosk   (Ctrl-C stops)")
        while not self._stopping:
            self._restart_crashed()
            time.sleep(0.5)
        self.stop()
        return 0

    def _restart_crashed(self) -> None:
        now = time.monotonic()
        for child in self.children:
            code = child.exited()
            if code is None:
                continue
            if child.next_start == 0.0:
                uptime = now - child.started_at
                backoff = min(MAX_BACKOFF_SECONDS, 2.0 ** min(child.restarts, 5))
                if uptime > 60:
                    child.restarts = 0
                    backoff = 1.0
                child.next_start = now + backoff
                say(f"{child.name} exited with code {code}; restarting in {backoff:.0f} s")
            elif now >= child.next_start:
                child.restarts += 1
                child.next_start = 0.0
                child.start()

    def stop(self) -> None:
        say("stopping ...")
        for child in reversed(self.children):
            child.stop()
        say("stopped")

"""Successive knowledge edits on a running app: how long each takes to reach residents, how
long its reload took, and whether the app's memory at rest grows with reloads (issue 13
measured 1.17 -> 2.35 -> 2.65 -> 2.95 -> 3.25 GiB, about +0.3 GiB a reload, never returned).

.venvs/app/bin/python -m bench.knowledge_reload_bench [--cycles 20]
    starts its own app (uvicorn alone: without Rasa the app answers FAQ questions from its own
    index) on a temporary copy of knowledge/ with its own index directory, and stops it.
.venvs/app/bin/python -m bench.knowledge_reload_bench --url http://127.0.0.1:8000 \
        --knowledge-dir /tmp/copy/knowledge [--pid PID]
    an app already running on that directory, which must be a copy (the bench edits it).

Each cycle appends a marker to one answer, asks the entry's question in fresh sessions until
the reply shows it, lets the app settle, then reads its resident set size.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench.figures import rss_mib
from repo_paths import REPO_ROOT
from tests.support.knowledge_copy import AnswerEditor, copy_knowledge, seed_index_dir
from tests.support.ports import unused_port

EDITED_ENTRY = "life-daily-passport-where"
START_TIMEOUT_SECONDS = 600
VISIBLE_TIMEOUT_SECONDS = 120
POLL_SECONDS = 1.0
SETTLE_SECONDS = 5.0
RSS_GROWTH_LIMIT = 0.10  # the bound, last cycle against the first
# the key is hex, and the log masks digit runs in it as if they were numbers: any text
RELOAD_LOG = re.compile(r"knowledge index swapped in \(([^)]*)\) after ([\d.]+) s")


@dataclass
class App:
    url: str
    pid: int
    log_path: Path | None = None
    process: subprocess.Popen[bytes] | None = None

    def reload_seconds(self) -> list[float]:
        """Every reload the app logged, oldest first (empty when its log is not ours)."""
        if self.log_path is None:
            return []
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        return [float(m.group(2)) for m in RELOAD_LOG.finditer(text)]

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


def start_app(workdir: Path, knowledge_dir: Path) -> App:
    port = unused_port()
    log_path = workdir / "app.log"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("LINE_")},
        "PYTHONPATH": str(REPO_ROOT),
        "KNOWLEDGE_DIR": str(knowledge_dir),
        "INDEX_DIR": str(seed_index_dir(workdir / "index")),
        "DATA_DIR": str(workdir / "var"),
        # nothing listens there: the app runs degraded and answers from its own index
        "RASA_URL": f"http://127.0.0.1:{unused_port()}",
    }
    command = [sys.executable, "-m", "uvicorn", "app.main:create_app", "--factory"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--no-access-log"]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    app = App(f"http://127.0.0.1:{port}", process.pid, log_path, process)
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the app exited with {process.returncode}; see {log_path}")
        try:
            if httpx.get(f"{app.url}/readyz", timeout=3).status_code == 200:
                return app
        except httpx.HTTPError:
            pass
        time.sleep(1)
    app.stop()
    raise SystemExit("the app did not become ready")


def app_pid(url: str) -> int:
    """The uvicorn process serving `url`'s port (pass --pid when that guess fails)."""
    port = str(httpx.URL(url).port)
    out = subprocess.run(["ps", "-eo", "pid,args"], capture_output=True, text=True).stdout
    for line in out.splitlines()[1:]:
        pid, _, args = line.strip().partition(" ")
        words = args.split()
        serving = "--port" in words and words[words.index("--port") + 1 :][:1] == [port]
        if "app.main:create_app" in args and serving:
            return int(pid)
    raise SystemExit(f"no app process found for port {port}: pass --pid")


def shows(url: str, question: str, marker: str) -> bool:
    response = httpx.post(f"{url}/api/chat", json={"text": question}, timeout=60)
    response.raise_for_status()
    return any(marker in m["text"] for m in response.json()["messages"])


def wait_visible(url: str, question: str, marker: str) -> float:
    started = time.monotonic()
    while time.monotonic() - started < VISIBLE_TIMEOUT_SECONDS:
        if shows(url, question, marker):
            return time.monotonic() - started
        time.sleep(POLL_SECONDS)
    raise SystemExit(f"the edit did not show within {VISIBLE_TIMEOUT_SECONDS} s")


def run_cycles(app: App, editor: AnswerEditor, cycles: int) -> None:
    shows(app.url, editor.question, "-")  # the first turn loads what turns load lazily
    time.sleep(SETTLE_SECONDS)
    print(f"app pid {app.pid}, RSS at rest before the first edit: {rss_mib(app.pid):.0f} MiB")
    rss: list[float] = []
    for cycle in range(1, cycles + 1):
        marker = f"（案内を更新しました：第{cycle}版 {uuid.uuid4().hex[:6]}）"
        before = len(app.reload_seconds())
        editor.mark(marker)
        visible = wait_visible(app.url, editor.question, marker)
        time.sleep(SETTLE_SECONDS)
        rss.append(rss_mib(app.pid))
        reloads = app.reload_seconds()[before:]
        reload = f"{reloads[-1]:.1f} s" if reloads else "n/a (not our log)"
        print(
            f"cycle {cycle:2d}: visible after {visible:5.1f} s, reload {reload}, "
            f"RSS at rest {rss[-1]:.0f} MiB",
            flush=True,
        )
    growth = (rss[-1] - rss[0]) / rss[0]
    verdict = "within" if growth <= RSS_GROWTH_LIMIT else "OVER"
    print(
        f"RSS at rest after cycle 1: {rss[0]:.0f} MiB, after cycle {cycles}: {rss[-1]:.0f} MiB, "
        f"growth {growth:+.1%} ({verdict} the {RSS_GROWTH_LIMIT:.0%} bound)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.knowledge_reload_bench")
    parser.add_argument("--cycles", type=int, default=20)
    parser.add_argument("--url", help="a running app (default: start one)")
    parser.add_argument("--knowledge-dir", type=Path, help="the copy that app reads (with --url)")
    parser.add_argument("--pid", type=int, help="the app's process id (with --url)")
    parser.add_argument("--entry", default=EDITED_ENTRY, help="the FAQ entry whose answer changes")
    args = parser.parse_args()
    if args.url:
        if args.knowledge_dir is None:
            parser.error("--url needs --knowledge-dir, the copy of knowledge/ that app reads")
        editor = AnswerEditor(args.knowledge_dir, args.entry)
        run_cycles(App(args.url, args.pid or app_pid(args.url)), editor, args.cycles)
        return
    with tempfile.TemporaryDirectory(prefix="reload-bench-") as workdir:
        knowledge_dir = copy_knowledge(Path(workdir))
        editor = AnswerEditor(knowledge_dir, args.entry)
        started = time.monotonic()
        app = start_app(Path(workdir), knowledge_dir)
        print(f"app ready in {time.monotonic() - started:.0f} s ({app.url})")
        try:
            run_cycles(app, editor, args.cycles)
        finally:
            app.stop()


if __name__ == "__main__":
    main()

"""Whether a Rasa turn costs more the longer one conversation gets, and where the time goes.

One sender, one conversation of --turns varied messages (small talk, procedure and card
questions from the NLU data, FAQ alternates, a card application form run every 25 turns), sent
one after another to an Agent loaded once in this process, the way `rasa run` loads it
(bot/endpoints.yml, tracker store on a temporary SQLite file; `--tracker-store sql` puts Rasa's
own SQLTrackerStore there instead, for the comparison). The custom actions are served by an app
this script starts (knowledge index not loaded: the knowledge actions answer "cannot answer",
which costs the app almost nothing, so the figures are Rasa's); `--action-url` uses a running
app instead. Prints the p50 per window of 10 turns, the ratio of the last window to the first,
the mean time of each part of a turn (tracker store, NLU, each policy, graph runs, custom
action calls, the rest) in the first and the last window, which policy decided each
prediction, the turns whose custom action calls failed, and the size of an action call's body.

Rasa posts the tracker's events with every custom action call; the app refuses bodies over
app/main.py's MAX_BODY_BYTES (413), so with Rasa's own store every custom action of a long
session fails (turn 75 on in this conversation). `--action-body-limit-kib` starts the app with
another limit, to measure Rasa's cost past that point.

Run it in the Rasa environment, on a quiet machine (2-4 minutes, most of it loading the model):
.venvs/rasa/bin/python -m bench.rasa_growth_bench [--turns 200] [--tracker-store endpoints|sql]
    [--model models/rasa/bot-….tar.gz] [--action-url http://127.0.0.1:8000/webhook?token=…]
    [--action-body-limit-kib 16384] [--profile-last 10]
    [--replies-out replies.jsonl] [--tracker-db tracker.sqlite3]
Two runs with different tracker stores must write the same replies (`--replies-out`) and the
same events into the database (`--tracker-db`), but for timestamps and message ids.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import cProfile
import functools
import json
import logging
import os
import pstats
import random
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml

from bench.figures import percentile
from repo_paths import BOT_DIR, KNOWLEDGE_DIR, MODELS_DIR, REPO_ROOT

APP_PYTHON = REPO_ROOT / ".venvs" / "app" / "bin" / "python"
ACTION_TOKEN = "bench-growth"  # noqa: S105 - the token of the app this script starts
SENDER = "bench-growth"
WINDOW = 10
# what the app sends with every message (core/conversation.py)
METADATA = {"channel": "web", "language": "ja", "emergency": "none"}
SMALL_TALK_INTENTS = ("greet", "thanks", "bot_capabilities", "goodbye")
QUESTION_INTENTS = (
    "ask_procedure",
    "card_general",
    "card_receive",
    "card_lost",
    "card_pin",
    "card_certificate",
    "card_health_insurance",
    "card_convenience_store",
    "request_human",
    "out_of_scope",
)
FORM_RUN = ("マイナンバーカードを申請したい", "スマホで", "はい")
FORM_EVERY = 25
# the app with another request body limit than app/main.py's (--action-body-limit-kib)
APP_WITH_BODY_LIMIT = (
    "import sys, uvicorn, app.main as m; m.MAX_BODY_BYTES = int(sys.argv[1]); "
    "uvicorn.run(m.create_app(), host='127.0.0.1', port=int(sys.argv[2]), log_level='warning')"
)


def newest_model() -> Path:
    models = sorted((MODELS_DIR / "rasa").glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    if not models:
        sys.exit("no model under models/rasa: run python3 -m stack setup first")
    return models[-1]


def nlu_examples() -> dict[str, list[str]]:
    by_intent: dict[str, list[str]] = collections.defaultdict(list)
    for path in sorted((BOT_DIR / "data" / "nlu").glob("*.yml")):
        for item in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu", []):
            if "intent" not in item:
                continue
            for line in item["examples"].splitlines():
                text = line.strip().removeprefix("- ").strip()
                if text and "[" not in text:  # annotated examples would send the markup
                    by_intent[item["intent"]].append(text)
    return by_intent


def faq_alternates() -> list[str]:
    texts: list[str] = []
    for path in sorted((KNOWLEDGE_DIR / "faq").glob("*.yml")):
        for entry in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            texts.extend(entry.get("alternates") or [])
    return texts


def conversation(turns: int, seed: int = 7) -> list[str]:
    """The same varied conversation on every run: the windows compare like with like."""
    rng = random.Random(seed)  # noqa: S311 - a benchmark, not a secret
    examples = nlu_examples()
    small_talk = [t for i in SMALL_TALK_INTENTS for t in examples[i]]
    questions = [t for i in QUESTION_INTENTS for t in examples[i]]
    faq = faq_alternates()
    texts: list[str] = []
    while len(texts) < turns:
        if len(texts) % FORM_EVERY == FORM_EVERY - len(FORM_RUN):
            texts.extend(FORM_RUN)
            continue
        pool = rng.choices([small_talk, questions, faq], weights=[2, 4, 4])[0]
        texts.append(rng.choice(pool))
    return texts[:turns]


class Timings:
    """Seconds per part of the turn in progress; one dict per finished turn."""

    def __init__(self) -> None:
        self.turns: list[dict[str, float]] = []
        self.current: dict[str, float] = collections.defaultdict(float)
        self.failed_actions: list[int] = []
        self.current_failed = 0

    def add(self, part: str, seconds: float) -> None:
        self.current[part] += seconds

    def finish(self, total: float) -> None:
        self.current["total"] = total
        self.turns.append(dict(self.current))
        self.current = collections.defaultdict(float)
        self.failed_actions.append(self.current_failed)
        self.current_failed = 0


def timed(timings: Timings, part: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    if asyncio.iscoroutinefunction(fn):

        @functools.wraps(fn)
        async def run_async(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return await fn(*args, **kwargs)
            finally:
                timings.add(part, time.perf_counter() - started)

        return run_async

    @functools.wraps(fn)
    def run(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            timings.add(part, time.perf_counter() - started)

    return run


def counted(timings: Timings, run: Callable[..., Any]) -> Callable[..., Any]:
    """Counts the custom action calls that failed (a form's rejection is no failure)."""
    from rasa.core.actions.action import ActionExecutionRejection

    @functools.wraps(run)
    async def counting(*args: Any, **kwargs: Any) -> Any:
        try:
            return await run(*args, **kwargs)
        except ActionExecutionRejection:
            raise
        except Exception:
            timings.current_failed += 1
            raise

    return counting


def instrument(agent: Any, timings: Timings, decisions: collections.Counter) -> None:
    """Wraps the agent's parts in timers (this process only; nothing is changed on disk)."""
    from rasa.core.actions.action import RemoteAction
    from rasa.core.policies.policy import Policy

    store = agent.tracker_store
    store.retrieve = timed(timings, "tracker store: retrieve", store.retrieve)
    store.save = timed(timings, "tracker store: save", store.save)
    runner = agent.processor.graph_runner
    for name, node in runner._instantiated_nodes.items():
        if issubclass(node._component_class, Policy):
            part = f"policy: {node._component_class.__name__}"
        elif name == "select_prediction":
            part = "policy ensemble"
        else:
            part = "NLU components"
        node._fn = timed(timings, part, node._fn)
    runner.run = timed(timings, "graph runs (nodes included)", runner.run)
    RemoteAction.run = timed(
        timings, "custom action calls (HTTP + app)", counted(timings, RemoteAction.run)
    )

    predict = agent.processor._predict_next_with_tracker

    def recording_predict(tracker: Any) -> Any:
        prediction = predict(tracker)
        decisions[prediction.policy_name or "followup"] += 1
        return prediction

    agent.processor._predict_next_with_tracker = recording_predict


def unused_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def app_for_actions(port: int, data_dir: Path, body_limit_kib: int | None) -> Iterator[str]:
    """The app serving the custom actions, without the knowledge index (quick to start)."""
    env = {
        **os.environ,
        "LOAD_KNOWLEDGE_INDEX": "false",
        "DATA_DIR": str(data_dir),
        "ACTION_TOKEN": ACTION_TOKEN,
    }
    if body_limit_kib is None:
        command = [str(APP_PYTHON), "-m", "uvicorn", "app.main:create_app", "--factory"]
        command += ["--port", str(port), "--log-level", "warning"]
    else:
        command = [str(APP_PYTHON), "-c", APP_WITH_BODY_LIMIT, str(body_limit_kib * 1024)]
        command += [str(port)]
    process = subprocess.Popen(command, cwd=REPO_ROOT, env=env)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("the app did not start") from None
                time.sleep(0.3)
        yield f"http://127.0.0.1:{port}/webhook"
    finally:
        process.terminate()
        process.wait(timeout=20)


async def load(model: Path, db: Path, tracker_store: str) -> Any:
    from rasa.core.agent import load_agent
    from rasa.core.utils import AvailableEndpoints
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.endpoints import EndpointConfig
    from rasa.utils.log_utils import configure_structlog

    # as `rasa run` does by default: debug records are dropped (their arguments still built)
    configure_logging_and_warnings(logging.INFO, warn_only_once=True, filter_repeated_logs=True)
    configure_structlog(logging.INFO)

    os.environ["TRACKER_DB"] = str(db)
    endpoints = AvailableEndpoints.read_endpoints(str(BOT_DIR / "endpoints.yml"))
    if tracker_store == "sql":
        endpoints.tracker_store = EndpointConfig(type="SQL", dialect="sqlite", db=str(db))
    return await load_agent(model_path=str(model), endpoints=endpoints)


async def chat(agent: Any, texts: list[str], timings: Timings, profile_last: int) -> list[str]:
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

    answers = []
    profiler = cProfile.Profile()
    for number, text in enumerate(texts, start=1):
        profiling = number > len(texts) - profile_last
        message = UserMessage(text, CollectingOutputChannel(), SENDER, metadata=dict(METADATA))
        if profiling:
            profiler.enable()
        started = time.perf_counter()
        replies = await agent.handle_message(message)
        timings.finish(time.perf_counter() - started)
        if profiling:
            profiler.disable()
        answers.append(json.dumps({"text": text, "replies": replies}, ensure_ascii=False))
    if profile_last:
        print(f"\ncProfile of the last {profile_last} turns (cumulative, top 30):")
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
    return answers


def report(timings: Timings, decisions: collections.Counter, tracker_events: int) -> None:
    totals = [t["total"] for t in timings.turns]
    print(f"\nturns: {len(totals)}, events in the tracker handed out at the end: {tracker_events}")
    print("p50 per window of 10 turns (ms):")
    for start in range(0, len(totals), WINDOW):
        window = totals[start : start + WINDOW]
        print(
            f"  turns {start + 1:3d}-{start + len(window):3d}: {percentile(window, 50) * 1000:6.1f}"
        )
    first = percentile(totals[:WINDOW], 50)
    last = percentile(totals[-WINDOW:], 50)
    n = len(totals)
    print(f"ratio p50 turns {n - WINDOW + 1}-{n} / turns 1-{WINDOW}: {last / first:.2f}")

    parts = sorted({p for t in timings.turns for p in t} - {"total"})
    print(f"\nmean ms per turn, turns 1-{WINDOW} vs {n - WINDOW + 1}-{n}:")
    for part in [*parts, "rest (processor, events, copies)", "total"]:
        a, b = (
            _mean_part(timings.turns[s], part) for s in (slice(0, WINDOW), slice(-WINDOW, None))
        )
        print(f"  {part:40s} {a * 1000:7.1f} {b * 1000:7.1f}")
    print("\npredictions by policy:", dict(decisions.most_common()))
    failed = [n for n, count in enumerate(timings.failed_actions, start=1) if count]
    if failed:
        print(f"turns whose custom action calls failed: {len(failed)}, the first: turn {failed[0]}")


def print_action_call_size(agent: Any, tracker: Any) -> None:
    """What Rasa posts to the action endpoint for one custom action at the end."""
    from rasa.core.actions.action import RemoteAction

    action = RemoteAction("action_answer_question", agent.processor.action_endpoint)
    body = action._action_call_format(tracker, agent.domain)
    size = len(json.dumps(body).encode())
    events = len(json.dumps(body["tracker"]["events"]).encode())
    domain = len(json.dumps(body.get("domain", {})).encode())
    print(
        f"action call body at the end: {size / 1024:.0f} KiB "
        f"(events {events / 1024:.0f} KiB, domain {domain / 1024:.0f} KiB)"
    )


def _mean_part(turns: list[dict[str, float]], part: str) -> float:
    if part == "rest (processor, events, copies)":
        outer = (
            "tracker store: retrieve",
            "tracker store: save",
            "graph runs (nodes included)",
            "custom action calls (HTTP + app)",
        )
        values = [t["total"] - sum(t.get(p, 0.0) for p in outer) for t in turns]
    else:
        values = [t.get(part, 0.0) for t in turns]
    return sum(values) / len(values)


async def main_async(args: argparse.Namespace) -> None:
    texts = conversation(args.turns)
    with tempfile.TemporaryDirectory(prefix="rasa-growth-") as tmp:
        data_dir = Path(tmp)
        if args.action_url:
            url_context: Any = _given(args.action_url)
        else:
            url_context = app_for_actions(unused_port(), data_dir, args.action_body_limit_kib)
        with url_context as url:
            os.environ["ACTION_ENDPOINT_URL"] = url
            os.environ["ACTION_TOKEN"] = args.action_token
            started = time.perf_counter()
            db = args.tracker_db or data_dir / "tracker.sqlite3"
            agent = await load(args.model, db, args.tracker_store)
            store = type(getattr(agent.tracker_store, "_tracker_store", agent.tracker_store))
            print(f"model {args.model.name} loaded in {time.perf_counter() - started:.1f} s")
            print(f"tracker store: {store.__module__}.{store.__name__}")
            timings = Timings()
            decisions: collections.Counter = collections.Counter()
            instrument(agent, timings, decisions)
            answers = await chat(agent, texts, timings, args.profile_last)
            if args.replies_out:
                args.replies_out.write_text("\n".join(answers) + "\n", encoding="utf-8")
            tracker = await agent.tracker_store.retrieve(SENDER)
            report(timings, decisions, len(tracker.events) if tracker else 0)
            print_action_call_size(agent, tracker)


@contextmanager
def _given(url: str) -> Iterator[str]:
    yield url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=200)
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument(
        "--tracker-store",
        choices=["endpoints", "sql"],
        default="endpoints",
        help="the one bot/endpoints.yml names, or Rasa's own SQLTrackerStore",
    )
    parser.add_argument("--action-url", default=None, help="a running app's /webhook")
    parser.add_argument("--action-token", default=ACTION_TOKEN)
    parser.add_argument(
        "--action-body-limit-kib",
        type=int,
        default=None,
        help="start the app with this request body limit instead of app/main.py's",
    )
    parser.add_argument(
        "--replies-out", type=Path, default=None, help="write each turn's replies (JSON lines)"
    )
    parser.add_argument(
        "--tracker-db", type=Path, default=None, help="keep the tracker database in this file"
    )
    parser.add_argument("--profile-last", type=int, default=0, help="cProfile the last N turns")
    args = parser.parse_args()
    args.model = args.model or newest_model()
    asyncio.run(main_async(args))


if __name__ == "__main__":
    main()

"""A long, steady load over the web chat and LINE: errors, memory growth, the LINE queue.

Needs the service running (`make run` in another terminal). For the LINE part, start the
stack with LINE configured and its API pointed at this script's stand-in, and give this
script the same secret and port:

    LINE_CHANNEL_SECRET=bench-secret LINE_CHANNEL_ACCESS_TOKEN=bench-token \
        LINE_API_ENDPOINT=http://127.0.0.1:8099 python3 -m stack run
    LINE_CHANNEL_SECRET=bench-secret .venvs/app/bin/python -m bench.soak --line-stub-port 8099
        [--residents 100] [--minutes 5] [--think 1 3] [--line-share 0.3] [--url URL]

Residents come and go: each visit (a few messages, bench/question_mix.py) is a new session or
LINE user, with 1–3 s of thinking before each message; LINE residents wait for their reply
before thinking, as people do. Without the stand-in the LINE replies are not checked (only
the webhook's answers and the queue). When the stack has no LINE channel, or this script has
no secret, the LINE part is skipped and says why.

Printed: errors (as bench/load.py counts them, plus LINE messages never answered), the RSS of
every process of the stack at the start, every minute and at the end, its growth from the end
of a warm-up minute (the same load, `--warm-up-minutes`) and from the cold start, each split
into anonymous memory and mapped files (see MemorySamples), and the
LINE queue depth from /metrics (loopback needs no token; METRICS_TOKEN is sent when set) until
it drains to 0 after the residents stop.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import time
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx

from bench.chat_turns import (
    CONNECTION,
    OK,
    TIMEOUT,
    UNAVAILABLE,
    TurnResult,
    WebResident,
    describe_outcomes,
    error_counts,
    reply_kind,
)
from bench.latency import LatencySummary, duration
from bench.line_api_stub import LineApiStub
from bench.line_events import new_user_id, signed_request, text_event
from bench.prometheus_text import metric_value
from bench.question_mix import QuestionMix, resident_rng
from bench.stack_processes import (
    ProcessSample,
    RssChange,
    StackProcesses,
    rss_changes,
    usage_lines,
)

QUEUE_DEPTH = "chatbot_line_queue_depth"  # app/metrics.py
QUEUE_AGE = "chatbot_line_queue_oldest_seconds"
DRAIN_POLL_SECONDS = 2.0


@dataclass
class LineSetup:
    secret: str
    stub: LineApiStub | None


@dataclass
class Tally:
    web: list[TurnResult] = field(default_factory=list)
    line_posts: list[TurnResult] = field(default_factory=list)
    line_sent: dict[str, float] = field(default_factory=dict)  # reply token -> posted at
    depths: list[tuple[float, float]] = field(default_factory=list)  # (elapsed, depth)

    def line_answers(self, stub: LineApiStub | None) -> tuple[list[float], Counter[str]]:
        """Seconds from the webhook post to the reply, and the LINE messages that failed."""
        seconds: list[float] = []
        failed: Counter[str] = Counter()
        if stub is None:
            return seconds, failed
        for token, posted in self.line_sent.items():
            reply = stub.replies.get(token)
            if reply is None:
                failed["never answered"] += 1
                continue
            seconds.append(reply.received - posted)
            if reply_kind(reply.texts) == UNAVAILABLE:
                failed[UNAVAILABLE] += 1
        return seconds, failed


async def line_available(client: httpx.AsyncClient, secret: str) -> str | None:
    """None when the stack takes our signed posts, else why the LINE part is skipped."""
    probe = await client.post("/line/webhook", content=b"{}")
    if probe.status_code == 404:
        return "the stack has no LINE channel (LINE_CHANNEL_SECRET is not set for it)"
    if not secret:
        return "LINE is on in the stack, but LINE_CHANNEL_SECRET is not set for this script"
    empty = signed_request(secret, [])
    answer = await client.post("/line/webhook", content=empty.body, headers=empty.headers)
    if answer.status_code != 200:
        return f"the stack refused a signed post ({answer.status_code}): is the secret the same?"
    return None


async def line_turn(
    client: httpx.AsyncClient, line: LineSetup, user: str, text: str, tally: Tally, wait: float
) -> None:
    token = secrets.token_hex(16)
    request = signed_request(line.secret, [text_event(user, text, token)])
    reply = line.stub.expect(token) if line.stub else None
    started = time.perf_counter()
    try:
        response = await client.post("/line/webhook", content=request.body, headers=request.headers)
        outcome = OK if response.status_code == 200 else f"http {response.status_code}"
    except httpx.TimeoutException:
        outcome = TIMEOUT
    except httpx.TransportError:
        outcome = CONNECTION
    tally.line_posts.append(TurnResult(started, time.perf_counter() - started, outcome))
    if outcome != OK:
        return
    tally.line_sent[token] = started
    if reply is not None:
        await asyncio.wait({reply}, timeout=wait)  # a late reply still counts at the end


async def resident(
    number: int,
    client: httpx.AsyncClient,
    mix: QuestionMix,
    line: LineSetup | None,
    tally: Tally,
    args: argparse.Namespace,
    deadline: float,
) -> None:
    rng = resident_rng(args.seed, number)
    low, high = args.think
    await asyncio.sleep(rng.uniform(0, high))  # residents do not all arrive at once
    web = WebResident(client)
    while time.perf_counter() < deadline:
        web.leave()
        user = new_user_id()
        for text in mix.visit(rng):
            await asyncio.sleep(rng.uniform(low, high))
            if time.perf_counter() >= deadline:
                return
            if line is not None:
                await line_turn(client, line, user, text, tally, args.timeout)
            else:
                tally.web.append(await web.say(text))


async def queue_depth(client: httpx.AsyncClient, token: str) -> tuple[float | None, float | None]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    try:
        page = await client.get("/metrics", headers=headers)
    except httpx.HTTPError:
        return None, None
    if page.status_code != 200:
        return None, None
    return metric_value(page.text, QUEUE_DEPTH), metric_value(page.text, QUEUE_AGE)


def rss_line(samples: list[ProcessSample]) -> str:
    parts = " ".join(f"{s.name} {s.rss_mib:.0f}" for s in samples)
    return f"RSS {parts} = {sum(s.rss_mib for s in samples):.0f} MiB" if samples else "RSS -"


async def watch(
    client: httpx.AsyncClient,
    stack: StackProcesses,
    tally: Tally,
    args: argparse.Namespace,
    start: float,
    deadline: float,
    with_line: bool,
) -> None:
    """Every few seconds the queue depth; every minute a line with the counts and memory."""
    next_report = start + args.report_seconds
    depth_max = 0.0
    while (now := time.perf_counter()) < deadline:
        depth = (await queue_depth(client, args.metrics_token))[0] if with_line else None
        if depth is not None:
            tally.depths.append((now - start, depth))
            depth_max = max(depth_max, depth)
        if now >= next_report:
            next_report += args.report_seconds
            samples = await asyncio.to_thread(stack.sample)
            web_errors = sum(error_counts(tally.web).values())
            parts = [f"web {len(tally.web)} turns, {web_errors} errors"]
            if with_line:
                line_errors = sum(error_counts(tally.line_posts).values())
                parts.append(f"LINE {len(tally.line_posts)} posts, {line_errors} errors")
            if depth is not None:
                parts.append(f"queue {depth:.0f} (max {depth_max:.0f})")
            print(f"[{_clock(now - start)}] {'; '.join(parts)}  {rss_line(samples)}", flush=True)
            depth_max = 0.0
        await asyncio.sleep(min(args.sample_seconds, max(0.0, deadline - time.perf_counter())))


async def drain(client: httpx.AsyncClient, tally: Tally, args: argparse.Namespace, start: float):
    """After the residents stop: the LINE queue depth until it reaches 0 (or the timeout)."""
    began = time.perf_counter()
    while True:
        depth, age = await queue_depth(client, args.metrics_token)
        now = time.perf_counter()
        if depth is None:
            print("LINE queue: no depth on /metrics (LINE off, or /metrics refused)")
            return None
        tally.depths.append((now - start, depth))
        print(f"[drain +{now - began:4.0f}s] LINE queue depth {depth:.0f}, oldest {age or 0:.0f} s")
        if depth == 0:
            return now - began
        if now - began > args.drain_timeout:
            print(f"LINE queue did not drain within {args.drain_timeout:g} s")
            return None
        await asyncio.sleep(DRAIN_POLL_SECONDS)


def _clock(seconds: float) -> str:
    return f"{int(seconds // 60):2d}:{int(seconds % 60):02d}"


async def run(args: argparse.Namespace) -> int:
    mix = QuestionMix.load()
    stack = StackProcesses(urlsplit(args.url).port or 80, args.rasa_port)
    limits = httpx.Limits(max_connections=None, max_keepalive_connections=args.residents)
    async with httpx.AsyncClient(base_url=args.url, timeout=args.timeout, limits=limits) as client:
        try:
            ready = await client.get("/readyz")
        except httpx.TransportError as error:
            print(f"cannot reach {args.url}: {error}")
            return 1
        print(f"readyz: {ready.status_code} {ready.text[:200]}")
        skipped = await line_available(client, args.line_secret)
        if skipped:
            print(f"LINE part skipped: {skipped}")
            return await soak(client, mix, stack, None, args)
        if not args.line_stub_port:
            print("LINE replies not checked: no --line-stub-port")
            return await soak(client, mix, stack, LineSetup(args.line_secret, None), args)
        stub = LineApiStub(args.line_stub_port).start()
        print(f"LINE API stand-in on {stub.url} (the stack's LINE_API_ENDPOINT)")
        try:
            return await soak(client, mix, stack, LineSetup(args.line_secret, stub), args)
        finally:
            stub.stop()


async def soak(
    client: httpx.AsyncClient,
    mix: QuestionMix,
    stack: StackProcesses,
    line: LineSetup | None,
    args: argparse.Namespace,
) -> int:
    line_residents = round(args.residents * args.line_share) if line else 0
    print(
        f"soak: {args.residents} residents ({line_residents} on LINE) for "
        f"{args.minutes:g} min after {args.warm_up_minutes:g} min of warm-up, "
        f"{args.think[0]:g}-{args.think[1]:g} s think time, "
        f"seed {args.seed}"
    )
    tally = Tally()
    first = await asyncio.to_thread(stack.sample)
    print(f"[ 0:00] {rss_line(first)}")
    start = time.perf_counter()
    warm_up = args.warm_up_minutes * 60
    deadline = start + warm_up + args.minutes * 60
    warmed = asyncio.create_task(sample_at(stack, start + warm_up))
    await asyncio.gather(
        watch(client, stack, tally, args, start, deadline, line is not None),
        *(
            resident(n, client, mix, line if n < line_residents else None, tally, args, deadline)
            for n in range(args.residents)
        ),
    )
    ran = time.perf_counter() - start
    drained = await drain(client, tally, args, start) if line else None
    last = await asyncio.to_thread(stack.sample)
    memory = MemorySamples(first, await warmed, last)
    return report(args, tally, memory, ran, drained, line.stub if line else None)


async def sample_at(stack: StackProcesses, when: float) -> list[ProcessSample]:
    await asyncio.sleep(max(0.0, when - time.perf_counter()))
    return await asyncio.to_thread(stack.sample)


@dataclass(frozen=True)
class MemorySamples:
    """The stack's memory cold (before the first resident), after the warm-up and at the end.

    Growth is judged from the end of the warm-up: in the first minute the processes page in
    the parts of the model's weights and of the dictionaries that residents' words touch
    (mapped files, bounded by their size) and fill their bounded caches; a leak is what keeps
    growing after that. The cold figure is printed too, split into anonymous and mapped.
    """

    cold: list[ProcessSample]
    warm: list[ProcessSample]
    end: list[ProcessSample]


def print_growth(title: str, changes: list[RssChange]) -> None:
    print(title)
    for c in changes:
        note = " (restarted during the run)" if c.restarted else ""
        anon = c.end_anon_mib - c.start_anon_mib
        mapped = (c.end_mib - c.end_anon_mib) - (c.start_mib - c.start_anon_mib)
        print(
            f"  {c.name:<12} {c.start_mib:7.0f} -> {c.end_mib:7.0f} MiB  {c.percent:+6.1f}%"
            f"  (anonymous {anon:+5.0f} MiB, mapped files {mapped:+5.0f} MiB){note}"
        )


def report(
    args: argparse.Namespace,
    tally: Tally,
    memory: MemorySamples,
    ran: float,
    drained: float | None,
    stub: LineApiStub | None,
) -> int:
    print()
    if tally.web or not tally.line_posts:
        web_latency = LatencySummary.of([r.seconds for r in tally.web])
        print(f"web: {len(tally.web)} turns, latency {web_latency}")
        print(f"web: {describe_outcomes(tally.web)}")
    answers, failed = tally.line_answers(stub)
    line_errors = sum(error_counts(tally.line_posts).values()) + sum(failed.values())
    if tally.line_posts:
        print(f"LINE: {len(tally.line_posts)} webhook posts, {describe_outcomes(tally.line_posts)}")
        if stub:
            print(f"LINE: {len(answers)} answered, post to reply {LatencySummary.of(answers)}")
            print(
                "LINE replies: "
                + (", ".join(f"{k} {n}" for k, n in failed.items()) or "every message answered")
                + (f"; {stub.pushes} pushes instead of replies" if stub.pushes else "")
            )
    print(f"processes at the end (CPU averaged over the {ran / 60:.1f} min run):")
    last = memory.end
    for line in usage_lines(memory.cold, last, ran):
        print(line)
    cold = rss_changes(memory.cold, last)
    changes = rss_changes(memory.warm, last)
    print_growth("RSS growth, cold start -> end:", cold)
    print_growth(f"RSS growth, after {args.warm_up_minutes:g} min of warm-up -> end:", changes)
    depth_max = max((d for _, d in tally.depths), default=None)
    web_errors = sum(error_counts(tally.web).values())
    growth = ",".join(f"{c.name}:{c.percent:+.1f}%" for c in changes) or "-"
    cold_growth = ",".join(f"{c.name}:{c.percent:+.1f}%" for c in cold) or "-"
    print(
        f"SUMMARY soak residents={args.residents} minutes={args.minutes:g} "
        f"web_turns={len(tally.web)} web_errors={web_errors} "
        f"line_posts={len(tally.line_posts)} line_errors={line_errors} "
        f"line_p95={duration(LatencySummary.of(answers).p95) if stub else 'unchecked'} "
        f"queue_max={'-' if depth_max is None else f'{depth_max:.0f}'} "
        f"drained_in={'-' if drained is None else f'{drained:.0f}s'} "
        f"stack_rss={sum(s.rss_mib for s in last):.0f}MiB rss_growth={growth} "
        f"rss_growth_cold={cold_growth}"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.soak")
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--residents", type=int, default=100)
    parser.add_argument("--minutes", type=float, default=5, help="measured, after the warm-up")
    parser.add_argument(
        "--warm-up-minutes",
        type=float,
        default=1,
        help="the same load before the measured minutes; memory growth is judged from its end",
    )
    parser.add_argument("--think", type=float, nargs=2, default=[1.0, 3.0], metavar=("MIN", "MAX"))
    parser.add_argument("--line-share", type=float, default=0.3, help="residents on LINE")
    parser.add_argument("--line-secret", default=os.environ.get("LINE_CHANNEL_SECRET", ""))
    parser.add_argument("--line-stub-port", type=int, default=0, help="LINE API stand-in")
    parser.add_argument("--metrics-token", default=os.environ.get("METRICS_TOKEN", ""))
    parser.add_argument("--sample-seconds", type=float, default=5, help="queue depth polling")
    parser.add_argument("--report-seconds", type=float, default=60, help="counts and RSS")
    parser.add_argument("--drain-timeout", type=float, default=300)
    parser.add_argument("--timeout", type=float, default=30, help="per request, seconds")
    parser.add_argument(
        "--rasa-port", type=int, action="append", default=[5005], help="repeat for replicas"
    )
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    return asyncio.run(run(args))


if __name__ == "__main__":
    raise SystemExit(main())

"""Load on the running stack through the web chat API, and what each process uses meanwhile.

Needs the service running (`make run`, or `python3 -m stack run`, in another terminal).

    .venvs/app/bin/python -m bench.load [--mode closed|open|growth|all] [--url URL]
        [--residents 20] [--seconds 60] [--warmup 10] [--rate 5] [--growth-turns 200]

- closed: N residents, each in its own session, send one message after the other without
  thinking: the throughput the stack sustains and its latency at that load. A resident's
  session lasts one visit (a few messages, bench/question_mix.py) and the next visit starts a
  new one: residents come and go, and no session outruns the app's per-sender limit
  (core/rate_limit.py), which would measure the 'slow down' reply instead of turns.
- open: Poisson arrivals at R turns/s, each a turn of a session from a pool, whatever the
  server does: shows the queueing a closed loop hides. The client's own lag behind the
  schedule is reported, so that a slow client is not mistaken for a slow server.
- growth: one session of 200 turns (paced under the per-sender limit): does a turn get slower
  as the conversation grows (the tracker store)?

Errors are non-200s, timeouts, connection errors and 200s that carry the 'please try again
later' reply. Each run ends with one SUMMARY line to paste into a note.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

from bench.arrivals import poisson_schedule
from bench.chat_turns import TurnResult, WebResident, describe_outcomes, error_counts
from bench.figures import percentile
from bench.latency import GROWTH_SHARES, LatencySummary, duration, growth_ratio, growth_windows
from bench.question_mix import QuestionMix, resident_rng
from bench.stack_processes import ProcessSample, StackProcesses, compact_usage, usage_lines
from core.rate_limit import SenderRateLimiter

LAG_NOTE_SECONDS = 0.05  # the open loop's client is 'behind' when its p95 lag exceeds this
GROWTH_MARGIN = 1.05  # the growth run sends a little slower than the app's per-sender refill


@dataclass
class Window:
    """The measured part of a run, after the warm-up, and the processes at both ends."""

    start: float
    end: float
    before: list[ProcessSample]
    after: list[ProcessSample]
    client_cpu: float  # seconds of CPU this process used in the window

    @property
    def seconds(self) -> float:
        return self.end - self.start

    def within(self, results: Sequence[TurnResult]) -> list[TurnResult]:
        return [r for r in results if self.start <= r.finished <= self.end]


async def measure_window(
    stack: StackProcesses,
    warmup: float,
    seconds: float,
    window: list[Window],
    over: asyncio.Event | None = None,
) -> None:
    """Samples the stack when the warm-up ends and when the measured time is over (then
    sets `over`, so that the load lasts exactly as long as the measurement)."""
    await asyncio.sleep(warmup)
    before = await asyncio.to_thread(stack.sample)
    start, cpu = time.perf_counter(), time.process_time()
    await asyncio.sleep(seconds)
    end, cpu_used = time.perf_counter(), time.process_time() - cpu
    if over is not None:
        over.set()
    after = await asyncio.to_thread(stack.sample)
    window.append(Window(start, end, before, after, cpu_used))


def report(label: str, results: Sequence[TurnResult], window: Window) -> str:
    measured = window.within(results)
    latency = LatencySummary.of([r.seconds for r in measured])
    rate = len(measured) / window.seconds
    print(f"turns {len(measured)} in {window.seconds:.0f} s: {rate:.2f} turns/s")
    print(f"latency {latency}")
    print(describe_outcomes(measured))
    print("processes (RSS at the end, CPU over the measured time):")
    for line in usage_lines(window.before, window.after, window.seconds):
        print(line)
    client = 100 * window.client_cpu / window.seconds
    print(f"  client (this process) CPU {client:.0f}%")
    errors = sum(error_counts(measured).values())
    summary = (
        f"SUMMARY load {label} turns={len(measured)} turns/s={rate:.2f} "
        f"p50={duration(latency.p50)} p95={duration(latency.p95)} p99={duration(latency.p99)} "
        f"errors={errors} {compact_usage(window.before, window.after, window.seconds)} "
        f"client_cpu={client:.0f}%"
    )
    print(summary)
    return summary


async def closed_loop(
    client: httpx.AsyncClient, mix: QuestionMix, stack: StackProcesses, args: argparse.Namespace
) -> str:
    print(
        f"\n== closed loop: {args.residents} residents, no think time, "
        f"{args.seconds:g} s after a {args.warmup:g} s warm-up"
    )
    results: list[TurnResult] = []
    over = asyncio.Event()

    async def resident(number: int) -> None:
        rng = resident_rng(args.seed, number)
        web = WebResident(client)
        while not over.is_set():
            web.leave()
            for text in mix.visit(rng):
                if over.is_set():
                    return
                results.append(await web.say(text))

    window: list[Window] = []
    await asyncio.gather(
        measure_window(stack, args.warmup, args.seconds, window, over),
        *(resident(n) for n in range(args.residents)),
    )
    label = f"closed residents={args.residents} seconds={args.seconds:g}"
    return report(label, results, window[0])


class SessionPool:
    """Open-loop sessions: an arrival takes an idle one; when none is idle, one more joins."""

    def __init__(self, client: httpx.AsyncClient, mix: QuestionMix, size: int, seed: int):
        self.client, self.mix, self.seed = client, mix, seed
        self.rng = random.Random(seed)  # noqa: S311 - a benchmark, not a secret
        self.created = 0
        self.idle = [self._new() for _ in range(size)]

    def _new(self) -> tuple[WebResident, random.Random, list[str]]:
        self.created += 1
        return WebResident(self.client), resident_rng(self.seed, self.created), []

    async def turn(self) -> TurnResult:
        seat = self.idle.pop(self.rng.randrange(len(self.idle))) if self.idle else self._new()
        web, rng, pending = seat
        if not pending:
            web.leave()
            pending.extend(self.mix.visit(rng))
        try:
            return await web.say(pending.pop(0))
        finally:
            self.idle.append(seat)


async def open_loop(
    client: httpx.AsyncClient, mix: QuestionMix, stack: StackProcesses, args: argparse.Namespace
) -> str:
    print(
        f"\n== open loop: Poisson arrivals at {args.rate:g} turns/s over a pool of "
        f"{args.pool} sessions, {args.seconds:g} s after a {args.warmup:g} s warm-up"
    )
    schedule = poisson_schedule(
        args.rate,
        args.warmup + args.seconds,
        random.Random(args.seed),  # noqa: S311 - a benchmark, not a secret
    )
    pool = SessionPool(client, mix, args.pool, args.seed)
    results: list[TurnResult] = []
    lags: list[float] = []
    tasks: list[asyncio.Task[None]] = []

    async def one_turn() -> None:
        results.append(await pool.turn())

    async def dispatch() -> None:
        start = time.perf_counter()
        for offset in schedule:
            delay = start + offset - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            if offset >= args.warmup:
                lags.append(time.perf_counter() - (start + offset))
            tasks.append(asyncio.create_task(one_turn()))
        await asyncio.gather(*tasks)

    window: list[Window] = []
    await asyncio.gather(measure_window(stack, args.warmup, args.seconds, window), dispatch())
    offered = sum(1 for t in schedule if t >= args.warmup) / args.seconds
    print(
        f"offered {offered:.2f} turns/s; sessions used {pool.created}"
        + (f" (pool grew from {args.pool})" if pool.created > args.pool else "")
    )
    p95_lag = percentile(lags, 95)
    print(
        f"client lag behind the schedule: p50={duration(percentile(lags, 50))} "
        f"p95={duration(p95_lag)} max={duration(max(lags, default=float('nan')))}"
    )
    behind = bool(lags) and p95_lag > LAG_NOTE_SECONDS
    if behind:
        print(
            f"NOTE: the client fell behind (p95 lag > {duration(LAG_NOTE_SECONDS)}): "
            "the offered rate was not met; the figures understate the load"
        )
    label = f"open rate={args.rate:g} seconds={args.seconds:g}"
    summary = report(label, results, window[0])
    return summary + (" CLIENT-BEHIND" if behind else "")


async def growth(client: httpx.AsyncClient, mix: QuestionMix, args: argparse.Namespace) -> str:
    interval = GROWTH_MARGIN / SenderRateLimiter().rate
    print(
        f"\n== growth: one session, {args.growth_turns} turns, one every {interval:.1f} s "
        f"(the app's per-sender limit), about {args.growth_turns * interval / 60:.1f} min"
    )
    warm = WebResident(client)
    for text in mix.visit(resident_rng(args.seed, -2)):
        await warm.say(text)
    web = WebResident(client)
    texts = mix.stream(resident_rng(args.seed, -1))
    results: list[TurnResult] = []
    for _ in range(args.growth_turns):
        started = time.perf_counter()
        results.append(await web.say(next(texts)))
        await asyncio.sleep(max(0.0, started + interval - time.perf_counter()))
    latencies = [r.seconds for r in results]
    print(f"latency over the session {LatencySummary.of(latencies)}")
    print(describe_outcomes(results))
    parts = []
    for share in GROWTH_SHARES:
        (a, b), (c, d) = growth_windows(len(latencies), share)
        first, last, ratio = growth_ratio(latencies, share)
        print(
            f"turns {a}-{b} p50={duration(first)}   turns {c}-{d} p50={duration(last)}   "
            f"ratio {ratio:.2f}"
        )
        parts.append(
            f"p50[{a}-{b}]={duration(first)} p50[{c}-{d}]={duration(last)} ratio{b}={ratio:.2f}"
        )
    errors = sum(error_counts(results).values())
    summary = f"SUMMARY load growth turns={len(results)} {' '.join(parts)} errors={errors}"
    print(summary)
    return summary


async def run(args: argparse.Namespace) -> int:
    mix = QuestionMix.load()
    print(
        f"question mix: {len(mix.dev_questions)} dev-set questions, {len(mix.faq_phrasings)} "
        f"FAQ phrasings, {len(mix.unanswerable)} unanswerable, {len(mix.flows)} flows; "
        f"seed {args.seed}"
    )
    port = urlsplit(args.url).port or 80
    stack = StackProcesses(port, args.rasa_port)
    found = await asyncio.to_thread(stack.discover)
    print("stack: " + (", ".join(f"{n} (pid {p})" for p, n in found.items()) or "not found"))
    limits = httpx.Limits(max_connections=None, max_keepalive_connections=args.residents)
    async with httpx.AsyncClient(base_url=args.url, timeout=args.timeout, limits=limits) as client:
        try:
            ready = await client.get("/readyz")
        except httpx.TransportError as error:
            print(f"cannot reach {args.url}: {error}")
            return 1
        print(f"readyz: {ready.status_code} {ready.text[:200]}")
        modes = ["closed", "open", "growth"] if args.mode == "all" else [args.mode]
        summaries = []
        for mode in modes:
            if mode == "closed":
                summaries.append(await closed_loop(client, mix, stack, args))
            elif mode == "open":
                summaries.append(await open_loop(client, mix, stack, args))
            else:
                summaries.append(await growth(client, mix, args))
    if len(summaries) > 1:
        print("\n" + "\n".join(summaries))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load")
    parser.add_argument("--mode", choices=["closed", "open", "growth", "all"], default="all")
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--residents", type=int, default=20, help="closed loop")
    parser.add_argument("--seconds", type=float, default=60, help="measured time per run")
    parser.add_argument("--warmup", type=float, default=10)
    parser.add_argument("--rate", type=float, default=5, help="open loop, turns per second")
    parser.add_argument("--pool", type=int, default=100, help="open loop, sessions")
    parser.add_argument("--growth-turns", type=int, default=200)
    parser.add_argument("--timeout", type=float, default=30, help="per request, seconds")
    parser.add_argument(
        "--rasa-port", type=int, action="append", default=[5005], help="repeat for replicas"
    )
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    return asyncio.run(run(args))


if __name__ == "__main__":
    raise SystemExit(main())

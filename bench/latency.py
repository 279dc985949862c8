"""Latency figures of a load run: percentiles, and how much slower a long session gets.

A session's turns can slow down as its tracker grows (Rasa loads and stores the whole
conversation each turn); the growth ratio compares the median of a session's first turns
with that of its last ones.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from bench.figures import percentile

# Shares of a long session compared by the growth run: of 200 turns, 1–10 vs 191–200 (the
# headline) and 1–40 vs 161–200 (steadier, less moved by one slow turn).
GROWTH_SHARES = (0.05, 0.2)


@dataclass(frozen=True)
class LatencySummary:
    n: int
    p50: float
    p95: float
    p99: float
    mean: float
    max: float

    @classmethod
    def of(cls, seconds: Sequence[float]) -> LatencySummary:
        if not seconds:
            nan = float("nan")
            return cls(0, nan, nan, nan, nan, nan)
        values = list(seconds)
        return cls(
            n=len(values),
            p50=percentile(values, 50),
            p95=percentile(values, 95),
            p99=percentile(values, 99),
            mean=statistics.fmean(values),
            max=max(values),
        )

    def __str__(self) -> str:
        return (
            f"p50={duration(self.p50)} p95={duration(self.p95)} p99={duration(self.p99)} "
            f"mean={duration(self.mean)} max={duration(self.max)} (n={self.n})"
        )


def duration(seconds: float) -> str:
    """Milliseconds below ten seconds, seconds above: short enough to paste into a note."""
    if seconds != seconds:  # NaN: nothing measured
        return "-"
    return f"{seconds * 1000:.0f}ms" if seconds < 10 else f"{seconds:.1f}s"


def growth_windows(turns: int, share: float) -> tuple[tuple[int, int], tuple[int, int]]:
    """The first and the last `share` of a session's turns, numbered from 1, inclusive."""
    if turns < 2:
        raise ValueError("a growth run needs at least two turns")
    size = max(1, min(turns // 2, round(turns * share)))
    return (1, size), (turns - size + 1, turns)


def window_p50(latencies: Sequence[float], window: tuple[int, int]) -> float:
    first, last = window
    return percentile(list(latencies[first - 1 : last]), 50)


def growth_ratio(latencies: Sequence[float], share: float) -> tuple[float, float, float]:
    """(p50 of the first turns, p50 of the last turns, last / first)."""
    early, late = growth_windows(len(latencies), share)
    first, last = window_p50(latencies, early), window_p50(latencies, late)
    return first, last, (last / first if first > 0 else float("nan"))

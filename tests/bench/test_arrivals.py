"""The open loop's Poisson schedule (bench/arrivals.py)."""

from __future__ import annotations

import itertools
import random
import statistics

import pytest

from bench.arrivals import poisson_schedule


def test_the_same_seed_gives_the_same_schedule() -> None:
    first = poisson_schedule(5, 60, random.Random(3))
    assert first == poisson_schedule(5, 60, random.Random(3))
    assert first != poisson_schedule(5, 60, random.Random(4))


def test_arrivals_are_increasing_and_inside_the_run() -> None:
    times = poisson_schedule(20, 30, random.Random(1))
    assert times == sorted(times)
    assert len(set(times)) == len(times)
    assert times[0] > 0 and times[-1] < 30


def test_the_rate_is_met_with_exponential_gaps() -> None:
    rate, seconds = 5.0, 2000.0
    times = poisson_schedule(rate, seconds, random.Random(11))
    assert len(times) / seconds == pytest.approx(rate, rel=0.05)
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert statistics.fmean(gaps) == pytest.approx(1 / rate, rel=0.05)
    # exponential gaps: the spread equals the mean (a fixed interval would have none), and
    # about 1 - 1/e of the gaps are shorter than the mean
    assert statistics.stdev(gaps) == pytest.approx(1 / rate, rel=0.1)
    shorter = sum(1 for g in gaps if g < 1 / rate) / len(gaps)
    assert shorter == pytest.approx(0.632, abs=0.03)


@pytest.mark.parametrize("rate, seconds", [(0, 10), (-1, 10), (5, 0)])
def test_a_schedule_needs_a_positive_rate_and_time(rate: float, seconds: float) -> None:
    with pytest.raises(ValueError):
        poisson_schedule(rate, seconds, random.Random(1))

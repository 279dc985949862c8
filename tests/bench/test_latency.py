"""Percentiles and the growth ratio of bench/load.py."""

from __future__ import annotations

import math
import random

import pytest

from bench.latency import LatencySummary, duration, growth_ratio, growth_windows


def test_percentiles_of_a_known_spread_whatever_the_order() -> None:
    values = [n / 1000 for n in range(1, 102)]  # 1 ms .. 101 ms
    random.Random(7).shuffle(values)
    summary = LatencySummary.of(values)
    assert summary.n == 101
    assert summary.p50 == pytest.approx(0.051)  # the middle value
    assert summary.p95 == pytest.approx(0.096)
    assert summary.p99 == pytest.approx(0.100)
    assert summary.max == pytest.approx(0.101)
    assert summary.mean == pytest.approx(0.051)


def test_one_slow_turn_moves_p99_not_the_median() -> None:
    summary = LatencySummary.of([0.1] * 99 + [9.0])
    assert summary.p50 == pytest.approx(0.1)
    assert summary.p99 == pytest.approx(0.1)
    assert summary.max == pytest.approx(9.0)


def test_nothing_measured_is_nan_and_printed_as_a_dash() -> None:
    summary = LatencySummary.of([])
    assert summary.n == 0
    assert math.isnan(summary.p50)
    assert "p50=- " in str(summary)


def test_durations_print_short() -> None:
    assert duration(0.8123) == "812ms"
    assert duration(12.34) == "12.3s"
    assert duration(float("nan")) == "-"


@pytest.mark.parametrize(
    "turns, share, windows",
    [
        (200, 0.05, ((1, 10), (191, 200))),
        (200, 0.2, ((1, 40), (161, 200))),
        (6, 0.05, ((1, 1), (6, 6))),
        (4, 0.9, ((1, 2), (3, 4))),  # never overlapping
    ],
)
def test_growth_windows(turns: int, share: float, windows: tuple) -> None:
    assert growth_windows(turns, share) == windows


def test_growth_needs_two_turns() -> None:
    with pytest.raises(ValueError):
        growth_windows(1, 0.05)


def test_growth_ratio_compares_the_medians_of_the_first_and_last_turns() -> None:
    latencies = [0.1] * 10 + [0.2] * 180 + [0.3] * 10
    latencies[3] = 5.0  # one slow early turn does not move the median
    first, last, ratio = growth_ratio(latencies, 0.05)
    assert first == pytest.approx(0.1)
    assert last == pytest.approx(0.3)
    assert ratio == pytest.approx(3.0)


def test_a_session_that_does_not_slow_down_has_ratio_one() -> None:
    _, _, ratio = growth_ratio([0.25] * 200, 0.2)
    assert ratio == pytest.approx(1.0)

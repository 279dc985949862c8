"""Reading the LINE queue depth out of the app's real /metrics output."""

from __future__ import annotations

from prometheus_client import generate_latest

from app.metrics import AppMetrics
from bench.prometheus_text import metric_value
from bench.soak import QUEUE_AGE, QUEUE_DEPTH


def page(metrics: AppMetrics) -> str:
    return generate_latest(metrics.registry).decode()


def test_the_queue_gauges_are_read() -> None:
    metrics = AppMetrics()
    metrics.watch_line_queue(lambda: 7, lambda: 2.5)
    text = page(metrics)
    assert metric_value(text, QUEUE_DEPTH) == 7
    assert metric_value(text, QUEUE_AGE) == 2.5


def test_a_labelled_counter_is_summed_and_longer_names_are_not_taken() -> None:
    metrics = AppMetrics()
    metrics.turn("web", "ok", 0.1)
    metrics.turn("web", "ok", 0.2)
    metrics.turn("line", "unavailable", 0.1)
    text = page(metrics)
    assert metric_value(text, "chatbot_turns_total") == 3
    assert metric_value(text, "chatbot_turn_seconds_count") == 3
    # "chatbot_turn_seconds" alone is no sample: only its _bucket/_count/_sum lines exist
    assert metric_value(text, "chatbot_turn_seconds") is None


def test_a_missing_metric_is_none() -> None:
    assert metric_value(page(AppMetrics()), "chatbot_no_such_thing") is None

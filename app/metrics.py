"""The service's numbers for operations, in Prometheus' format (prometheus-client).

One registry per app (not the library's global one), so that tests and several apps in one
process do not share counts. The core reports through the TurnObserver protocol
(core/observer.py); the LINE queue and the knowledge reloader are read when scraped.
"""

from __future__ import annotations

from collections.abc import Callable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

TURN_BUCKETS = (0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 2.0, 5.0, 10.0, 30.0)
FAST_BUCKETS = (0.005, 0.01, 0.02, 0.03, 0.05, 0.1, 0.2, 0.5, 1.0, 5.0)


class AppMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.turns = Counter(
            "chatbot_turns", "Turns by channel and outcome", ["channel", "outcome"], registry=r
        )
        self.turn_seconds = Histogram(
            "chatbot_turn_seconds", "Whole turn", ["channel"], buckets=TURN_BUCKETS, registry=r
        )
        self.rasa_seconds = Histogram(
            "chatbot_rasa_seconds", "Rasa's part of a turn", buckets=TURN_BUCKETS, registry=r
        )
        self.rasa_failures = Counter(
            "chatbot_rasa_failures", "Calls Rasa did not answer", registry=r
        )
        self.retrieval_seconds = Histogram(
            "chatbot_retrieval_seconds", "Knowledge decision", buckets=FAST_BUCKETS, registry=r
        )
        self.rasa_up = Gauge(
            "chatbot_rasa_up", "Rasa answered its last check (1) or not", registry=r
        )
        self.knowledge_reloads = Counter(
            "chatbot_knowledge_reloads", "Knowledge reloads by result", ["result"], registry=r
        )
        self.index_documents = Gauge(
            "chatbot_index_documents", "Documents in the knowledge index", registry=r
        )
        self.line_events = Counter(
            "chatbot_line_events", "LINE events by result", ["result"], registry=r
        )
        self.line_retries = Counter("chatbot_line_retries", "LINE API calls retried", registry=r)
        self.line_queue_depth = Gauge(
            "chatbot_line_queue_depth", "LINE events accepted and not yet answered", registry=r
        )
        self.line_queue_age = Gauge(
            "chatbot_line_queue_oldest_seconds",
            "Age of the oldest unanswered LINE event",
            registry=r,
        )

    # TurnObserver (core/observer.py)
    def turn(self, channel: str, outcome: str, seconds: float) -> None:
        self.turns.labels(channel, outcome).inc()
        self.turn_seconds.labels(channel).observe(seconds)

    def dialogue(self, seconds: float, ok: bool) -> None:
        self.rasa_seconds.observe(seconds)
        if not ok:
            self.rasa_failures.inc()

    def retrieval(self, seconds: float) -> None:
        self.retrieval_seconds.observe(seconds)

    def watch_line_queue(self, depth: Callable[[], int], oldest: Callable[[], float]) -> None:
        self.line_queue_depth.set_function(depth)
        self.line_queue_age.set_function(oldest)

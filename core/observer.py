"""What the turn reports about itself, for operations (the app exports it as metrics).

The core only says what happened; the composition root decides where it goes
(app/metrics.py: Prometheus). Outcomes are the ones a municipality's operations team asks
about: was the resident answered, told honestly that the bot could not, sent into a flow,
warned, or left without an answer because something was down.
"""

from __future__ import annotations

from typing import Protocol

ANSWERED = "answered"
TENTATIVE = "tentative"
ABSTAINED = "abstained"
FLOW = "flow"
EMERGENCY = "emergency"
PERSONAL_DATA = "personal_data"
UNAVAILABLE = "unavailable"
DEGRADED_ANSWER = "degraded_answer"
RATE_LIMITED = "rate_limited"
INVALID_INPUT = "invalid_input"
UNKNOWN_BUTTON = "unknown_button"
OUTCOMES = (
    ANSWERED,
    TENTATIVE,
    ABSTAINED,
    FLOW,
    EMERGENCY,
    PERSONAL_DATA,
    UNAVAILABLE,
    DEGRADED_ANSWER,
    RATE_LIMITED,
    INVALID_INPUT,
    UNKNOWN_BUTTON,
)


class TurnObserver(Protocol):
    def turn(self, channel: str, outcome: str, seconds: float) -> None: ...

    def dialogue(self, seconds: float, ok: bool) -> None: ...

    def retrieval(self, seconds: float) -> None: ...


class NoObserver:
    def turn(self, channel: str, outcome: str, seconds: float) -> None:
        return None

    def dialogue(self, seconds: float, ok: bool) -> None:
        return None

    def retrieval(self, seconds: float) -> None:
        return None

"""A burst from one sender is slowed down; other senders are not."""

from __future__ import annotations

from core.rate_limit import SenderRateLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_is_allowed_up_to_its_size_then_refused() -> None:
    limiter = SenderRateLimiter(burst=3, rate=1.0, clock=Clock())

    assert [limiter.allow("a") for _ in range(5)] == [True, True, True, False, False]


def test_others_are_not_slowed_by_one_sender() -> None:
    limiter = SenderRateLimiter(burst=2, rate=0.1, clock=Clock())
    for _ in range(10):
        limiter.allow("noisy")

    assert limiter.allow("quiet") is True


def test_tokens_come_back_with_time() -> None:
    clock = Clock()
    limiter = SenderRateLimiter(burst=2, rate=0.5, clock=clock)
    limiter.allow("a")
    limiter.allow("a")
    assert limiter.allow("a") is False

    clock.now += 2.0  # one token back

    assert limiter.allow("a") is True
    assert limiter.allow("a") is False


def test_the_table_of_senders_is_bounded() -> None:
    limiter = SenderRateLimiter(max_senders=100, clock=Clock())
    for n in range(1000):
        limiter.allow(str(n))

    assert len(limiter._buckets) == 100

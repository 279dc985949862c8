"""When the open-loop run sends: Poisson arrivals, fixed in advance from a seed.

Residents do not wait for each other: arrivals are independent, so the gaps between them are
exponential. Drawing the whole schedule first keeps the offered load the same from run to run
and whatever the server does, which is what makes an open loop show queueing that a closed
loop (where a slow server slows its own clients down) hides.
"""

from __future__ import annotations

import random


def poisson_schedule(rate: float, seconds: float, rng: random.Random) -> list[float]:
    """Arrival times in seconds from the start, increasing, all before `seconds`."""
    if rate <= 0 or seconds <= 0:
        raise ValueError("rate and seconds must be positive")
    times: list[float] = []
    now = rng.expovariate(rate)
    while now < seconds:
        times.append(now)
        now += rng.expovariate(rate)
    return times

"""Reading one number out of the app's /metrics page (Prometheus' text format).

Enough for a benchmark that watches a gauge (the LINE queue depth, app/metrics.py) without a
Prometheus server.
"""

from __future__ import annotations


def metric_value(text: str, name: str) -> float | None:
    """The value of metric `name`, summed over its labels; None when the page lacks it."""
    total: float | None = None
    for line in text.splitlines():
        if line.startswith("#") or not line.startswith(name):
            continue
        rest = line[len(name) :]
        if not rest or rest[0] not in " {":
            continue  # a longer name that starts with this one (…_depth_total)
        value = rest.rsplit("}", 1)[-1].split()[0] if "}" in rest else rest.split()[0]
        total = (total or 0.0) + float(value)
    return total

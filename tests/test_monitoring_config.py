"""docker/prometheus.yml and docker/grafana/dashboard.json match the app they watch.

A dashboard query with a metric name the app does not export shows an empty panel, not an
error, so the names are checked here against what AppMetrics registers.
"""

from __future__ import annotations

import json
import re

import pytest
import yaml

from app.metrics import AppMetrics
from app.routers.metrics import router as metrics_router
from core.observer import OUTCOMES
from repo_paths import REPO_ROOT

PROMETHEUS_FILE = REPO_ROOT / "docker" / "prometheus.yml"
DASHBOARD_FILE = REPO_ROOT / "docker" / "grafana" / "dashboard.json"
COMPOSE_FILE = REPO_ROOT / "docker-compose.yml"

SAMPLE_SUFFIXES = {
    "counter": ("_total", "_created"),
    "histogram": ("_bucket", "_count", "_sum", "_created"),
    "gauge": ("",),
}
PROMQL_KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "offset"}
PROMQL_KEYWORDS |= {"bool", "and", "or", "unless"}
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_LABEL_MATCHERS = re.compile(r"\{[^}]*\}")
_RANGE = re.compile(r"\[[^\]]*\]")
_GROUPING = re.compile(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")
_IDENTIFIER = re.compile(r"[A-Za-z_:][A-Za-z0-9_:]*")
_OUTCOME_MATCHER = re.compile(r'outcome\s*=~?\s*"([^"]*)"')


def exported_names() -> set[str]:
    """Every sample name the app's registry exposes (a counter `x` is scraped as x_total)."""
    names: set[str] = set()
    for family in AppMetrics().registry.collect():
        names |= {family.name + suffix for suffix in SAMPLE_SUFFIXES[family.type]}
    return names


def metric_names(expression: str) -> set[str]:
    """The metric names a PromQL expression reads: what is left once strings, label
    matchers, ranges, grouping labels, functions and keywords are taken out."""
    rest = _STRING.sub('""', expression)
    rest = _GROUPING.sub("", _RANGE.sub("", _LABEL_MATCHERS.sub("", rest)))
    names = set()
    for match in _IDENTIFIER.finditer(rest):
        is_function = rest[match.end() :].lstrip().startswith("(")
        if not is_function and match.group() not in PROMQL_KEYWORDS:
            names.add(match.group())
    return names


def dashboard() -> dict:
    return json.loads(DASHBOARD_FILE.read_text(encoding="utf-8"))


def expressions() -> list[str]:
    return [t["expr"] for panel in dashboard()["panels"] for t in panel["targets"]]


def scrape_job() -> dict:
    config = yaml.safe_load(PROMETHEUS_FILE.read_text(encoding="utf-8"))
    [job] = [j for j in config["scrape_configs"] if j["job_name"] == "chatbot-app"]
    return job


@pytest.mark.parametrize(
    "expression, names",
    [
        (
            'sum by (channel, outcome) (rate(chatbot_turns_total{outcome="x"}[$__rate_interval]))',
            {"chatbot_turns_total"},
        ),
        (
            "histogram_quantile(0.95, sum by (le) (rate(chatbot_turn_seconds_bucket[5m])))"
            " / on (instance) group_left up",
            {"chatbot_turn_seconds_bucket", "up"},
        ),
        ("max(chatbot_line_queue_depth) > bool 0", {"chatbot_line_queue_depth"}),
    ],
)
def test_metric_names_are_read_off_promql(expression: str, names: set[str]) -> None:
    assert metric_names(expression) == names


def test_every_dashboard_query_reads_metrics_the_app_exports() -> None:
    exported = exported_names()
    unknown = {}
    for expression in expressions():
        names = metric_names(expression)
        assert names, expression
        if names - exported:
            unknown[expression] = sorted(names - exported)

    assert "chatbot_turns_total" in exported and "chatbot_turn_seconds_bucket" in exported
    assert unknown == {}


def test_the_dashboard_filters_only_on_outcomes_the_turn_reports() -> None:
    filtered = {
        outcome
        for expression in expressions()
        for values in _OUTCOME_MATCHER.findall(expression)
        for outcome in values.split("|")
    }

    assert filtered
    assert filtered <= set(OUTCOMES)


def test_the_dashboard_shows_what_operations_watch() -> None:
    read = set().union(*(metric_names(e) for e in expressions()))
    titles = {panel["title"] for panel in dashboard()["panels"]}

    assert {
        "chatbot_turns_total",
        "chatbot_turn_seconds_bucket",
        "chatbot_rasa_up",
        "chatbot_line_queue_depth",
        "chatbot_line_queue_oldest_seconds",
        "chatbot_line_retries_total",
        "chatbot_knowledge_reloads_total",
    } <= read
    assert {"Answer rate", "Abstention rate", "Turn latency p50 / p95"} <= titles
    latency = " ".join(e for e in expressions() if "chatbot_turn_seconds_bucket" in e)
    assert "histogram_quantile(0.5," in latency and "histogram_quantile(0.95," in latency
    assert len({panel["id"] for panel in dashboard()["panels"]}) == len(dashboard()["panels"])


def test_prometheus_scrapes_the_metrics_route_of_the_app_service_with_a_token_file() -> None:
    job = scrape_job()
    served = {route.path for route in metrics_router.routes}
    app_service = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))["services"]["app"]
    container_ports = {int(p.rsplit(":", 1)[1]) for p in app_service["ports"]}

    assert job["metrics_path"] == "/metrics" and job["metrics_path"] in served
    assert job["authorization"]["type"] == "Bearer"
    assert job["authorization"]["credentials_file"].startswith("/")
    assert "credentials" not in job["authorization"]  # the token itself is never in the file
    [lookup] = job["dns_sd_configs"]
    assert lookup["names"] == ["app"] and lookup["port"] in container_ports
    assert "METRICS_TOKEN" in app_service["environment"]

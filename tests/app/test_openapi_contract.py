"""The OpenAPI document tells the truth: every public operation, called with what schemathesis
generates from the document (valid and invalid requests), answers only with statuses, media
types, headers and bodies the document declares, and accepts what it declares valid.

Rasa's action endpoint (/webhook, /actions) and /metrics are not in the document
(include_in_schema=False) and so not tested here; nothing that is in it is left out.

The real app runs in-process with Rasa down and LINE configured (so /line/webhook exists). Its
lifespan runs around each operation's test: schemathesis' ASGI transport starts it on first use
and its pytest plugin shuts it down when a test ends. All checks are on; generation is bounded
and derandomized, so a failure shows again on the next run.

The schema is loaded when the module is imported, as `@schema.parametrize()` needs it then
(`schemathesis.pytest.from_fixture` would allow a fixture, but 4.32.5 fails on pytest 9's node
objects), so the app's data directory is a temporary directory of the module's own.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import positive_data_acceptance

from app.main import create_app
from tests.support.app_client import settings_without_rasa
from tests.support.line_signing import line_signature
from tests.support.ports import unused_port

LINE_SECRET = "openapi-contract-channel-secret"
LINE_SIGNATURE_HEADER = "X-Line-Signature"

CONFIG = SchemathesisConfig.from_dict(
    {
        "seed": 20261201,
        # every built-in check, including the ones that resend modified requests;
        # max_response_time stays off (it needs a limit): timings belong in bench/, not here
        "checks": {"enabled": True},
        "generation": {
            "mode": "all",  # schema-valid requests and schema-violating ones
            "max-examples": 30,
            "deterministic": True,
            "database": "none",  # no example database: a run does not depend on earlier runs
        },
    }
)


DATA_DIR = tempfile.TemporaryDirectory(prefix="openapi-contract-", ignore_cleanup_errors=True)
SETTINGS = settings_without_rasa(
    Path(DATA_DIR.name),
    line_channel_secret=LINE_SECRET,
    line_channel_access_token="openapi-contract-access-token",
    # nothing listens here: a reply the workers try to send fails without leaving the host
    line_api_endpoint=f"http://127.0.0.1:{unused_port()}",
)
schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(SETTINGS), config=CONFIG)


@pytest.fixture(scope="module", autouse=True)
def _remove_data_dir() -> Iterator[None]:
    yield
    DATA_DIR.cleanup()


def sign(case: Any, secret: str) -> None:
    """Signs a generated LINE delivery that carries the signature header, over the exact bytes
    it sends; one without the header stays unsigned (and must get the documented 400)."""
    if LINE_SIGNATURE_HEADER not in (case.headers or {}):
        return
    sent = case.as_transport_kwargs(base_url="http://testserver")
    prepared = requests.Request(
        method=sent["method"],
        url=sent["url"],
        headers=sent.get("headers"),
        json=sent.get("json"),
        data=sent.get("data"),
    ).prepare()
    body = prepared.body or b""
    raw = body.encode("utf-8") if isinstance(body, str) else body
    case.headers[LINE_SIGNATURE_HEADER] = line_signature(secret, raw)


@schema.parametrize()
def test_every_public_operation_answers_as_documented(case: Any) -> None:
    if case.operation.path == "/line/webhook":
        # as LINE does: so that what is tested is the body, valid or not, not the signature
        sign(case, LINE_SECRET)
    case.call_and_validate()


@schema.include(path="/line/webhook").parametrize()
def test_a_line_delivery_signed_with_another_secret_gets_the_documented_400(case: Any) -> None:
    sign(case, "not-the-channel-secret")
    # Every check but one: a schema-valid body with a wrong signature must be refused, and
    # whether a signature is right is not something the schema can say.
    response = case.call_and_validate(excluded_checks=[positive_data_acceptance])
    if case.method == "POST":  # the other methods are schemathesis' 405 probes
        assert response.status_code == 400

"""GET /metrics for operations (Prometheus' text format).

Not for the public: with METRICS_TOKEN set, a scraper sends it as a bearer token; without,
only clients on the same host get an answer. Not in the public API document.
"""

from __future__ import annotations

import hmac

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from app.dependencies import ServicesDep

router = APIRouter(tags=["operations"], include_in_schema=False)

LOOPBACK = ("127.0.0.1", "::1", "localhost")


def _allowed(request: Request, token: str) -> bool:
    if token:
        given = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
        return hmac.compare_digest(given.encode(), token.encode())
    return request.client is not None and request.client.host in LOOPBACK


@router.get("/metrics")
async def metrics(request: Request, services: ServicesDep) -> Response:
    if not _allowed(request, services.settings.metrics_token):
        raise HTTPException(status_code=401, detail="unauthorized")
    await services.refresh_health()
    return Response(generate_latest(services.metrics.registry), media_type=CONTENT_TYPE_LATEST)

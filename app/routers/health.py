"""Liveness and readiness, as load balancers and the run command use them."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from app.dependencies import ServicesDep

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


class Readiness(BaseModel):
    status: Literal["ready", "degraded", "starting"]
    ready: bool
    checks: dict[str, bool]


@router.get(
    "/readyz",
    response_model=Readiness,
    responses={503: {"model": Readiness, "description": "starting: the index is not loaded"}},
)
async def readyz(services: ServicesDep) -> JSONResponse:
    """200 while the app answers: `ready`, or `degraded` (Rasa down or restarting: safety
    rules and FAQ answers from the app's own index, flows briefly unavailable); 503 while it
    starts."""
    health = await services.refresh_health()
    body = Readiness(
        status=health.status,
        ready=health.status == "ready",
        checks={"rasa": health.rasa, "knowledge_index": health.knowledge_index},
    )
    return JSONResponse(body.model_dump(), status_code=503 if body.status == "starting" else 200)

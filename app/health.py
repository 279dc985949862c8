"""Liveness and readiness, as load balancers and the run command use them."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from app.dependencies import StateDep

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz")
async def readyz(state: StateDep) -> JSONResponse:
    checks = {
        "rasa": await state.rasa.is_ready(),
        "knowledge_index": (not state.settings.load_knowledge_index)
        or (state.knowledge is not None and state.knowledge.service is not None),
    }
    ready = all(checks.values())
    return JSONResponse({"ready": ready, "checks": checks}, status_code=200 if ready else 503)

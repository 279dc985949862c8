"""Rasa's custom-action endpoint, served by the app itself.

Serving actions in the app process (instead of a separate `rasa run actions` server) lets
them share the loaded knowledge index and embedding model: one copy in memory, no second
start-up. The wire format is rasa-sdk's; its own ActionExecutor (built by the composition
root with the actions bound to the runtime) runs them.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from rasa_sdk.interfaces import ActionExecutionRejection, ActionNotFoundException

from app.dependencies import ServicesDep

router = APIRouter(tags=["rasa-actions"])
logger = logging.getLogger(__name__)


@router.post("/webhook")
async def run_action(request: Request, services: ServicesDep) -> JSONResponse:
    try:
        action_call: dict[str, Any] = await request.json()
    except ValueError:
        return JSONResponse({"error": "Invalid body request"}, status_code=400)
    try:
        result = await services.actions.run(action_call)
    except ActionExecutionRejection as error:
        return JSONResponse(
            {"error": error.message, "action_name": error.action_name}, status_code=400
        )
    except ActionNotFoundException as error:
        logger.error(error)
        return JSONResponse(
            {"error": error.message, "action_name": error.action_name}, status_code=404
        )
    return JSONResponse(result.model_dump() if result else None)


@router.get("/actions")
async def list_actions(services: ServicesDep) -> list[dict[str, Any]]:
    return [item.model_dump() for item in services.actions.list_actions()]

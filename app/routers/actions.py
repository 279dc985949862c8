"""Rasa's custom-action endpoint, served by the app itself.

Serving actions in the app process (instead of a separate `rasa run actions` server) lets
them share the loaded knowledge index and embedding model: one copy in memory, no second
start-up. The wire format is rasa-sdk's; its own ActionExecutor (built by the composition
root with the actions bound to the runtime) runs them.
"""

from __future__ import annotations

import hmac
import logging
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import JSONResponse
from rasa_sdk.interfaces import ActionExecutionRejection, ActionNotFoundException

from app.dependencies import ServicesDep

logger = logging.getLogger(__name__)


def rasa_only(services: ServicesDep, token: Annotated[str, Query()] = "") -> None:
    """Only Rasa knows the shared token (ACTION_TOKEN): anyone else running the bot's
    actions could make it say anything with a tracker of their own."""
    expected = services.settings.action_token
    if not expected or not hmac.compare_digest(token.encode(), expected.encode()):
        raise HTTPException(status_code=401, detail="unauthorized")


# Internal: Rasa's calls only, so not part of the public API document.
router = APIRouter(
    tags=["rasa-actions"], include_in_schema=False, dependencies=[Depends(rasa_only)]
)


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

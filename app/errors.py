"""The one shape of every error the app answers with, and how routes document it.

Clients (the web chat, the kiosk, monitoring, whoever reads the OpenAPI document) get one
shape for every 4xx and 5xx: `error` says what went wrong, and a rejected request also lists
the fields in `detail`. FastAPI's own 422 body is replaced because it echoes the input back
(`input`, `ctx`), and the input may be a resident's personal data.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException


class FieldProblem(BaseModel):
    """Where a request is wrong (`["body", "text"]`, `["query", "url"]`) and why."""

    loc: list[str | int]
    msg: str


class ErrorResponse(BaseModel):
    """What every error of the app looks like: `error` for people, `detail` for a 422."""

    error: str
    # only on 422: the fields that were wrong
    detail: list[FieldProblem] = Field(default_factory=list)


# the 413 of app/body_limit.py, which any route that takes a body can answer with
BODY_TOO_LARGE = "The body is over the app's size limit (256 KiB)."


def error_body(error: str, detail: Sequence[FieldProblem] = ()) -> dict[str, Any]:
    """The JSON of an error, without an empty `detail`."""
    return ErrorResponse(error=error, detail=list(detail)).model_dump(exclude_defaults=True)


def error_response(
    status_code: int, error: str, *, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(error_body(error), status_code=status_code, headers=headers)


def error_responses(descriptions: Mapping[int, str]) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a route: each status it can answer with an error, and when."""
    return {
        status: {"model": ErrorResponse, "description": description}
        for status, description in descriptions.items()
    }


async def _invalid_request(request: Request, error: RequestValidationError) -> JSONResponse:
    problems = [
        FieldProblem(loc=list(e.get("loc", [])), msg=str(e.get("msg", ""))) for e in error.errors()
    ]
    return JSONResponse(error_body("invalid request", problems), status_code=422)


async def _http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
    return error_response(error.status_code, str(error.detail), headers=error.headers)


async def _unexpected_error(request: Request, error: Exception) -> JSONResponse:
    # Starlette still re-raises the exception after this response, so it is logged as before.
    return error_response(500, "internal error")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected_error)

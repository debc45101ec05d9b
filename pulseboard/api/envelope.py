"""The Prometheus HTTP API envelope: {"status": "success", "data": ...} or an error with a type."""

from __future__ import annotations

from typing import Any, TypeVar

import orjson
from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response

T = TypeVar("T")


class PromJSONResponse(Response):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        # numpy arrays (panel data frames) are written directly; their NaN and infinities as null.
        return orjson.dumps(content, option=orjson.OPT_SERIALIZE_NUMPY)


class APIError(Exception):
    """An error answered in the Prometheus envelope (errorType as Prometheus names them)."""

    def __init__(
        self,
        status_code: int,
        error_type: str,
        message: str,
        problems: list[dict[str, str]] | None = None,
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.error_type = error_type
        self.message = message
        self.problems = problems  # per field path, for documents (dashboards) that fail checks


def bad_data(message: str) -> APIError:
    return APIError(400, "bad_data", message)


def truncated(items: list[T], most: int | None) -> tuple[list[T], list[str]]:
    """The first `most` items, and Prometheus' warning when that dropped some."""
    if most is None or len(items) <= most:
        return items, []
    return items[:most], ["results truncated due to limit"]


def success(data: Any, warnings: list[str] | None = None) -> PromJSONResponse:
    body: dict[str, Any] = {"status": "success", "data": data}
    if warnings:
        body["warnings"] = warnings
    return PromJSONResponse(body)


def error_response(
    status_code: int,
    error_type: str,
    message: str,
    problems: list[dict[str, str]] | None = None,
) -> PromJSONResponse:
    body: dict[str, Any] = {"status": "error", "errorType": error_type, "error": message}
    if problems:
        body["problems"] = problems
    return PromJSONResponse(body, status_code=status_code)


async def api_error_handler(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, APIError)
    return error_response(exc.status_code, exc.error_type, exc.message, exc.problems)


async def validation_error_handler(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    problems = "; ".join(
        f"{'.'.join(str(p) for p in error['loc'])}: {error['msg']}" for error in exc.errors()
    )
    return error_response(422, "bad_data", problems)

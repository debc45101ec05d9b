"""JSON documents over the REST API: bodies read under a size limit, store work in a worker
thread, and domain errors answered with the right status."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import orjson
from anyio import to_thread
from fastapi import Request

from pulseboard.api.body import read_limited
from pulseboard.api.envelope import APIError
from pulseboard.dashboards.grafana import GrafanaImportError
from pulseboard.dashboards.service import InvalidDashboardError, ProvisionedDashboardError
from pulseboard.dashboards.timerange import TimeExpressionError
from pulseboard.dashboards.variables import VariableError
from pulseboard.ingest.errors import PayloadTooLargeError
from pulseboard.meta import (
    DashboardExistsError,
    InvalidInputError,
    MetaError,
    VersionConflictError,
)

# Dashboards are documents of kilobytes; Grafana's largest real ones are a few megabytes.
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
T = TypeVar("T")


@contextmanager
def answered_errors() -> Iterator[None]:
    """Domain errors as HTTP answers with the right status."""
    try:
        yield
    except InvalidDashboardError as exc:
        raise APIError(422, "invalid_dashboard", str(exc), exc.problems) from None
    except GrafanaImportError as exc:
        raise APIError(422, "invalid_dashboard", str(exc), exc.problems or None) from None
    except ProvisionedDashboardError as exc:
        raise APIError(403, "provisioned", str(exc)) from None
    except (DashboardExistsError, VersionConflictError) as exc:
        raise APIError(409, "conflict", str(exc)) from None
    except LookupError as exc:  # every not-found error of the stores
        raise APIError(404, "not_found", str(exc.args[0]) if exc.args else "not found") from None
    except (InvalidInputError, VariableError, TimeExpressionError) as exc:
        raise APIError(400, "bad_data", str(exc)) from None
    except MetaError as exc:
        raise APIError(503, "unavailable", str(exc)) from None


async def call(work: Callable[[], T]) -> T:
    """Store work (blocking database calls) in a worker thread, its errors answered."""
    with answered_errors():
        return await to_thread.run_sync(work)


async def json_body(request: Request, *, optional: bool = False) -> Any:
    """The body as JSON; an empty body is {} when `optional`, else a 400."""
    try:
        body = await read_limited(request, MAX_DOCUMENT_BYTES)
    except PayloadTooLargeError:
        raise APIError(
            413, "too_large", f"a document may be at most {MAX_DOCUMENT_BYTES} bytes"
        ) from None
    if not body.strip():
        if optional:
            return {}
        raise APIError(400, "bad_data", "empty request body: send a JSON document")
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise APIError(400, "bad_data", f"the body is not JSON: {exc}") from None

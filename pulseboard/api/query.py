"""Prometheus query API: /api/v1/query, /api/v1/query_range, /api/v1/format_query, and the
structured JSON query at /api/v1/metrics/query. Result encoding is in prom_encoding.py."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TypeVar

import anyio
import orjson
from anyio import to_thread
from fastapi import APIRouter, Request, Response

from pulseboard.api.envelope import APIError, bad_data
from pulseboard.api.params import (
    limit,
    param,
    params,
    parse_duration_ns,
    parse_required_time,
    parse_time,
)
from pulseboard.api.prom_encoding import encode_result
from pulseboard.model.labels import METRIC_NAME
from pulseboard.model.matchers import Matcher, MatchType
from pulseboard.promql.api import (
    Matrix,
    PromQLError,
    QueryParseError,
)
from pulseboard.promql.engine import format_query as prettify
from pulseboard.promql.structured import StructuredQuery, compile_query
from pulseboard.server import Pulseboard, scope_of
from pulseboard.storage.protocol import Scope

router = APIRouter()
log = logging.getLogger(__name__)

T = TypeVar("T")

# How long past its timeout the API waits for the engine to notice its deadline before it answers
# 503 itself and abandons the worker thread (the engine still stops at its next deadline check).
TIMEOUT_GRACE_S = 1.0
TIMEOUT_MESSAGE = "query timed out in query execution"

# ------------------------------------------------------------------------------------- running


def _api_error(exc: PromQLError) -> APIError:
    message = str(exc)
    # Prometheus reports parse errors as a bad "query" parameter.
    if isinstance(exc, QueryParseError) and not message.startswith("invalid parameter"):
        message = f'invalid parameter "query": {message}'
    return APIError(exc.status_code, exc.error_type, message)


async def _run(work: Callable[[], T], timeout_s: float) -> T:
    """Run engine work in a worker thread, so the event loop keeps serving other requests, and
    answer 503 if it overruns its deadline even when the engine does not stop in time."""

    def guarded() -> T:
        try:
            return work()
        except PromQLError as exc:
            raise _api_error(exc) from exc
        except APIError:
            raise
        except Exception as exc:
            # An engine bug: still answered in the Prometheus envelope, as Prometheus answers
            # its internal errors, so clients show a message instead of failing to parse.
            log.exception("query failed unexpectedly")
            raise APIError(500, "internal", f"{type(exc).__name__}: {exc}") from exc

    with anyio.move_on_after(timeout_s + TIMEOUT_GRACE_S):
        return await to_thread.run_sync(guarded, abandon_on_cancel=True)
    raise APIError(503, "timeout", TIMEOUT_MESSAGE)


def _query_text(values: dict[str, list[str]]) -> str:
    text = param(values, "query") or ""
    if not text.strip():
        raise bad_data('invalid parameter "query": 1:1: parse error: no expression found in input')
    return text


def _timeout_s(app: Pulseboard, values: dict[str, list[str]]) -> float:
    """The request's `timeout`, never longer than the configured one (as in Prometheus, where
    the engine's own timeout also applies)."""
    configured = app.settings.query.timeout.total_seconds()
    text = param(values, "timeout")
    if not text:
        return configured
    return min(configured, parse_duration_ns(text, "timeout") / 1e9)


def _now_ms() -> int:
    return round(time.time() * 1000)


def _json(body: bytes, status_code: int = 200) -> Response:
    return Response(body, status_code=status_code, media_type="application/json")


@router.api_route("/api/v1/query", methods=["GET", "POST"], summary="PromQL instant query")
async def query(request: Request) -> Response:
    app: Pulseboard = request.app.state.pulseboard
    values = await params(request)
    time_ms = parse_time(param(values, "time"), "time", _now_ms())
    timeout_s = _timeout_s(app, values)
    most = limit(values)
    text = _query_text(values)
    scope = scope_of(request)
    if timeout_s <= 0:
        raise APIError(503, "timeout", TIMEOUT_MESSAGE)

    def work() -> bytes:
        return encode_result(app.engine.instant(text, time_ms, scope, timeout_s), most)

    return _json(await _run(work, timeout_s))


@router.api_route("/api/v1/query_range", methods=["GET", "POST"], summary="PromQL range query")
async def query_range(request: Request) -> Response:
    app: Pulseboard = request.app.state.pulseboard
    values = await params(request)
    # Checked in Prometheus' order, so the first problem reported is the one Prometheus reports.
    start_ms = parse_required_time(param(values, "start"), "start")
    end_ms = parse_required_time(param(values, "end"), "end")
    if end_ms < start_ms:
        raise bad_data('invalid parameter "end": end timestamp must not be before start time')
    step_ns = parse_duration_ns(param(values, "step"), "step")
    # The engine steps in whole milliseconds; a step below 1ms would be a step of 0.
    if step_ns < 1_000_000:
        raise bad_data(
            'invalid parameter "step": zero or negative query resolution step widths are not '
            "accepted. Try a positive integer"
        )
    most_points = app.settings.query.max_points_per_series
    if (end_ms - start_ms) * 1_000_000 // step_ns > most_points:
        raise bad_data(
            f"exceeded maximum resolution of {most_points:,} points per timeseries. "
            "Try decreasing the query resolution (?step=XX)"
        )
    timeout_s = _timeout_s(app, values)
    most = limit(values)
    text = _query_text(values)
    scope = scope_of(request)
    step_ms = step_ns // 1_000_000
    if timeout_s <= 0:
        raise APIError(503, "timeout", TIMEOUT_MESSAGE)

    def work() -> bytes:
        result = app.engine.range(text, start_ms, end_ms, step_ms, scope, timeout_s)
        return encode_result(result, most)

    return _json(await _run(work, timeout_s))


@router.api_route("/api/v1/format_query", methods=["GET", "POST"], summary="Pretty-print PromQL")
async def format_query(request: Request) -> Response:
    values = await params(request)
    text = _query_text(values)
    try:
        formatted = prettify(text)
    except PromQLError as exc:
        raise _api_error(exc) from exc
    return _json(orjson.dumps({"status": "success", "data": formatted}))


# ---------------------------------------------------------------------------- structured query


@router.post("/api/v1/metrics/query", summary="Structured query (compiled to PromQL)")
async def structured_query(body: StructuredQuery, request: Request) -> Response:
    app: Pulseboard = request.app.state.pulseboard
    start_ms, end_ms = body.time_range.start, body.time_range.end
    step_ms = body.step_ms()
    most_points = app.settings.query.max_points_per_series
    if (end_ms - start_ms) // step_ms > most_points:
        raise APIError(
            422,
            "bad_data",
            f"body.step: {(end_ms - start_ms) // step_ms:,} points per series is more than "
            f"{most_points:,}; use a larger step or a shorter time_range",
        )
    scope = scope_of(request)
    timeout_s = app.settings.query.timeout.total_seconds()

    def work() -> bytes:
        histogram = body.aggregation.startswith("p") and _is_histogram(
            app, body.metric, start_ms, end_ms, scope
        )
        promql = compile_query(body, histogram=histogram)
        result = app.engine.range(promql, start_ms, end_ms, step_ms, scope, timeout_s)
        assert isinstance(result.value, Matrix)
        return orjson.dumps(
            {
                "query": promql,
                "series": [
                    {
                        "tags": {k: v for k, v in s.labels if k != METRIC_NAME},
                        # orjson writes NaN and infinities as null, which JSON clients can read.
                        "points": [
                            {"timestamp": t / 1000, "value": v}
                            for t, v in zip(s.timestamps.tolist(), s.values.tolist(), strict=True)
                        ],
                    }
                    for s in result.value.series
                ],
                **({"warnings": result.warnings} if result.warnings else {}),
            }
        )

    return _json(await _run(work, timeout_s))


def _is_histogram(app: Pulseboard, metric: str, start_ms: int, end_ms: int, scope: Scope) -> bool:
    """Whether percentiles of `metric` come from classic histogram buckets."""
    if metric.endswith("_bucket"):
        return True
    known = app.storage.metadata().get(metric)
    if known is not None:
        return known.type == "histogram"
    buckets = [Matcher.create(METRIC_NAME, MatchType.EQUAL, f"{metric}_bucket")]
    return bool(app.storage.series([buckets], start_ms, end_ms, scope))

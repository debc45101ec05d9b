"""Prometheus query API: /api/v1/query, /api/v1/query_range, /api/v1/format_query, and the
structured JSON query at /api/v1/metrics/query.

Responses are written as JSON text directly rather than built as Python dicts and encoded: for a
range query, building the dict-and-list structure costs far more than encoding it, so each
series' points become one string made by C-level joins over per-value texts.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from decimal import Decimal
from typing import TypeVar

import anyio
import numpy as np
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
from pulseboard.model.labels import METRIC_NAME
from pulseboard.model.matchers import Matcher, MatchType
from pulseboard.model.samples import Float64Array, Int64Array
from pulseboard.promql.api import (
    InstantSample,
    Matrix,
    PromQLError,
    QueryParseError,
    QueryResult,
    RangeSeries,
    Scalar,
    String,
    Vector,
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

# ----------------------------------------------------------------------------------- encoding

_NON_FINITE = {"nan": "NaN", "inf": "+Inf", "-inf": "-Inf"}
_NUMPY = orjson.OPT_SERIALIZE_NUMPY


def format_value(value: float) -> str:
    """A sample value as Prometheus writes it: Go's strconv.FormatFloat(v, 'f', -1, 64), the
    shortest digits that round-trip, never an exponent."""
    text = repr(value)
    if text in _NON_FINITE:
        return _NON_FINITE[text]
    if text.endswith(".0"):
        return text[:-2]
    if "e" in text:
        return format(Decimal(text), "f")
    return text


def format_timestamp(milliseconds: int) -> str:
    """Seconds with the milliseconds as Prometheus writes them: 1700000000, 1700000000.500."""
    sign = "-" if milliseconds < 0 else ""
    seconds, fraction = divmod(abs(milliseconds), 1000)
    return f"{sign}{seconds}.{fraction:03d}" if fraction else f"{sign}{seconds}"


class _PointOpenings(dict[int, str]):
    """`"],[<timestamp>,"` per millisecond timestamp, made once per response, and the list of
    them per timestamp array: the series of a range query mostly share their timestamps."""

    def __init__(self) -> None:
        super().__init__()
        self._lists: dict[bytes, list[str]] = {}

    def __missing__(self, milliseconds: int) -> str:
        text = self[milliseconds] = f'"],[{format_timestamp(milliseconds)},"'
        return text

    def first(self, milliseconds: int) -> str:
        """`[<timestamp>,"`: the opening of a point with no point before it."""
        return self[milliseconds][3:]

    def of(self, timestamps: Int64Array) -> list[str]:
        key = timestamps.tobytes()
        found = self._lists.get(key)
        if found is None:
            found = self._lists[key] = list(map(self.__getitem__, timestamps.tolist()))
        return found


def _value_texts(values: Float64Array) -> list[str]:
    """Each value as format_value writes it, for a whole array at once.

    The digits come from orjson (Ryu): Python's repr needs ~0.7 us for a full-precision float,
    which made it most of a range query's encoding time. Both give the shortest digits that
    round-trip; only the spelling of integral values, exponents (below 1e-5, from 1e16) and
    non-finite values (which orjson writes as null) differs, and those are mended here.
    """
    if len(values) == 0:
        return []
    text = orjson.dumps(np.ascontiguousarray(values, np.float64), option=_NUMPY).decode()
    texts = (text[1:-1] + ",").replace(".0,", ",").split(",")
    texts.pop()
    if "e" in text or "l" in text:  # rare: exponents and nulls, written one by one
        for i, item in enumerate(texts):
            if "e" in item or "l" in item:
                texts[i] = format_value(float(values[i]))
    return texts


def _points(timestamps: Int64Array, texts: list[str], openings: _PointOpenings) -> str:
    """`[t,"v"],[t,"v"],...` for one series: openings and value texts interleaved by slice
    assignment, then one join, so no string is made per point."""
    if len(timestamps) == 0:
        return ""
    parts = [""] * (2 * len(timestamps))
    parts[0::2] = openings.of(timestamps)
    parts[1::2] = texts
    parts[0] = parts[0][3:]  # the first point has no predecessor to close
    parts.append('"]')
    return "".join(parts)


def _metric(labels: tuple[tuple[str, str], ...]) -> str:
    return orjson.dumps(dict(labels)).decode()


def _matrix(series: list[RangeSeries], openings: _PointOpenings) -> str:
    # The values of all series are formatted in one go: per-call overhead would otherwise be
    # paid once per series.
    texts = _value_texts(np.concatenate([s.values for s in series])) if series else []
    items = []
    at = 0
    for s in series:
        end = at + len(s.timestamps)
        points = _points(s.timestamps, texts[at:end], openings)
        items.append(f'{{"metric":{_metric(s.labels)},"values":[{points}]}}')
        at = end
    return "[" + ",".join(items) + "]"


def _vector(samples: list[InstantSample], openings: _PointOpenings) -> str:
    texts = _value_texts(np.fromiter((s.value for s in samples), np.float64, len(samples)))
    items = [
        f'{{"metric":{_metric(s.labels)},"value":{openings.first(s.timestamp_ms)}{v}"]}}'
        for s, v in zip(samples, texts, strict=True)
    ]
    return "[" + ",".join(items) + "]"


def encode_result(result: QueryResult, most: int | None = None) -> bytes:
    """The whole success envelope, byte for byte as Prometheus writes it."""
    value = result.value
    warnings = list(result.warnings)
    openings = _PointOpenings()
    if isinstance(value, Matrix):
        series = value.series
        if most is not None and len(series) > most:
            series, warnings = series[:most], [*warnings, "results truncated due to limit"]
        kind = "matrix"
        body = _matrix(series, openings)
    elif isinstance(value, Vector):
        samples = value.samples
        if most is not None and len(samples) > most:
            samples, warnings = samples[:most], [*warnings, "results truncated due to limit"]
        kind = "vector"
        body = _vector(samples, openings)
    elif isinstance(value, Scalar):
        kind = "scalar"
        body = f'[{format_timestamp(value.timestamp_ms)},"{format_value(value.value)}"]'
    elif isinstance(value, String):
        kind = "string"
        body = f"[{format_timestamp(value.timestamp_ms)},{orjson.dumps(value.value).decode()}]"
    else:  # pragma: no cover - the engine's Value union is closed
        raise TypeError(f"unexpected query result {type(value).__name__}")
    text = f'{{"status":"success","data":{{"resultType":"{kind}","result":{body}}}'
    if warnings:
        text += f',"warnings":{orjson.dumps(warnings).decode()}'
    return (text + "}").encode()


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

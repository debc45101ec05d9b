"""The query engine: parse (cached), evaluate over the step grid, shape the result."""

from __future__ import annotations

import time

import numpy as np

from pulseboard.memory import RELEASER
from pulseboard.model.samples import Int64Array
from pulseboard.promql.api import (
    InstantSample,
    Matrix,
    QueryExecutionError,
    QueryParseError,
    QueryResult,
    RangeSeries,
    Scalar,
    SharedSubexpressions,
    String,
    Vector,
)
from pulseboard.promql.binary import merge_duplicates
from pulseboard.promql.context import EvalContext
from pulseboard.promql.evaluator import Evaluator
from pulseboard.promql.parse import format_query, parse
from pulseboard.promql.values import (
    RangeData,
    ScalarSteps,
    Steps,
    StringValue,
    Value,
    apply_drops,
)
from pulseboard.storage.protocol import UNRESTRICTED, Scope, Storage

__all__ = ["Engine", "format_query"]


class Engine:
    """Implements pulseboard.promql.api.QueryEngine."""

    def __init__(
        self,
        storage: Storage,
        *,
        lookback_ms: int = 300_000,
        max_samples: int = 50_000_000,
        default_timeout_s: float = 120.0,
        default_subquery_step_ms: int = 60_000,
        batch_samples: int = 1_000_000,
    ) -> None:
        self._storage = storage
        self._lookback_ms = lookback_ms
        self._max_samples = max_samples
        self._default_timeout_s = default_timeout_s
        # A subquery without a step (`x[5m:]`) uses Prometheus' default evaluation interval.
        self._subquery_step_ms = default_subquery_step_ms
        # Selectors stream their series in groups of about this many samples (memory bound).
        self._batch_samples = batch_samples

    def instant(
        self, query: str, time_ms: int, scope: Scope = UNRESTRICTED, timeout_s: float | None = None
    ) -> QueryResult:
        ctx = self._context(query, scope, time_ms, time_ms, 0, timeout_s)
        value = self._evaluate(ctx, np.array([time_ms], np.int64))
        return QueryResult(_instant_result(value, time_ms), list(ctx.warnings))

    def range(
        self,
        query: str,
        start_ms: int,
        end_ms: int,
        step_ms: int,
        scope: Scope = UNRESTRICTED,
        timeout_s: float | None = None,
        shared: SharedSubexpressions | None = None,
    ) -> QueryResult:
        if step_ms <= 0:
            raise QueryParseError(
                "zero or negative query resolution step widths are not accepted. "
                "Try a positive integer"
            )
        if end_ms < start_ms:
            raise QueryParseError("end timestamp must not be before start time")
        ctx = self._context(query, scope, start_ms, end_ms, step_ms, timeout_s, shared)
        ts = np.arange(start_ms, end_ms + 1, step_ms, dtype=np.int64)
        value = self._evaluate(ctx, ts)
        return QueryResult(_range_result(value, ts), list(ctx.warnings))

    def _evaluate(self, ctx: EvalContext, ts: Int64Array) -> Value:
        value = Evaluator(ctx).eval(parse(ctx.query), ts)
        RELEASER.note(ctx.loaded_samples)
        return value

    def _context(
        self,
        query: str,
        scope: Scope,
        start_ms: int,
        end_ms: int,
        step_ms: int,
        timeout_s: float | None,
        shared: SharedSubexpressions | None = None,
    ) -> EvalContext:
        timeout = self._default_timeout_s if timeout_s is None else timeout_s
        return EvalContext(
            storage=self._storage,
            scope=scope,
            start_ms=start_ms,
            end_ms=end_ms,
            step_ms=step_ms,
            lookback_ms=self._lookback_ms,
            max_samples=self._max_samples,
            deadline=time.monotonic() + timeout,
            default_subquery_step_ms=self._subquery_step_ms,
            batch_samples=self._batch_samples,
            query=query,
            shared=shared,
        )


def _instant_result(value: Value, time_ms: int) -> Scalar | String | Vector | Matrix:
    if isinstance(value, ScalarSteps):
        return Scalar(time_ms, float(value.values[0]))
    if isinstance(value, StringValue):
        return String(time_ms, value.value)
    if isinstance(value, Steps):
        value = _finalize(value)
        return Vector(
            [
                InstantSample(value.labels[row], time_ms, float(value.values[row, 0]))
                for row in range(len(value))
                if value.present[row, 0]
            ]
        )
    return _range_data_matrix(value)


def _range_data_matrix(data: RangeData) -> Matrix:
    series = []
    for row, labels in enumerate(data.labels):
        lo, hi = int(data.lo[row, 0]), int(data.hi[row, 0])
        if hi > lo:
            series.append(
                RangeSeries(labels, data.timestamps[lo:hi].copy(), data.values[lo:hi].copy())
            )
    series.sort(key=lambda item: item.labels)
    return Matrix(series)


def _range_result(value: Value, ts: Int64Array) -> Matrix:
    if isinstance(value, ScalarSteps):
        return Matrix([RangeSeries((), ts.copy(), value.values.astype(np.float64))])
    if isinstance(value, Steps):
        value = _finalize(value)
        rows, columns = np.nonzero(value.present)
        counts = np.bincount(rows, minlength=len(value))
        cuts = np.cumsum(counts)[:-1]
        times = np.split(ts[columns], cuts)
        values = np.split(value.values[rows, columns], cuts)
        order = sorted(range(len(value)), key=value.labels.__getitem__)
        return Matrix(
            [RangeSeries(value.labels[i], times[i], values[i]) for i in order if counts[i]]
        )
    kind = "string" if isinstance(value, StringValue) else "range vector"
    raise QueryExecutionError(
        f'invalid expression type "{kind}" for range query, must be Scalar or instant Vector'
    )


def _finalize(vector: Steps) -> Steps:
    """Drop the metric names marked for dropping; series that then collide are an error."""
    if vector.drop is None or not vector.drop.any():
        return vector
    return merge_duplicates(apply_drops(vector))

"""The query engine's public surface: what the HTTP API, dashboards, rules and reports call.

Everything else in this package is private to the engine.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Protocol, TypeVar, cast

from pulseboard.model.labels import Labels
from pulseboard.model.samples import Float64Array, Int64Array
from pulseboard.promql.shared_reads import SharedReads
from pulseboard.storage.protocol import UNRESTRICTED, Scope


class PromQLError(Exception):
    """Base of the errors a query can cause; `error_type` is Prometheus' errorType."""

    error_type = "execution"
    status_code = 422


class QueryParseError(PromQLError):
    """The query text is not valid PromQL (or uses an unsupported feature at parse time)."""

    error_type = "bad_data"
    status_code = 400


class QueryExecutionError(PromQLError):
    """Valid PromQL that fails while running (e.g. many-to-many matching, duplicate series)."""


class QueryTimeoutError(PromQLError):
    error_type = "timeout"
    status_code = 503


class TooManySamplesError(QueryExecutionError):
    """Prometheus: 'query processing would load too many samples into memory in query execution'."""


@dataclass(frozen=True)
class Scalar:
    timestamp_ms: int
    value: float


@dataclass(frozen=True)
class String:
    timestamp_ms: int
    value: str


@dataclass(frozen=True)
class InstantSample:
    labels: Labels
    timestamp_ms: int
    value: float


@dataclass
class Vector:
    """An instant query's vector result, in the order Prometheus would return it."""

    samples: list[InstantSample]


@dataclass(frozen=True)
class RangeSeries:
    labels: Labels
    timestamps: Int64Array  # milliseconds, ascending
    values: Float64Array


@dataclass
class Matrix:
    """A range query's result (or an instant query of a range selector): series sorted by labels."""

    series: list[RangeSeries]


Value = Scalar | String | Vector | Matrix


@dataclass
class QueryResult:
    value: Value
    warnings: list[str] = field(default_factory=list)


T = TypeVar("T")


class SharedSubexpressions:
    """Results of subexpressions, shared by a batch of range queries over one grid.

    A dashboard's panels repeat work: `rate(http_request_duration_seconds_bucket[5m])` under
    three percentiles, `sum(rate(http_requests_total[5m]))` under every error ratio. Queries
    given the same instance evaluate such a subexpression once, and read a selector once for
    every step grid. Create one per batch (one caller, one time range); the engine keys entries
    by expression text, step grid and scope.
    """

    def __init__(self) -> None:
        self.reads = SharedReads()
        self._values: dict[Hashable, object] = {}
        self._running: dict[Hashable, threading.Event] = {}
        self._lock = threading.Lock()

    def evaluate(self, key: Hashable, work: Callable[[], tuple[T, bool]]) -> T:
        """The shared value of `key`, computed by `work` (value, shareable) if nobody has; a
        query asking while another computes it waits for that (queries run concurrently)."""
        with self._lock:
            running = self._running.get(key)
            leading = running is None and key not in self._values
            if leading:
                started = self._running[key] = threading.Event()
        if not leading:
            if running is not None:
                running.wait()
            with self._lock:
                if key in self._values:
                    return cast(T, self._values[key])
            return work()[0]  # the first one failed, or made an unshareable value
        try:
            value, shareable = work()
            if shareable:
                with self._lock:
                    self._values[key] = value
            return value
        finally:
            with self._lock:
                del self._running[key]
            started.set()

    def __len__(self) -> int:
        return len(self._values)


class QueryEngine(Protocol):
    def instant(
        self, query: str, time_ms: int, scope: Scope = UNRESTRICTED, timeout_s: float | None = None
    ) -> QueryResult:
        """Evaluate at one instant. Raises PromQLError subclasses."""
        ...

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
        """Evaluate at start, start+step, ... <= end; the value is always a Matrix."""
        ...

"""What every evaluation step needs to know about the query it belongs to."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

from pulseboard.model.samples import Float64Array
from pulseboard.promql.api import (
    QueryTimeoutError,
    SharedSubexpressions,
    TooManySamplesError,
)
from pulseboard.promql.shared_reads import SharedReads
from pulseboard.storage.protocol import Scope, Storage


@dataclass
class EvalContext:
    storage: Storage
    scope: Scope
    start_ms: int  # the query's own start/end: what `@ start()` / `@ end()` mean
    end_ms: int
    step_ms: int
    lookback_ms: int
    max_samples: int
    deadline: float  # time.monotonic() value
    default_subquery_step_ms: int = 60_000
    batch_samples: int = 1_000_000  # what a selector reads per group of series
    query: str = ""
    loaded_samples: int = 0
    warnings: list[str] = field(default_factory=list)
    shared: SharedSubexpressions | None = None  # across a batch of queries (a dashboard)
    # Selector reads kept for reuse: the batch's when the query is part of one, else its own.
    selected: SharedReads = field(init=False)

    def __post_init__(self) -> None:
        self.selected = SharedReads() if self.shared is None else self.shared.reads

    def check_deadline(self) -> None:
        if time.monotonic() > self.deadline:
            raise QueryTimeoutError("query timed out in expression evaluation")

    def warn(self, message: str, token: str, *, after: str = "", info: bool = False) -> None:
        """Record an annotation, positioned like Prometheus' (line:column of `token`)."""
        start = max(self.query.find(after), 0) if after else 0
        index = self.query.find(token, start)
        column = index + 1 if index >= 0 else 1
        kind = "info" if info else "warning"
        text = f"PromQL {kind}: {message} (1:{column})"
        if text not in self.warnings:
            self.warnings.append(text)

    def check_quantile(self, q: Float64Array, token: str) -> None:
        bad = q[~((q >= 0) & (q <= 1))]
        if len(bad):
            self.warn(f"quantile value should be between 0 and 1, got {go_g(float(bad[0]))}", token)

    @property
    def is_range(self) -> bool:
        return self.step_ms > 0

    def account(self, samples: int) -> None:
        self.loaded_samples += samples
        if self.loaded_samples > self.max_samples:
            raise _too_many()

    def check_grid(self, series: int, steps: int) -> None:
        """A series x steps matrix is as many samples held at once (Prometheus counts those)."""
        if series * steps > self.max_samples:
            raise _too_many()


def go_g(value: float) -> str:
    """Go's %g for the values annotations print."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    return f"{value:g}" if value != int(value) or abs(value) >= 1e21 else str(int(value))


def _too_many() -> TooManySamplesError:
    return TooManySamplesError(
        "query processing would load too many samples into memory in query execution"
    )

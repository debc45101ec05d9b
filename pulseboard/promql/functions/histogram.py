"""histogram_quantile over classic `le` buckets, vectorised over steps within each histogram."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from pulseboard.model.labels import Labels
from pulseboard.model.samples import Float64Array
from pulseboard.promql.values import ScalarSteps, Steps, drop_name

_SMALL_DELTA = 1e-12
_MIN_NORMAL = sys.float_info.min


def _parse_le(value: str) -> float | None:
    try:
        return float(value)
    except ValueError:
        return None


def _almost_equal(a: Float64Array, b: Float64Array) -> npt.NDArray[np.bool_]:
    with np.errstate(invalid="ignore", over="ignore"):
        abs_sum = np.abs(a) + np.abs(b)
        diff = np.abs(a - b)
        tiny = (a == 0) | (b == 0) | (abs_sum < _MIN_NORMAL)
        relative = diff / np.minimum(abs_sum, sys.float_info.max) < _SMALL_DELTA
        close = np.where(tiny, diff < _SMALL_DELTA * _MIN_NORMAL, relative)
        return np.asarray((a == b) | close, dtype=np.bool_)


def _forced_monotonic(counts: Float64Array) -> bool:
    """Whether Prometheus had to raise a bucket to its predecessor's count (beyond noise)."""
    previous = counts[0]
    for current in counts[1:]:
        lower = (current < previous) & ~_almost_equal(previous, current)
        if lower.any():
            return True
        previous = np.maximum(previous, current)
    return False


def _bucket_quantile(q: Float64Array, bounds: Float64Array, counts: Float64Array) -> Float64Array:
    """Prometheus' BucketQuantile for sorted, coalesced buckets (rows) at many steps (columns)."""
    n_buckets = len(bounds)
    counts = counts.copy()
    result = np.full(counts.shape[1], np.nan)
    if n_buckets == 0 or not np.isinf(bounds[-1]) or bounds[-1] < 0:
        return np.where(q < 0, -np.inf, np.where(q > 1, np.inf, result))
    previous = counts[0].copy()
    for i in range(1, n_buckets):
        current = counts[i]
        close = _almost_equal(previous, current) & (current != previous)
        lower = (current < previous) & ~close
        counts[i] = np.where(close | lower, previous, current)
        previous = counts[i].copy()
    if n_buckets >= 2:
        observations = counts[-1]
        rank = q * observations
        below = counts[:-1] >= rank[None, :]
        b = np.where(below.any(axis=0), below.argmax(axis=0), n_buckets - 1)
        start = np.where(b > 0, bounds[np.maximum(b - 1, 0)], 0.0)
        end = bounds[b]
        columns = np.arange(counts.shape[1])
        count = counts[b, columns]
        prior = np.where(b > 0, counts[np.maximum(b - 1, 0), columns], 0.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            interpolated = start + (end - start) * ((rank - prior) / (count - prior))
        interpolated = np.where(b == n_buckets - 1, bounds[max(n_buckets - 2, 0)], interpolated)
        interpolated = np.where((b == 0) & (bounds[0] <= 0), bounds[0], interpolated)
        result = np.where(observations == 0, np.nan, interpolated)
    result = np.where(q < 0, -np.inf, np.where(q > 1, np.inf, result))
    return np.where(np.isnan(q), np.nan, result)


def _bucket_fraction(
    lower: Float64Array, upper: Float64Array, bounds: Float64Array, counts: Float64Array
) -> Float64Array:
    """Prometheus' BucketFraction for sorted, coalesced buckets, all steps at once."""
    steps = counts.shape[1]
    if len(bounds) == 0 or not np.isinf(bounds[-1]) or bounds[-1] < 0:
        return np.full(steps, np.nan)
    rank = np.zeros(steps)
    lower_rank = np.zeros(steps)
    upper_rank = np.zeros(steps)
    lower_set = np.zeros(steps, np.bool_)
    upper_set = np.zeros(steps, np.bool_)
    done = np.zeros(steps, np.bool_)
    # Buckets are taken as positive-only (first lower bound 0) unless the first is <= 0.
    low = 0.0 if bounds[0] > 0 else -np.inf
    with np.errstate(invalid="ignore", divide="ignore"):
        for i, high in enumerate(bounds.tolist()):
            if i > 0:
                low = bounds[i - 1]
            count = counts[i]

            def interpolate(
                v: Float64Array,
                low: float = low,
                high: float = high,
                count: Float64Array = count,
                rank: Float64Array = rank,
            ) -> Float64Array:
                if np.isinf(low):
                    return count.copy()
                return rank + (count - rank) * (v - low) / (high - low)

            hit = ~done & ~lower_set & (low >= lower)
            lower_rank = np.where(hit, rank, lower_rank)
            lower_set |= hit
            hit = ~done & ~upper_set & (low >= upper)
            upper_rank = np.where(hit, rank, upper_rank)
            upper_set |= hit
            done |= lower_set & upper_set
            hit = ~done & ~lower_set & (low < lower) & (high > lower)
            lower_rank = np.where(hit, interpolate(lower), lower_rank)
            lower_set |= hit
            hit = ~done & ~upper_set & (low < upper) & (high > upper)
            upper_rank = np.where(hit, interpolate(upper), upper_rank)
            upper_set |= hit
            done |= lower_set & upper_set
            # Classic bucket counts are cumulative: the rank so far is this bucket's count.
            rank = np.where(done, rank, count)
        total = counts[-1]
        lower_rank = np.where(~lower_set | (lower_rank > total), total, lower_rank)
        upper_rank = np.where(~upper_set | (upper_rank > total), total, upper_rank)
        result = (upper_rank - lower_rank) / total
    result = np.where(lower >= upper, 0.0, result)
    return np.where((total == 0) | np.isnan(lower) | np.isnan(upper), np.nan, result)


Solver = Callable[[npt.NDArray[np.intp], Float64Array, Float64Array], Float64Array]


@dataclass
class HistogramResult:
    vector: Steps
    malformed: list[tuple[str, str]]  # (metric name, le) of series ignored for their `le`
    nonmonotonic: list[str]  # metric names whose buckets had to be made monotonic


def histogram_quantile(q: ScalarSteps, vector: Steps) -> HistogramResult:
    return _per_histogram(
        vector,
        lambda columns, bounds, counts: _bucket_quantile(q.values[columns], bounds, counts),
        check_monotonic=True,
    )


def histogram_fraction(lower: ScalarSteps, upper: ScalarSteps, vector: Steps) -> HistogramResult:
    return _per_histogram(
        vector,
        lambda columns, bounds, counts: _bucket_fraction(
            lower.values[columns], upper.values[columns], bounds, counts
        ),
        check_monotonic=False,
    )


def _per_histogram(vector: Steps, solve: Solver, check_monotonic: bool) -> HistogramResult:
    groups: dict[Labels, list[tuple[float, int]]] = {}
    malformed: list[tuple[str, str]] = []
    nonmonotonic: list[str] = []
    names: dict[Labels, str] = {}
    for row, labels in enumerate(vector.labels):
        as_dict = dict(labels)
        le = _parse_le(as_dict.get("le", ""))
        if le is None:
            malformed.append((as_dict.get("__name__", ""), as_dict.get("le", "")))
            continue
        key = tuple(pair for pair in drop_name(labels) if pair[0] != "le")
        groups.setdefault(key, []).append((le, row))
        names.setdefault(key, as_dict.get("__name__", ""))
    steps = vector.values.shape[1]
    out_labels: list[Labels] = []
    out_values: list[Float64Array] = []
    out_present: list[npt.NDArray[np.bool_]] = []
    for key, members in groups.items():
        members.sort()
        bounds = np.array([le for le, _ in members])
        rows = np.array([row for _, row in members])
        counts = vector.values[rows]
        present = vector.present[rows]
        values = np.full(steps, np.nan)
        has = present.any(axis=0)
        # Buckets missing at some steps change the histogram: solve each presence pattern alone
        # (usually there is one: every bucket at every step, which needs no search for others).
        if present.all():
            patterns, inverse = present[:, :1].T, np.zeros(steps, np.intp)
        else:
            patterns, inverse = np.unique(present.T, axis=0, return_inverse=True)
        for index, pattern in enumerate(patterns):
            if not pattern.any():
                continue
            columns = np.flatnonzero(inverse.reshape(-1) == index)
            sel_bounds = bounds[pattern]
            sel_counts = counts[pattern][:, columns]
            unique_bounds, positions = np.unique(sel_bounds, return_inverse=True)
            merged = np.zeros((len(unique_bounds), len(columns)))
            np.add.at(merged, positions.reshape(-1), sel_counts)
            values[columns] = solve(columns, unique_bounds, merged)
            if check_monotonic and np.isinf(unique_bounds[-1]) and _forced_monotonic(merged):
                nonmonotonic.append(names[key])
        out_labels.append(key)
        out_values.append(values)
        out_present.append(has)
    if not out_labels:
        return HistogramResult(Steps.empty(steps), malformed, nonmonotonic)
    vector = Steps(out_labels, np.vstack(out_values), np.vstack(out_present))
    return HistogramResult(vector, malformed, nonmonotonic)

"""Functions of a range vector (rate, *_over_time, ...), vectorised over every (series, step)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from pulseboard.model.samples import Float64Array, Int64Array
from pulseboard.promql.api import QueryExecutionError
from pulseboard.promql.functions.kahan import kahan_inc, kahan_rows
from pulseboard.promql.kernels import extrapolated
from pulseboard.promql.values import BoolArray, RangeData, ScalarSteps, Steps, any_rows
from pulseboard.promql.windows import gather

# (gathered windows, validity mask, flat window slice, per-step parameters) -> (values, present)
WindowFn = Callable[
    [Float64Array, BoolArray, slice, RangeData, list[Float64Array]], tuple[Float64Array, BoolArray]
]

# These keep the metric name; every other range function drops it.
_KEEP_NAME = frozenset({"last_over_time", "first_over_time"})


def _columns(steps: int, part: slice, params: list[Float64Array]) -> list[Float64Array]:
    """Each per-step parameter, broadcast to the flat (series, step) cells of one chunk."""
    cells = np.arange(part.start, part.stop) % steps
    return [p[cells] for p in params]


def _count(g: Float64Array, m: BoolArray) -> Float64Array:
    return np.asarray(m.sum(axis=1), dtype=np.float64)


def _sum(g: Float64Array, m: BoolArray, *_: object) -> tuple[Float64Array, BoolArray]:
    return kahan_rows(g, m), any_rows(m)


def _avg(g: Float64Array, m: BoolArray, *_: object) -> tuple[Float64Array, BoolArray]:
    n = _count(g, m)
    total = kahan_rows(g, m)
    with np.errstate(invalid="ignore", divide="ignore"):
        result = total / n
    # A sum that overflowed needs Prometheus' incremental mean instead.
    overflowed = np.flatnonzero(np.isinf(total) & ~np.isinf(np.where(m, g, 0.0)).any(axis=1))
    for row in overflowed:
        result[row] = incremental_mean(g[row][m[row]])
    return result, n > 0


def incremental_mean(values: Float64Array) -> float:
    total = comp = mean = 0.0
    incremental = False
    one = np.zeros(1)
    for count, value in enumerate(values.tolist(), start=1):
        if not incremental:
            new, new_c = kahan_inc(one + value, one + total, one + comp)
            if count == 1 or not np.isinf(new[0]):
                total, comp = float(new[0]), float(new_c[0])
                continue
            incremental = True
            mean = total / (count - 1)
            comp /= count - 1
        if np.isinf(mean):
            if np.isinf(value) and (mean > 0) == (value > 0):
                continue
            if not np.isinf(value) and not np.isnan(value):
                continue
        corrected = mean + comp
        new, new_c = kahan_inc(one + (value / count - corrected / count), one + mean, one + comp)
        mean, comp = float(new[0]), float(new_c[0])
    if incremental:
        return mean + comp
    return total / len(values) + comp / len(values)


def _min(g: Float64Array, m: BoolArray, *_: object) -> tuple[Float64Array, BoolArray]:
    return np.fmin.reduce(g, axis=1), any_rows(m)


def _max(g: Float64Array, m: BoolArray, *_: object) -> tuple[Float64Array, BoolArray]:
    return np.fmax.reduce(g, axis=1), any_rows(m)


def _count_fn(rd: RangeData) -> tuple[Float64Array, BoolArray]:
    n = (rd.hi - rd.lo).reshape(-1).astype(np.float64)
    return n, n > 0


def _present(rd: RangeData) -> tuple[Float64Array, BoolArray]:
    has = (rd.hi > rd.lo).reshape(-1)
    return np.ones(len(has)), has


def _last(rd: RangeData) -> tuple[Float64Array, BoolArray]:
    hi = rd.hi.reshape(-1)
    has = hi > rd.lo.reshape(-1)
    if not len(rd.values):
        return np.zeros(len(hi)), has
    return rd.values[np.maximum(hi - 1, 0)], has


def _first(
    g: Float64Array, m: BoolArray, part: slice, rd: RangeData, _: object
) -> tuple[Float64Array, BoolArray]:
    lo = rd.lo.reshape(-1)[part]
    has = rd.hi.reshape(-1)[part] > lo
    return np.where(has, g[:, 0], 0.0), has


def _welford(g: Float64Array, m: BoolArray) -> tuple[Float64Array, Float64Array]:
    rows = g.shape[0]
    count = np.zeros(rows)
    mean, c_mean = np.zeros(rows), np.zeros(rows)
    aux, c_aux = np.zeros(rows), np.zeros(rows)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        for column in range(g.shape[1]):
            valid = m[:, column]
            value = g[:, column]
            count = count + valid
            delta = value - (mean + c_mean)
            new_mean, new_c_mean = kahan_inc(delta / np.maximum(count, 1), mean, c_mean)
            mean = np.where(valid, new_mean, mean)
            c_mean = np.where(valid, new_c_mean, c_mean)
            new_aux, new_c_aux = kahan_inc(delta * (value - (mean + c_mean)), aux, c_aux)
            aux = np.where(valid, new_aux, aux)
            c_aux = np.where(valid, new_c_aux, c_aux)
        return (aux + c_aux) / count, count


def _stdvar(g: Float64Array, m: BoolArray, *_: object) -> tuple[Float64Array, BoolArray]:
    var, count = _welford(g, m)
    return var, count > 0


def _stddev(g: Float64Array, m: BoolArray, *_: object) -> tuple[Float64Array, BoolArray]:
    var, count = _welford(g, m)
    return np.sqrt(var), count > 0


def quantile_sorted(sorted_rows: Float64Array, n: Float64Array, q: Float64Array) -> Float64Array:
    """Prometheus' quantile over rows sorted ascending with the first n cells valid."""
    rows = np.arange(sorted_rows.shape[0])
    with np.errstate(invalid="ignore"):
        rank = q * (n - 1)
        lower = np.clip(np.floor(np.nan_to_num(rank)), 0, np.maximum(n - 1, 0)).astype(np.int64)
        upper = np.minimum(lower + 1, np.maximum(n - 1, 0).astype(np.int64))
        weight = rank - np.floor(rank)
        width = sorted_rows.shape[1]
        low = sorted_rows[rows, np.minimum(lower, width - 1)]
        high = sorted_rows[rows, np.minimum(upper, width - 1)]
        result = low * (1 - weight) + high * weight
    result = np.where(q < 0, -np.inf, result)
    result = np.where(q > 1, np.inf, result)
    return np.where(np.isnan(q), np.nan, result)


def sort_nan_first(g: Float64Array, m: BoolArray) -> Float64Array:
    """Each row's valid cells ascending with NaN first (Go's sort.Float64s), padding last."""
    nan = np.isnan(g) & m
    ordered = np.sort(np.where(m, np.where(nan, -np.inf, g), np.inf), axis=1)
    leading = np.arange(g.shape[1])[None, :] < nan.sum(axis=1)[:, None]
    return np.where(leading, np.nan, ordered)


def _quantile(
    g: Float64Array, m: BoolArray, part: slice, rd: RangeData, params: list[Float64Array]
) -> tuple[Float64Array, BoolArray]:
    (q,) = _columns(rd.lo.shape[1], part, params)
    n = _count(g, m)
    return quantile_sorted(sort_nan_first(g, m), n, q), n > 0


def _median_rows(g: Float64Array, m: BoolArray) -> Float64Array:
    n = _count(g, m)
    return quantile_sorted(sort_nan_first(g, m), n, np.full(len(n), 0.5))


def _mad(g: Float64Array, m: BoolArray, *_: object) -> tuple[Float64Array, BoolArray]:
    median = _median_rows(g, m)
    result = _median_rows(np.abs(g - median[:, None]), m)
    # A NaN sample makes the result NaN rather than being silently dropped.
    return np.where(any_rows(np.isnan(g) & m), np.nan, result), any_rows(m)


def _changes(g: Float64Array, m: BoolArray, *_: object) -> tuple[Float64Array, BoolArray]:
    prev, cur = g[:, :-1], g[:, 1:]
    both = m[:, 1:]
    same = (prev == cur) | (np.isnan(prev) & np.isnan(cur))
    return (both & ~same).sum(axis=1).astype(np.float64), any_rows(m)


def _resets(g: Float64Array, m: BoolArray, *_: object) -> tuple[Float64Array, BoolArray]:
    both = m[:, 1:]
    return (both & (g[:, 1:] < g[:, :-1])).sum(axis=1).astype(np.float64), any_rows(m)


def _ends(part: slice, rd: RangeData) -> tuple[Int64Array, Int64Array, BoolArray]:
    lo = rd.lo.reshape(-1)[part]
    hi = rd.hi.reshape(-1)[part]
    last = np.maximum(hi - 1, 0)
    return lo.clip(0, max(len(rd.values) - 1, 0)), last, (hi - lo) >= 2


def _extrapolated(rd: RangeData, counter: bool, rate: bool) -> tuple[Float64Array, BoolArray]:
    return extrapolated(
        rd.values,
        rd.timestamps,
        rd.lo,
        rd.hi,
        rd.window_end,
        rd.range_ms,
        counter,
        rate,
    )


def _instant(part: slice, rd: RangeData, is_rate: bool) -> tuple[Float64Array, BoolArray]:
    _, last, ok = _ends(part, rd)
    if not len(rd.values):
        return np.zeros(len(ok)), ok
    prev = np.maximum(last - 1, 0)
    v1, v0 = rd.values[last], rd.values[prev]
    dt = (rd.timestamps[last] - rd.timestamps[prev]) / 1000.0
    ok = ok & (dt != 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        if is_rate:
            diff = np.where(v1 < v0, v1, v1 - v0)
            return diff / dt, ok
        return v1 - v0, ok


def _regression(
    g: Float64Array,
    m: BoolArray,
    part: slice,
    rd: RangeData,
    intercept_ms: Int64Array,
) -> tuple[Float64Array, Float64Array, BoolArray]:
    lo = rd.lo.reshape(-1)[part]
    width = g.shape[1]
    index = np.minimum(lo[:, None] + np.arange(width)[None, :], max(len(rd.timestamps) - 1, 0))
    times = rd.timestamps[index] if len(rd.timestamps) else np.zeros(g.shape, np.int64)
    x = (times - intercept_ms[:, None]) / 1000.0
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        # Two passes over centred values instead of Prometheus' compensated one-pass sums:
        # as accurate (better under cancellation) and one numpy call per term, not per sample.
        n = _count(g, m)
        x_mean = np.where(m, x, 0.0).sum(axis=1) / n
        y_mean = np.where(m, g, 0.0).sum(axis=1) / n
        dx = np.where(m, x - x_mean[:, None], 0.0)
        dy = np.where(m, g - y_mean[:, None], 0.0)
        cov = (dx * dy).sum(axis=1)
        var = (dx * dx).sum(axis=1)
        slope = cov / var
        intercept = y_mean - slope * x_mean
        first = g[:, 0]
        const = (np.where(m, g, first[:, None]) == first[:, None]).all(axis=1)
    slope = np.where(const, np.where(np.isinf(first), np.nan, 0.0), slope)
    intercept = np.where(const, np.where(np.isinf(first), np.nan, first), intercept)
    return slope, intercept, n >= 2


def _deriv(
    g: Float64Array, m: BoolArray, part: slice, rd: RangeData, _: object
) -> tuple[Float64Array, BoolArray]:
    lo = rd.lo.reshape(-1)[part]
    first_ts = (
        rd.timestamps[np.minimum(lo, max(len(rd.timestamps) - 1, 0))] if len(rd.timestamps) else lo
    )
    slope, _, ok = _regression(g, m, part, rd, first_ts)
    return slope, ok


def _predict_linear(
    g: Float64Array, m: BoolArray, part: slice, rd: RangeData, params: list[Float64Array]
) -> tuple[Float64Array, BoolArray]:
    (horizon,) = _columns(rd.lo.shape[1], part, params)
    cells = np.arange(part.start, part.stop) % rd.lo.shape[1]
    slope, intercept, ok = _regression(g, m, part, rd, rd.step_ts[cells])
    return slope * horizon + intercept, ok


def _smoothing(
    g: Float64Array, m: BoolArray, part: slice, rd: RangeData, params: list[Float64Array]
) -> tuple[Float64Array, BoolArray]:
    sf, tf = _columns(rd.lo.shape[1], part, params)
    n = _count(g, m)
    s0 = np.zeros(len(n))
    s1 = g[:, 0].copy()
    trend = g[:, 1] - g[:, 0] if g.shape[1] > 1 else np.zeros(len(n))
    for i in range(1, g.shape[1]):
        valid = m[:, i]
        x = sf * g[:, i]
        new_trend = trend if i == 1 else tf * (s1 - s0) + (1 - tf) * trend
        y = (1 - sf) * (s1 + new_trend)
        trend = np.where(valid, new_trend, trend)
        s0, s1 = np.where(valid, s1, s0), np.where(valid, x + y, s1)
    return s1, n >= 2


# Functions of the gathered samples of each window.
WINDOW_FUNCTIONS: dict[str, WindowFn] = {
    "sum_over_time": _sum,
    "avg_over_time": _avg,
    "min_over_time": _min,
    "max_over_time": _max,
    "first_over_time": _first,
    "stddev_over_time": _stddev,
    "stdvar_over_time": _stdvar,
    "quantile_over_time": _quantile,
    "mad_over_time": _mad,
    "changes": _changes,
    "resets": _resets,
    "deriv": _deriv,
    "predict_linear": _predict_linear,
    "double_exponential_smoothing": _smoothing,
}

# Functions that only need each window's bounds and end samples: no gathering at all.
EDGE_FUNCTIONS: dict[str, Callable[[RangeData], tuple[Float64Array, BoolArray]]] = {
    "count_over_time": _count_fn,
    "present_over_time": _present,
    "last_over_time": _last,
    "rate": lambda rd: _extrapolated(rd, counter=True, rate=True),
    "increase": lambda rd: _extrapolated(rd, counter=True, rate=False),
    "delta": lambda rd: _extrapolated(rd, counter=False, rate=False),
    "irate": lambda rd: _instant(slice(0, rd.lo.size), rd, True),
    "idelta": lambda rd: _instant(slice(0, rd.lo.size), rd, False),
}

RANGE_FUNCTIONS = frozenset(WINDOW_FUNCTIONS) | frozenset(EDGE_FUNCTIONS)


def apply_range_function(
    name: str, data: RangeData, params: list[ScalarSteps], check: Callable[[], None]
) -> Steps:
    if name == "double_exponential_smoothing":
        for label, param in zip(("smoothing", "trend"), params, strict=True):
            bad = param.values[(param.values <= 0) | (param.values >= 1) | np.isnan(param.values)]
            if len(bad):
                raise QueryExecutionError(
                    f"invalid {label} factor. Expected: 0 < {label[0]}f < 1, got: {bad[0]:f}"
                )
    n_series, steps = data.lo.shape
    values = np.zeros(n_series * steps)
    present = np.zeros(n_series * steps, np.bool_)
    param_values = [p.values for p in params]
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        if name in EDGE_FUNCTIONS:
            values, present = EDGE_FUNCTIONS[name](data)
        else:
            fn = WINDOW_FUNCTIONS[name]
            for part, g, m in gather(data.values, data.lo, data.hi):
                check()
                if g.shape[0] == 0:
                    continue
                out, has = fn(g, m, part, data, param_values)
                values[part] = out
                present[part] = has
    drop = data.drop if name in _KEEP_NAME else np.ones(n_series, np.bool_)
    return Steps(
        data.labels, values.reshape(n_series, steps), present.reshape(n_series, steps), drop
    ).compact()

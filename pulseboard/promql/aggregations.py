"""Aggregation operators over series groups, vectorised over steps (and across groups)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from pulseboard.model.labels import LABEL_NAME_RE, METRIC_NAME, Labels
from pulseboard.model.numbers import format_value
from pulseboard.model.samples import Float64Array
from pulseboard.promql.api import QueryExecutionError
from pulseboard.promql.functions.kahan import kahan_inc, kahan_result
from pulseboard.promql.functions.range import incremental_mean, quantile_sorted
from pulseboard.promql.values import ScalarSteps, Steps

IntArray = npt.NDArray[np.intp]

# Groups at most this large are summed with Prometheus' compensated summation, member by member;
# larger ones with numpy's reduceat (one pass, the difference is in the last bits).
_KAHAN_MAX_GROUP = 64


def group_key(labels: Labels, names: Sequence[str], without: bool) -> Labels:
    if without:
        dropped = {*names, METRIC_NAME}
        return tuple(pair for pair in labels if pair[0] not in dropped)
    wanted = set(names)
    return tuple(pair for pair in labels if pair[0] in wanted)


def _grouping(vector: Steps, names: Sequence[str], without: bool) -> tuple[list[Labels], IntArray]:
    keys: dict[Labels, int] = {}
    ids = np.empty(len(vector), np.intp)
    for row, labels in enumerate(vector.labels):
        ids[row] = keys.setdefault(group_key(labels, names, without), len(keys))
    return list(keys), ids


def _segments(ids: IntArray, n_groups: int) -> tuple[IntArray, IntArray, IntArray]:
    """Rows ordered by group (stable), each group's first position, and group sizes."""
    order = np.argsort(ids, kind="stable")
    sizes = np.bincount(ids, minlength=n_groups)
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1])).astype(np.intp)
    return order, starts, sizes


def _by_rank(ids: IntArray, n: int) -> list[tuple[IntArray, IntArray]]:
    """(member rows, their groups) for the 1st, 2nd, ... member of every group at once."""
    order, starts, sizes = _segments(ids, n)
    rank = np.arange(len(ids)) - np.repeat(starts, sizes)
    ordered_ids = ids[order]
    largest = int(sizes.max()) if len(sizes) else 0
    return [(order[rank == r], ordered_ids[rank == r]) for r in range(largest)]


def _sum(
    values: Float64Array, present: npt.NDArray[np.bool_], ids: IntArray, n: int
) -> Float64Array:
    order, starts, sizes = _segments(ids, n)
    cells = np.where(present, values, 0.0)
    if len(sizes) and sizes.max() <= _KAHAN_MAX_GROUP:
        total = np.zeros((n, values.shape[1]))
        comp = np.zeros_like(total)
        for members, groups in _by_rank(ids, n):
            total[groups], comp[groups] = kahan_inc(cells[members], total[groups], comp[groups])
        return kahan_result(total, comp)
    return np.add.reduceat(cells[order], starts, axis=0)


def _variance(
    values: Float64Array, present: npt.NDArray[np.bool_], ids: IntArray, n: int
) -> Float64Array:
    """Welford's running variance, member by member, as Prometheus computes it."""
    count = np.zeros((n, values.shape[1]))
    mean = np.zeros_like(count)
    total = np.zeros_like(count)
    for members, groups in _by_rank(ids, n):
        has = present[members]
        value = values[members]
        new_count = count[groups] + has
        delta = value - mean[groups]
        new_mean = np.where(has, mean[groups] + delta / np.maximum(new_count, 1), mean[groups])
        total[groups] = np.where(has, total[groups] + delta * (value - new_mean), total[groups])
        mean[groups] = new_mean
        count[groups] = new_count
    return total / count


def _average(vector: Steps, ids: IntArray, n: int) -> Float64Array:
    total = _sum(vector.values, vector.present, ids, n)
    result = total / _count(vector.present, ids, n)
    cells = np.where(vector.present, vector.values, 0.0)
    has_inf = _count(np.isinf(cells) | np.isnan(cells), ids, n) > 0
    # Only a sum that overflowed from finite inputs needs Prometheus' incremental mean.
    for group, step in zip(*np.nonzero(np.isinf(total) & ~has_inf), strict=True):
        members = (ids == group) & vector.present[:, step]
        result[group, step] = incremental_mean(vector.values[members, step])
    return result


def _count(present: npt.NDArray[np.bool_], ids: IntArray, n: int) -> Float64Array:
    order, starts, _ = _segments(ids, n)
    return np.add.reduceat(present[order].astype(np.float64), starts, axis=0)


def _extreme(
    values: Float64Array, present: npt.NDArray[np.bool_], ids: IntArray, n: int, fn: np.ufunc
) -> Float64Array:
    order, starts, _ = _segments(ids, n)
    # fmin/fmax skip NaN, so a group is NaN only when all its samples are, as in Prometheus.
    reduced = fn.reduceat(np.where(present, values, np.nan)[order], starts, axis=0)
    return np.asarray(reduced, dtype=np.float64)


def _param_k(param: ScalarSteps | None) -> npt.NDArray[np.int64]:
    assert param is not None
    if np.isnan(param.values).any():
        raise QueryExecutionError("Parameter value is NaN")
    return np.clip(param.values, -(2.0**62), 2.0**62).astype(np.int64)


def _ranked(
    vector: Steps, ids: IntArray, descending: bool, nan_first: bool = False
) -> tuple[IntArray, IntArray, IntArray]:
    """Sorted row order per step (by group, then value; absent last) and ranks."""
    values = vector.values
    absent = ~vector.present
    nan = np.isnan(values) & ~absent
    primary = np.where(absent | nan, 0.0, -values if descending else values)
    group = np.broadcast_to(ids[:, None], values.shape)
    order = np.lexsort((primary, ~nan if nan_first else nan, absent, group), axis=0)
    sizes = np.bincount(ids, minlength=int(ids.max()) + 1 if len(ids) else 0)
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    rank = np.arange(len(ids))[:, None] - starts[ids[order]]
    return order, rank, sizes


def _topk(vector: Steps, ids: IntArray, k: npt.NDArray[np.int64], descending: bool) -> Steps:
    if len(vector) == 0:
        return vector
    order, rank, _ = _ranked(vector, ids, descending)
    chosen_sorted = (rank < k[None, :]) & np.take_along_axis(vector.present, order, axis=0)
    chosen = np.zeros_like(vector.present)
    np.put_along_axis(chosen, order, chosen_sorted, axis=0)
    result = Steps(vector.labels, vector.values, chosen, vector.drop)
    if vector.values.shape[1] == 1:
        # Instant queries list each group's picks best first, as Prometheus does.
        result = result.take(order[:, 0])
    return result.compact()


def _quantile(vector: Steps, ids: IntArray, n: int, q: Float64Array) -> Float64Array:
    order, _, sizes = _ranked(vector, ids, descending=False, nan_first=True)
    counts = _count(vector.present, ids, n)
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1])).astype(np.intp)
    sorted_values = np.take_along_axis(vector.values, order, axis=0)
    steps = vector.values.shape[1]
    result = np.full((n, steps), np.nan)
    width = int(sizes.max()) if len(sizes) else 0
    for g in range(n):
        block = sorted_values[starts[g] : starts[g] + sizes[g]].T  # steps x members
        if block.shape[1] < width:
            block = np.hstack([block, np.full((steps, width - block.shape[1]), np.nan)])
        result[g] = quantile_sorted(block, counts[g], q)
    return result


def _count_values(vector: Steps, names: Sequence[str], without: bool, label: str) -> Steps:
    if not LABEL_NAME_RE.match(label):
        raise QueryExecutionError(f'invalid label name "{label}"')
    steps = vector.values.shape[1]
    counts: dict[Labels, Float64Array] = {}
    for row, labels in enumerate(vector.labels):
        key = group_key(labels, names, without)
        present = vector.present[row]
        for value in np.unique(vector.values[row][present]).tolist():
            out = tuple(sorted((*[p for p in key if p[0] != label], (label, format_value(value)))))
            hits = present & (
                (vector.values[row] == value) | (np.isnan(vector.values[row]) & math.isnan(value))
            )
            counts.setdefault(out, np.zeros(steps))
            counts[out] += hits
    if not counts:
        return Steps.empty(steps)
    values = np.vstack(list(counts.values()))
    return Steps(list(counts), values, values > 0)


def aggregate(
    op: str,
    vector: Steps,
    names: Sequence[str],
    without: bool,
    param: ScalarSteps | None,
    label_param: str | None,
) -> Steps:
    steps = vector.values.shape[1]
    if op == "count_values":
        assert label_param is not None
        return _count_values(vector, names, without, label_param)
    if op in ("limitk", "limit_ratio"):
        raise QueryExecutionError(f"{op}() is not supported")
    if op in ("topk", "bottomk"):
        k = _param_k(param)
    if len(vector) == 0:
        return Steps.empty(steps)
    keys, ids = _grouping(vector, names, without)
    n = len(keys)
    if op in ("topk", "bottomk"):
        return _topk(vector, ids, k, op == "topk")
    present = _count(vector.present, ids, n) > 0
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        if op == "sum":
            values = _sum(vector.values, vector.present, ids, n)
        elif op == "avg":
            values = _average(vector, ids, n)
        elif op == "count":
            values = _count(vector.present, ids, n)
        elif op == "group":
            values = np.ones((n, steps))
        elif op == "min":
            values = _extreme(vector.values, vector.present, ids, n, np.fmin)
        elif op == "max":
            values = _extreme(vector.values, vector.present, ids, n, np.fmax)
        elif op in ("stddev", "stdvar"):
            values = _variance(vector.values, vector.present, ids, n)
            if op == "stddev":
                values = np.sqrt(values)
        elif op == "quantile":
            assert param is not None
            values = _quantile(vector, ids, n, param.values)
        else:
            raise QueryExecutionError(f"unsupported aggregation {op}")
    drop = None
    if not without and METRIC_NAME in names and vector.drop is not None:
        # A group keeps the name only if none of its members was going to lose it.
        drop = np.zeros(n, np.bool_)
        np.logical_or.at(drop, ids, vector.drop)
    return Steps(keys, values, present, drop).compact()

"""Function calls: argument evaluation and dispatch to the function families."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import promql_parser as pp

from pulseboard.model.samples import Int64Array
from pulseboard.promql.api import QueryExecutionError
from pulseboard.promql.binary import merge_duplicates
from pulseboard.promql.functions import instant, labels
from pulseboard.promql.functions.histogram import histogram_fraction, histogram_quantile
from pulseboard.promql.functions.range import RANGE_FUNCTIONS, apply_range_function
from pulseboard.promql.selectors import instant_vector
from pulseboard.promql.values import BoolArray, ScalarSteps, Steps, Value, any_columns

if TYPE_CHECKING:
    from pulseboard.promql.evaluator import Evaluator

# Functions that only act on native histograms: float samples are ignored, so the result is empty.
_NATIVE_HISTOGRAM_ONLY = frozenset(
    {
        "histogram_count",
        "histogram_sum",
        "histogram_avg",
        "histogram_stddev",
        "histogram_stdvar",
    }
)


def _unwrap(node: object) -> object:
    while isinstance(node, pp.ParenExpr):
        node = node.expr
    return node


def call(ev: Evaluator, node: pp.Call, ts: Int64Array) -> Value:
    """Evaluate a function call.

    Functions that keep every label (the name is only marked for dropping) cannot create two
    series with one label set; only label_replace/label_join need the duplicate check.
    """
    name = node.func.name
    args = list(node.args)
    if name in RANGE_FUNCTIONS:
        matrix_at = 1 if name in ("quantile_over_time",) else 0
        params = [ev.scalar(a, ts) for i, a in enumerate(args) if i != matrix_at]
        if name == "quantile_over_time":
            ev.ctx.check_quantile(params[0].values, name)
        results = [
            apply_range_function(name, data, params, ev.ctx.check_deadline)
            for data in ev.ranges(args[matrix_at], ts)
        ]
        return Steps.concat(results, len(ts))
    if name == "absent_over_time":
        has = np.zeros(len(ts), np.bool_)
        for data in ev.ranges(args[0], ts):
            has |= any_columns(data.hi > data.lo)
        return _absent(~has, labels.absent_labels(_unwrap(args[0])))
    if name == "absent":
        vector = ev.steps(args[0], ts)
        has = any_columns(vector.present)
        return _absent(~has, labels.absent_labels(_unwrap(args[0])))
    if name == "time":
        return ScalarSteps(ts / 1000.0)
    if name == "pi":
        return ScalarSteps(np.full(len(ts), math.pi))
    if name == "vector":
        scalar = ev.scalar(args[0], ts)
        return Steps([()], scalar.values[None, :].copy(), np.ones((1, len(ts)), np.bool_))
    if name == "scalar":
        vector = ev.steps(args[0], ts)
        single = vector.present.sum(axis=0) == 1
        picked = np.where(vector.present, vector.values, 0.0).sum(axis=0)
        return ScalarSteps(np.where(single, picked, np.nan))
    if name == "timestamp":
        target = _unwrap(args[0])
        if isinstance(target, pp.VectorSelector):
            vector = instant_vector(ev.ctx, target, ts, sample_times=True)
            return vector.marked(vector.values, vector.present)
        vector = ev.steps(target, ts)
        values = np.broadcast_to(ts[None, :] / 1000.0, vector.values.shape).copy()
        return vector.marked(values, vector.present)
    if name in instant.MATH:
        return instant.map_values(ev.steps(args[0], ts), instant.MATH[name])
    if name in instant.DATE_FUNCTIONS:
        if not args:
            seconds = (ts / 1000.0)[None, :]
            values = instant.date_field(name, seconds)
            return Steps([()], values, np.ones(values.shape, np.bool_))
        vector = ev.steps(args[0], ts)
        return instant.map_values(vector, lambda v: instant.date_field(name, v))
    if name in ("clamp", "clamp_min", "clamp_max"):
        vector = ev.steps(args[0], ts)
        bounds = [ev.scalar(a, ts) for a in args[1:]]
        if name == "clamp":
            result = instant.clamp(vector, bounds[0], bounds[1])
        elif name == "clamp_min":
            result = instant.clamp(vector, bounds[0], None)
        else:
            result = instant.clamp(vector, None, bounds[0])
        return result
    if name == "round":
        vector = ev.steps(args[0], ts)
        nearest = ev.scalar(args[1], ts) if len(args) > 1 else None
        return instant.round_to(vector, nearest)
    if name in ("histogram_quantile", "histogram_fraction"):
        scalars = [ev.scalar(a, ts) for a in args[:-1]]
        vector = ev.steps(args[-1], ts)
        if name == "histogram_quantile":
            ev.ctx.check_quantile(scalars[0].values, name)
            found = histogram_quantile(scalars[0], vector)
        else:
            found = histogram_fraction(scalars[0], scalars[1], vector)
        for metric in dict.fromkeys(found.nonmonotonic):
            ev.ctx.warn(
                "input to histogram_quantile needed to be fixed for monotonicity (see "
                "https://prometheus.io/docs/prometheus/latest/querying/functions/"
                f'#histogram_quantile) for metric name "{metric}"',
                metric or "(",
                after=name,
                info=True,
            )
        for metric, le in found.malformed:
            ev.ctx.warn(
                f'bucket label "le" is missing or has a malformed value of "{le}" '
                f'for metric name "{metric}"',
                metric or "(",
                after=name,
            )
        return found.vector
    if name in _NATIVE_HISTOGRAM_ONLY:
        ev.steps(args[-1], ts)
        return Steps.empty(len(ts))
    if name == "label_replace":
        vector = ev.steps(args[0], ts)
        dst, replacement, src, regex = (ev.string(a, ts) for a in args[1:5])
        return merge_duplicates(labels.label_replace(vector, dst, replacement, src, regex))
    if name == "label_join":
        vector = ev.steps(args[0], ts)
        dst, separator, *sources = (ev.string(a, ts) for a in args[1:])
        return merge_duplicates(labels.label_join(vector, dst, separator, sources))
    if name.startswith("sort") and ev.ctx.is_range:
        ev.ctx.warn(
            "sort is ineffective for range queries since results are always ordered by labels",
            f"{name}(",
        )
    if name in ("sort", "sort_desc"):
        return labels.sort_by_value(ev.steps(args[0], ts), name == "sort_desc")
    if name in ("sort_by_label", "sort_by_label_desc"):
        vector = ev.steps(args[0], ts)
        names = [ev.string(a, ts) for a in args[1:]]
        return labels.sort_by_label(vector, names, name == "sort_by_label_desc")
    raise QueryExecutionError(f"function {name}() is not supported by this engine")


def _absent(missing: BoolArray, found: tuple[tuple[str, str], ...]) -> Steps:
    return Steps([found], np.ones((1, len(missing))), missing[None, :].copy()).compact()

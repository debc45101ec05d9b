"""Walks the promql-parser AST, evaluating every node once over the whole step grid."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import promql_parser as pp

from pulseboard.model.samples import Int64Array
from pulseboard.promql import binary
from pulseboard.promql.aggregations import aggregate
from pulseboard.promql.api import QueryExecutionError
from pulseboard.promql.context import EvalContext
from pulseboard.promql.functions import calls
from pulseboard.promql.selectors import (
    at_ms,
    duration_ms,
    instant_vector,
    range_vectors,
    windows_over,
)
from pulseboard.promql.values import (
    RangeData,
    ScalarSteps,
    Steps,
    StringValue,
    Value,
    frozen,
)
from pulseboard.storage.protocol import SeriesSet

_CARDINALITY = {
    "OneToOne": "one-to-one",
    "ManyToOne": "many-to-one",
    "OneToMany": "one-to-many",
    "ManyToMany": "many-to-many",
}


class Evaluator:
    def __init__(self, ctx: EvalContext) -> None:
        self.ctx = ctx

    def eval(self, node: object, ts: Int64Array) -> Value:
        shared = self.ctx.shared
        if shared is None or not isinstance(node, pp.Call | pp.AggregateExpr) or not len(ts):
            return self._eval(node, ts)
        # The grid is an arithmetic progression: length and ends identify it.
        key = (str(node), len(ts), int(ts[0]), int(ts[-1]), self.ctx.scope)

        def work() -> tuple[Value, bool]:
            warned = len(self.ctx.warnings)
            value = frozen(self._eval(node, ts))
            # Annotations point into one query's text: a subexpression that made one is not
            # shared.
            return value, len(self.ctx.warnings) == warned

        return shared.evaluate(key, work)

    def _eval(self, node: object, ts: Int64Array) -> Value:
        self.ctx.check_deadline()
        if isinstance(node, pp.NumberLiteral):
            return ScalarSteps(np.full(len(ts), float(node.val)))
        if isinstance(node, pp.StringLiteral):
            return StringValue(node.val)
        if isinstance(node, pp.ParenExpr):
            return self.eval(node.expr, ts)
        if isinstance(node, pp.UnaryExpr):
            return self._negate(self.eval(node.expr, ts))
        if isinstance(node, pp.VectorSelector):
            return instant_vector(self.ctx, node, ts)
        if isinstance(node, pp.MatrixSelector):
            return RangeData.concat(list(self.ranges(node, ts)))
        if isinstance(node, pp.SubqueryExpr):
            return self.subquery(node, ts)
        if isinstance(node, pp.Call):
            return calls.call(self, node, ts)
        if isinstance(node, pp.AggregateExpr):
            return self._aggregate(node, ts)
        if isinstance(node, pp.BinaryExpr):
            return self._binary(node, ts)
        raise QueryExecutionError(f"unsupported expression {node}")

    def steps(self, node: object, ts: Int64Array) -> Steps:
        value = self.eval(node, ts)
        if not isinstance(value, Steps):
            raise QueryExecutionError(f"expected instant vector, got {type(value).__name__}")
        return value

    def scalar(self, node: object, ts: Int64Array) -> ScalarSteps:
        value = self.eval(node, ts)
        if not isinstance(value, ScalarSteps):
            raise QueryExecutionError(f"expected scalar, got {type(value).__name__}")
        return value

    def string(self, node: object, ts: Int64Array) -> str:
        value = self.eval(node, ts)
        if not isinstance(value, StringValue):
            raise QueryExecutionError(f"expected string, got {type(value).__name__}")
        return value.value

    def range(self, node: object, ts: Int64Array) -> RangeData:
        value = self.eval(node, ts)
        if not isinstance(value, RangeData):
            raise QueryExecutionError(f"expected range vector, got {type(value).__name__}")
        return value

    def ranges(self, node: object, ts: Int64Array) -> Iterator[RangeData]:
        """A range vector in groups of series (a selector's are streamed from storage)."""
        while isinstance(node, pp.ParenExpr):
            node = node.expr
        if isinstance(node, pp.MatrixSelector):
            range_ms = duration_ms(node.range)
            yield from range_vectors(self.ctx, node.vector_selector, range_ms, ts)
        else:
            yield self.range(node, ts)

    def _negate(self, value: Value) -> Value:
        if isinstance(value, ScalarSteps):
            return ScalarSteps(-value.values)
        if isinstance(value, Steps):
            return binary.unary_minus(value)
        raise QueryExecutionError("unary minus needs a scalar or an instant vector")

    def subquery(self, node: pp.SubqueryExpr, ts: Int64Array) -> RangeData:
        range_ms = duration_ms(node.range)
        step_ms = duration_ms(node.step) or self.ctx.default_subquery_step_ms
        pinned = at_ms(self.ctx, node.at)
        pinned_ts = ts if pinned is None else np.full(len(ts), pinned, np.int64)
        outer = pinned_ts - duration_ms(node.offset)
        # Prometheus aligns subquery steps to multiples of the step, from the first one after
        # (start - offset - range), so every outer step sees the same inner grid.
        low = int(outer.min()) - range_ms
        first = step_ms * (low // step_ms)
        if first <= low:
            first += step_ms
        last = int(outer.max())
        if first > last:
            return windows_over(SeriesSet.empty(), outer, range_ms, ts)
        inner_ts = np.arange(first, last + 1, step_ms, dtype=np.int64)
        inner = self.steps(node.expr, inner_ts)
        self.ctx.check_grid(len(inner), len(ts))
        order = sorted(range(len(inner)), key=lambda row: inner.labels[row])
        inner = inner.take(order) if order else inner
        data = _to_series_set(inner, inner_ts)
        self.ctx.account(len(data.timestamps))
        return windows_over(data, outer, range_ms, ts, inner.drop)

    def _aggregate(self, node: pp.AggregateExpr, ts: Int64Array) -> Steps:
        op = str(node.op)
        vector = self.steps(node.expr, ts)
        names: list[str] = []
        without = False
        if node.modifier is not None:
            names = list(node.modifier.labels)
            without = str(node.modifier.type).endswith("Without")
        param = None
        label = None
        if node.param is not None:
            if op == "count_values":
                label = self.string(node.param, ts)
            else:
                param = self.scalar(node.param, ts)
                if op == "quantile":
                    self.ctx.check_quantile(param.values, "quantile")
        return aggregate(op, vector, names, without, param, label)

    def _binary(self, node: pp.BinaryExpr, ts: Int64Array) -> Value:
        op = str(node.op)
        left = self.eval(node.lhs, ts)
        right = self.eval(node.rhs, ts)
        modifier = node.modifier
        return_bool = bool(modifier.return_bool) if modifier is not None else False
        if isinstance(left, ScalarSteps) and isinstance(right, ScalarSteps):
            return binary.scalar_scalar(op, left, right)
        if isinstance(left, Steps) and isinstance(right, ScalarSteps):
            return binary.vector_scalar(op, left, right, False, return_bool)
        if isinstance(left, ScalarSteps) and isinstance(right, Steps):
            return binary.vector_scalar(op, right, left, True, return_bool)
        if not (isinstance(left, Steps) and isinstance(right, Steps)):
            raise QueryExecutionError(f"operator {op} needs scalars or instant vectors")
        matching = _matching(modifier, return_bool)
        if op in binary.SET_OPERATORS:
            return binary.set_operation(op, left, right, matching)
        return binary.vector_vector(op, left, right, matching)


def _matching(modifier: pp.BinModifier | None, return_bool: bool) -> binary.Matching:
    if modifier is None:
        return binary.Matching("one-to-one", False, (), (), return_bool)
    card = _CARDINALITY[str(modifier.card).rsplit(".", 1)[-1]]
    on = False
    labels: tuple[str, ...] = ()
    if modifier.matching is not None:
        on = str(modifier.matching.type).endswith("Include")
        labels = tuple(modifier.matching.labels)
    include = tuple(modifier.group_labels or ())
    return binary.Matching(card, on, labels, include, return_bool)


def _to_series_set(vector: Steps, ts: Int64Array) -> SeriesSet:
    counts = vector.present.sum(axis=1)
    offsets = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
    grid = np.broadcast_to(ts[None, :], vector.present.shape)
    return SeriesSet(
        labels=list(vector.labels),
        offsets=offsets,
        timestamps=grid[vector.present].astype(np.int64),
        values=vector.values[vector.present].astype(np.float64),
    )

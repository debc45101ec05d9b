"""Binary operators: scalar/vector arithmetic and comparison, vector matching, set operators."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from pulseboard.model.labels import METRIC_NAME, Labels
from pulseboard.model.samples import Float64Array
from pulseboard.promql.api import QueryExecutionError
from pulseboard.promql.values import BoolArray, ScalarSteps, Steps

ARITHMETIC = frozenset({"+", "-", "*", "/", "%", "^", "atan2"})
COMPARISON = frozenset({"==", "!=", ">", "<", ">=", "<="})
SET_OPERATORS = frozenset({"and", "or", "unless"})


@dataclass(frozen=True)
class Matching:
    card: str  # "one-to-one", "many-to-one" (group_left), "one-to-many" (group_right)
    on: bool
    labels: tuple[str, ...]
    include: tuple[str, ...]
    return_bool: bool


def render_labels(labels: Labels) -> str:
    return "{" + ", ".join(f'{n}="{v}"' for n, v in labels) + "}"


def compute(op: str, left: Float64Array, right: Float64Array) -> tuple[Float64Array, BoolArray]:
    """(value, keep): value is the left operand for comparisons, as Prometheus filters."""
    with np.errstate(all="ignore"):
        if op == "+":
            return left + right, np.ones(np.shape(left), np.bool_)
        if op == "-":
            return left - right, _all(left, right)
        if op == "*":
            return left * right, _all(left, right)
        if op == "/":
            return np.true_divide(left, right), _all(left, right)
        if op == "%":
            return np.fmod(left, right), _all(left, right)
        if op == "^":
            return np.power(left, right), _all(left, right)
        if op == "atan2":
            return np.arctan2(left, right), _all(left, right)
        keep = {
            "==": np.equal,
            "!=": np.not_equal,
            ">": np.greater,
            "<": np.less,
            ">=": np.greater_equal,
            "<=": np.less_equal,
        }[op](left, right)
        return np.broadcast_to(left, np.shape(keep)).astype(np.float64), keep
    raise QueryExecutionError(f"unsupported operator {op}")


def _all(left: Float64Array, right: Float64Array) -> BoolArray:
    return np.ones(np.broadcast_shapes(np.shape(left), np.shape(right)), np.bool_)


def scalar_scalar(op: str, left: ScalarSteps, right: ScalarSteps) -> ScalarSteps:
    value, keep = compute(op, left.values, right.values)
    if op in COMPARISON:
        value = keep.astype(np.float64)
    return ScalarSteps(np.asarray(value, np.float64))


def vector_scalar(
    op: str, vector: Steps, scalar: ScalarSteps, scalar_left: bool, return_bool: bool
) -> Steps:
    row = scalar.values[None, :]
    if scalar_left:
        value, keep = compute(op, np.broadcast_to(row, vector.values.shape), vector.values)
    else:
        value, keep = compute(op, vector.values, row)
    if op in COMPARISON:
        if return_bool:
            return vector.marked(keep.astype(np.float64), vector.present.copy())
        # The vector's own sample is kept, whichever side the scalar is on.
        return Steps(vector.labels, vector.values, vector.present & keep, vector.drop).compact()
    return vector.marked(value, vector.present.copy())


def _signature(labels: Labels, matching: Matching) -> Labels:
    if matching.on:
        wanted = set(matching.labels)
        return tuple(pair for pair in labels if pair[0] in wanted)
    dropped = {*matching.labels, METRIC_NAME}
    return tuple(pair for pair in labels if pair[0] not in dropped)


def _index_signatures(
    vector: Steps, matching: Matching
) -> tuple[list[Labels], dict[Labels, list[int]]]:
    sigs = [_signature(labels, matching) for labels in vector.labels]
    groups: dict[Labels, list[int]] = {}
    for row, sig in enumerate(sigs):
        groups.setdefault(sig, []).append(row)
    return sigs, groups


def _presence_by_signature(
    vector: Steps, groups: dict[Labels, list[int]]
) -> tuple[dict[Labels, int], BoolArray]:
    position = {sig: i for i, sig in enumerate(groups)}
    present = np.zeros((len(groups), vector.values.shape[1]), np.bool_)
    for sig, rows in groups.items():
        present[position[sig]] = vector.present[rows].any(axis=0)
    return position, present


def set_operation(op: str, left: Steps, right: Steps, matching: Matching) -> Steps:
    steps = left.values.shape[1] if len(left) else right.values.shape[1]
    if op == "or":
        if len(left) == 0:
            return right
        if len(right) == 0:
            return left
        _, left_groups = _index_signatures(left, matching)
        position, left_has = _presence_by_signature(left, left_groups)
        right_sigs = [_signature(labels, matching) for labels in right.labels]
        blocked = np.zeros(right.present.shape, np.bool_)
        for row, sig in enumerate(right_sigs):
            if sig in position:
                blocked[row] = left_has[position[sig]]
        extra = Steps(right.labels, right.values, right.present & ~blocked, right.drop).compact()
        combined = Steps(
            left.labels + extra.labels,
            np.vstack([left.values, extra.values]),
            np.vstack([left.present, extra.present]),
            np.concatenate([left.flags(), extra.flags()]),
        )
        return merge_duplicates(combined)
    if len(left) == 0:
        return Steps.empty(steps)
    _, right_groups = _index_signatures(right, matching)
    position, right_has = _presence_by_signature(right, right_groups)
    matched = np.zeros(left.present.shape, np.bool_)
    for row, labels in enumerate(left.labels):
        index = position.get(_signature(labels, matching))
        if index is not None:
            matched[row] = right_has[index]
    keep = matched if op == "and" else ~matched
    return Steps(left.labels, left.values, left.present & keep, left.drop).compact()


def _result_labels(many: Labels, one: Labels | None, op: str, matching: Matching) -> Labels:
    pairs = dict(many)
    if matching.card == "one-to-one":
        if matching.on:
            pairs = {n: v for n, v in pairs.items() if n in set(matching.labels)}
        else:
            for name in matching.labels:
                pairs.pop(name, None)
    if one is not None:
        one_dict = dict(one)
        for name in matching.include:
            if one_dict.get(name):
                pairs[name] = one_dict[name]
            else:
                pairs.pop(name, None)
    return tuple(sorted(pairs.items()))


def _duplicate_error(side: str, sig: Labels, first: Labels, second: Labels) -> QueryExecutionError:
    return QueryExecutionError(
        f"found duplicate series for the match group {render_labels(sig)} on the {side} "
        f"hand-side of the operation: [{render_labels(first)}, {render_labels(second)}]"
        ";many-to-many matching not allowed: matching labels must be unique on one side"
    )


def vector_vector(op: str, left: Steps, right: Steps, matching: Matching) -> Steps:
    steps = left.values.shape[1] if len(left) else right.values.shape[1]
    if len(left) == 0 or len(right) == 0:
        return Steps.empty(steps)
    swap = matching.card == "one-to-many"
    many, one = (right, left) if swap else (left, right)
    one_side = "left" if swap else "right"
    _, one_groups = _index_signatures(one, matching)
    n_sigs = len(one_groups)
    one_values = np.zeros((n_sigs, steps))
    one_present = np.zeros((n_sigs, steps), np.bool_)
    one_labels: list[Labels] = []
    position: dict[Labels, int] = {}
    for index, (sig, rows) in enumerate(one_groups.items()):
        position[sig] = index
        if len(rows) > 1:
            overlap = one.present[rows].sum(axis=0) > 1
            if overlap.any():
                both = [r for r in rows if one.present[r, int(np.argmax(overlap))]]
                raise _duplicate_error(one_side, sig, one.labels[both[0]], one.labels[both[1]])
        for row in rows:
            one_values[index] = np.where(one.present[row], one.values[row], one_values[index])
        one_present[index] = one.present[rows].any(axis=0)
        one_labels.append(one.labels[rows[0]])
    many_sigs = [_signature(labels, matching) for labels in many.labels]
    index_of = np.array([position.get(sig, -1) for sig in many_sigs], np.intp)
    has_match = index_of >= 0
    safe = np.maximum(index_of, 0)
    matched = many.present & one_present[safe] & has_match[:, None]
    if matching.card == "one-to-one":
        _check_unique_many(many_sigs, matched)
    other = one_values[safe]
    left_values, right_values = (other, many.values) if swap else (many.values, other)
    value, keep = compute(op, left_values, right_values)
    if op in COMPARISON and matching.return_bool:
        value = keep.astype(np.float64)
        keep = np.ones_like(keep)
    labels = [
        _result_labels(
            many.labels[row], one_labels[index_of[row]] if has_match[row] else None, op, matching
        )
        for row in range(len(many))
    ]
    drop = many.flags() | (op in ARITHMETIC or matching.return_bool)
    result = Steps(labels, np.asarray(value, np.float64), matched & keep, drop).compact()
    message = (
        "multiple matches for labels: grouping labels must ensure unique matches"
        if matching.card != "one-to-one"
        else "multiple matches for labels: many-to-one matching must be explicit "
        "(group_left/group_right)"
    )
    return merge_duplicates(result, message)


def _check_unique_many(sigs: Sequence[Labels], matched: BoolArray) -> None:
    groups: dict[Labels, list[int]] = {}
    for row, sig in enumerate(sigs):
        groups.setdefault(sig, []).append(row)
    for rows in groups.values():
        if len(rows) > 1 and (matched[rows].sum(axis=0) > 1).any():
            raise QueryExecutionError(
                "multiple matches for labels: many-to-one matching must be explicit "
                "(group_left/group_right)"
            )


def merge_duplicates(
    vector: Steps, message: str = "vector cannot contain metrics with the same labelset"
) -> Steps:
    """Fold rows with equal labels (present at different steps) into one; overlap is an error."""
    rows: dict[Labels, list[int]] = {}
    for row, labels in enumerate(vector.labels):
        rows.setdefault(labels, []).append(row)
    if len(rows) == len(vector.labels):
        return vector
    merged = list(rows)
    values = np.zeros((len(merged), vector.values.shape[1]))
    present = np.zeros(values.shape, np.bool_)
    drop = np.zeros(len(merged), np.bool_)
    flags = vector.flags()
    for index, members in enumerate(rows.values()):
        if len(members) > 1 and (vector.present[members].sum(axis=0) > 1).any():
            raise QueryExecutionError(message)
        for row in members:
            values[index] = np.where(vector.present[row], vector.values[row], values[index])
        present[index] = vector.present[members].any(axis=0)
        drop[index] = flags[members].any()
    return Steps(merged, values, present, drop)


def unary_minus(vector: Steps) -> Steps:
    return vector.marked(-vector.values, vector.present.copy())

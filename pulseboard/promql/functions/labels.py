"""Functions that rewrite or order by labels: label_replace, label_join, sort*, absent."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import promql_parser as pp

from pulseboard.model.labels import LABEL_NAME_RE, METRIC_NAME, Labels
from pulseboard.promql.api import QueryExecutionError
from pulseboard.promql.regex import to_python
from pulseboard.promql.values import BoolArray, Steps

_TEMPLATE = re.compile(r"\$(\$|\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))")


def _set(labels: Labels, name: str, value: str) -> Labels:
    kept = [(n, v) for n, v in labels if n != name]
    if value:
        kept.append((name, value))
    return tuple(sorted(kept))


def _expand(template: str, match: re.Match[str]) -> str:
    """Go's regexp.Expand: $1, ${1}, $name, ${name}; unknown groups expand to nothing."""

    def one(found: re.Match[str]) -> str:
        if found.group(1) == "$":
            return "$"
        name = found.group(2) or found.group(3)
        try:
            value = match.group(int(name)) if name.isdigit() else match.group(name)
        except (IndexError, KeyError):
            return ""
        return value or ""

    return _TEMPLATE.sub(one, template)


def _valid_label_name(name: str) -> bool:
    return bool(LABEL_NAME_RE.match(name)) or name == METRIC_NAME


def label_replace(
    vector: Steps, destination: str, replacement: str, source: str, regex: str
) -> Steps:
    try:
        pattern = re.compile(f"^(?s:{to_python(regex)})$")
    except re.error as exc:
        raise QueryExecutionError(
            f"invalid regular expression in label_replace(): {regex}"
        ) from exc
    if not _valid_label_name(destination):
        raise QueryExecutionError(
            f"invalid destination label name in label_replace(): {destination}"
        )
    labels = []
    for item in vector.labels:
        found = pattern.match(dict(item).get(source, ""))
        if found is None:
            labels.append(item)
        else:
            labels.append(_set(item, destination, _expand(replacement, found)))
    return Steps(labels, vector.values, vector.present, _drops_after(vector, destination))


def _drops_after(vector: Steps, destination: str) -> BoolArray | None:
    # Writing __name__ explicitly makes it part of the result again.
    return None if destination == METRIC_NAME else vector.drop


def label_join(vector: Steps, destination: str, separator: str, sources: Sequence[str]) -> Steps:
    if not _valid_label_name(destination):
        raise QueryExecutionError(f"invalid destination label name in label_join(): {destination}")
    for source in sources:
        if not _valid_label_name(source):
            raise QueryExecutionError(f"invalid source label name in label_join(): {source}")
    labels = []
    for item in vector.labels:
        as_dict = dict(item)
        joined = separator.join(as_dict.get(source, "") for source in sources)
        labels.append(_set(item, destination, joined))
    return Steps(labels, vector.values, vector.present, _drops_after(vector, destination))


def _natural_key(value: str) -> tuple[tuple[int, int | str], ...]:
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part)
        for part in re.split(r"(\d+)", value)
        if part
    )


def sort_by_label(vector: Steps, names: Sequence[str], descending: bool) -> Steps:
    def key(row: int) -> tuple[object, ...]:
        as_dict = dict(vector.labels[row])
        return (*(_natural_key(as_dict.get(n, "")) for n in names), vector.labels[row])

    order = sorted(range(len(vector)), key=key, reverse=descending)
    return vector.take(order)


def sort_by_value(vector: Steps, descending: bool) -> Steps:
    """Order rows by their value at the first step (instant queries only have one)."""
    if len(vector) == 0 or vector.values.shape[1] == 0:
        return vector
    values = vector.values[:, 0]
    nan = np.isnan(values)
    primary = -values if descending else values
    # NaNs go last in both directions, as Prometheus orders them.
    order = np.lexsort((np.where(nan, 0.0, primary), nan))
    return vector.take(order)


def absent_labels(expr: object) -> Labels:
    """The labels absent() reports: the selector's equality matchers, each name used once."""
    while isinstance(expr, pp.ParenExpr):
        expr = expr.expr
    if isinstance(expr, pp.MatrixSelector):
        expr = expr.vector_selector
    if isinstance(expr, pp.SubqueryExpr):
        return ()
    if not isinstance(expr, pp.VectorSelector):
        return ()
    pairs: dict[str, str] = {}
    seen: set[str] = set()
    for matcher in expr.matchers.matchers:
        if matcher.name == METRIC_NAME:
            continue
        if str(matcher.op) == "MatchOp.Equal" and matcher.name not in seen:
            pairs[matcher.name] = matcher.value
            seen.add(matcher.name)
        else:
            pairs.pop(matcher.name, None)
    return tuple(sorted((n, v) for n, v in pairs.items() if v))

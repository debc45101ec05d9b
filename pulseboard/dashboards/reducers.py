"""One number per series (Grafana's reducers) and what it means: threshold step and mapping."""

from __future__ import annotations

import itertools
import math
import re
import statistics
from collections.abc import Callable
from typing import Any

import numpy as np

from pulseboard.dashboards.model import (
    FieldDefaults,
    MappingResult,
    RangeMapping,
    RegexMapping,
    SpecialMapping,
    ValueMapping,
)
from pulseboard.model.samples import Float64Array

Values = list[float]


def _delta(values: Values) -> float:
    """Cumulative increase: a drop is a counter reset, after which the new value counts."""
    total = 0.0
    for previous, current in itertools.pairwise(values):
        total += current - previous if current >= previous else current
    return total


def _diff_percent(values: Values) -> float:
    return (values[-1] - values[0]) / abs(values[0]) * 100 if values[0] else math.nan


def _changes(values: Values) -> float:
    return float(sum(1 for a, b in itertools.pairwise(values) if a != b))


# Reducers of the non-null values (Grafana's ids). `last`/`first` see nulls too.
_REDUCERS: dict[str, Callable[[Values], float]] = {
    "lastNotNull": lambda v: v[-1],
    "firstNotNull": lambda v: v[0],
    "mean": statistics.fmean,
    "max": max,
    "min": min,
    "sum": math.fsum,
    "count": lambda v: float(len(v)),
    "delta": _delta,
    "range": lambda v: max(v) - min(v),
    "diff": lambda v: v[-1] - v[0],
    "diffperc": _diff_percent,
    "median": statistics.median,
    "stdDev": lambda v: statistics.pstdev(v),
    "variance": lambda v: statistics.pvariance(v),
    "changeCount": _changes,
    "distinctCount": lambda v: float(len(set(v))),
}
CALCS = frozenset(_REDUCERS) | {"last", "first"}


def reduce_values(values: Float64Array, calc: str) -> float | None:
    """The series reduced by `calc` (lastNotNull for a reducer this server does not know).

    Non-finite values are gaps (null), as the frames carry them."""
    if calc in ("last", "first"):
        if not len(values):
            return None
        end = float(values[-1] if calc == "last" else values[0])
        return end if math.isfinite(end) else None
    present: Values = values[np.isfinite(values)].tolist()
    if calc == "count":
        return float(len(present))
    if not present:
        return None
    result = _REDUCERS.get(calc, _REDUCERS["lastNotNull"])(present)
    return result if math.isfinite(result) else None


def threshold_state(
    value: float | None, defaults: FieldDefaults, values: Float64Array
) -> dict[str, Any]:
    """The threshold step the value falls in (its colour and index) and any mapped text/colour."""
    state: dict[str, Any] = {}
    thresholds = defaults.thresholds
    if value is not None and thresholds is not None:
        level = value
        if thresholds.mode == "percentage":
            level = _percent(value, defaults, values)
        index = 0
        for position, step in enumerate(thresholds.steps):
            if step.value is None or level >= step.value:
                index = position
        state["thresholdIndex"] = index
        state["color"] = thresholds.steps[index].color
    mapped = _mapped(value, defaults)
    if mapped is not None:
        if mapped.text is not None:
            state["text"] = mapped.text
        if mapped.color is not None:
            state["color"] = mapped.color
    return state


def _percent(value: float, defaults: FieldDefaults, values: Float64Array) -> float:
    present = values[np.isfinite(values)]
    low, high = (float(present.min()), float(present.max())) if len(present) else (0.0, 0.0)
    low = defaults.min if defaults.min is not None else low
    high = defaults.max if defaults.max is not None else high
    return (value - low) / (high - low) * 100 if high > low else 100.0


def _mapped(value: float | None, defaults: FieldDefaults) -> MappingResult | None:
    text = "" if value is None else _plain(value)
    for mapping in defaults.mappings:
        if isinstance(mapping, ValueMapping) and value is not None:
            found = mapping.options.get(text)
            if found is not None:
                return found
        elif isinstance(mapping, RangeMapping) and value is not None:
            low, high = mapping.options.from_, mapping.options.to
            if (low is None or value >= low) and (high is None or value <= high):
                return mapping.options.result
        elif isinstance(mapping, RegexMapping):
            if re.search(mapping.options.pattern, text):
                return mapping.options.result
        elif isinstance(mapping, SpecialMapping) and _special(value, mapping.options.match):
            return mapping.options.result
    return None


def _special(value: float | None, match: str) -> bool:
    if value is None:
        return match in ("null", "null+nan", "empty")
    if math.isnan(value):
        return match in ("nan", "null+nan")
    return (match == "true" and value == 1) or (match == "false" and value == 0)


def _plain(value: float) -> str:
    """A value as Grafana's value mappings compare it: 1.0 is "1"."""
    return str(int(value)) if value.is_integer() else repr(value)

"""Grafana's reducers and threshold/mapping states, on frames' values (non-finite = gap)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from pulseboard.dashboards.model import FieldDefaults
from pulseboard.dashboards.reducers import reduce_values, threshold_state

VALUES = np.array([4.0, math.nan, 10.0, 2.0, 5.0, math.inf])  # a reset after 10, a gap, a gap


@pytest.mark.parametrize(
    ("calc", "expected"),
    [
        ("lastNotNull", 5.0),
        ("last", None),  # the last point is a gap
        ("first", 4.0),
        ("firstNotNull", 4.0),
        ("mean", 5.25),
        ("max", 10.0),
        ("min", 2.0),
        ("sum", 21.0),
        ("count", 4.0),
        ("delta", 6.0 + 2.0 + 3.0),  # increases, and after the reset the new value
        ("range", 8.0),
        ("diff", 1.0),
        ("diffperc", 25.0),
        ("changeCount", 3.0),
        ("distinctCount", 4.0),
        ("median", 4.5),
        ("noSuchReducer", 5.0),  # unknown: lastNotNull
    ],
)
def test_reducers(calc: str, expected: float | None) -> None:
    assert reduce_values(VALUES, calc) == expected


def test_no_values() -> None:
    assert reduce_values(np.array([]), "mean") is None
    assert reduce_values(np.array([math.nan]), "last") is None
    assert reduce_values(np.array([math.nan]), "count") == 0.0


def _defaults(**fields: object) -> FieldDefaults:
    return FieldDefaults.model_validate(fields)


def test_absolute_and_percentage_thresholds() -> None:
    steps = [{"color": "green", "value": None}, {"color": "amber", "value": 50},
             {"color": "red", "value": 80}]  # fmt: skip
    absolute = _defaults(thresholds={"mode": "absolute", "steps": steps})
    assert threshold_state(49.9, absolute, VALUES) == {"thresholdIndex": 0, "color": "green"}
    assert threshold_state(80.0, absolute, VALUES) == {"thresholdIndex": 2, "color": "red"}
    # Percentage of min..max: the field's own, else the data's (2..10 here).
    percentage = _defaults(thresholds={"mode": "percentage", "steps": steps})
    assert threshold_state(6.0, percentage, VALUES)["color"] == "amber"  # 50 %
    assert threshold_state(9.0, percentage, VALUES)["color"] == "red"  # 87.5 %
    bounded = _defaults(min=0, max=100, thresholds={"mode": "percentage", "steps": steps})
    assert threshold_state(9.0, bounded, VALUES)["color"] == "green"


def test_value_range_and_special_mappings() -> None:
    defaults = _defaults(
        mappings=[
            {"type": "value", "options": {"1": {"text": "Up", "color": "green"}}},
            {"type": "range", "options": {"from": 2, "to": 5, "result": {"text": "Degraded"}}},
            {"type": "special", "options": {"match": "null", "result": {"text": "No data"}}},
        ]
    )
    assert threshold_state(1.0, defaults, VALUES) == {"text": "Up", "color": "green"}
    assert threshold_state(3.5, defaults, VALUES) == {"text": "Degraded"}
    assert threshold_state(None, defaults, VALUES) == {"text": "No data"}
    assert threshold_state(7.0, defaults, VALUES) == {}

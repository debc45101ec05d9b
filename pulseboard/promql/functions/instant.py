"""Element-wise functions of an instant vector: math, trig, clamping, rounding, dates."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from pulseboard.model.samples import Float64Array, Int64Array
from pulseboard.promql.values import ScalarSteps, Steps

Unary = Callable[[Float64Array], Float64Array]


def _sgn(v: Float64Array) -> Float64Array:
    return np.sign(v)


MATH: dict[str, Unary] = {
    "abs": np.abs,
    "ceil": np.ceil,
    "floor": np.floor,
    "exp": np.exp,
    "ln": np.log,
    "log2": np.log2,
    "log10": np.log10,
    "sqrt": np.sqrt,
    "sgn": _sgn,
    "acos": np.arccos,
    "acosh": np.arccosh,
    "asin": np.arcsin,
    "asinh": np.arcsinh,
    "atan": np.arctan,
    "atanh": np.arctanh,
    "cos": np.cos,
    "cosh": np.cosh,
    "sin": np.sin,
    "sinh": np.sinh,
    "tan": np.tan,
    "tanh": np.tanh,
    "deg": np.degrees,
    "rad": np.radians,
}


def _civil(seconds: Float64Array) -> tuple[Int64Array, ...]:
    """Calendar fields (UTC) of unix seconds, truncated to whole seconds as Go's time.Unix does."""
    finite = np.isfinite(seconds)
    whole = np.where(finite, np.trunc(np.where(finite, seconds, 0)), 0).astype(np.int64)
    instant = whole.astype("datetime64[s]")
    day = instant.astype("datetime64[D]")
    month = day.astype("datetime64[M]")
    year = day.astype("datetime64[Y]")
    next_month = month + np.timedelta64(1, "M")
    return (
        (year.astype(np.int64) + 1970),
        (month.astype(np.int64) % 12 + 1),
        ((day - month.astype("datetime64[D]")).astype(np.int64) + 1),
        ((day.astype(np.int64) + 4) % 7),  # 1970-01-01 was a Thursday
        ((day - year.astype("datetime64[D]")).astype(np.int64) + 1),
        (next_month.astype("datetime64[D]") - month.astype("datetime64[D]")).astype(np.int64),
        ((instant - day.astype("datetime64[s]")).astype(np.int64) // 3600),
        ((instant - day.astype("datetime64[s]")).astype(np.int64) // 60 % 60),
    )


_DATE_FIELDS = {
    "year": 0,
    "month": 1,
    "day_of_month": 2,
    "day_of_week": 3,
    "day_of_year": 4,
    "days_in_month": 5,
    "hour": 6,
    "minute": 7,
}
DATE_FUNCTIONS = frozenset(_DATE_FIELDS)


def date_field(name: str, seconds: Float64Array) -> Float64Array:
    result = _civil(seconds.reshape(-1))[_DATE_FIELDS[name]].astype(np.float64)
    result = np.where(np.isfinite(seconds.reshape(-1)), result, np.nan)
    return result.reshape(seconds.shape)


def map_values(vector: Steps, fn: Callable[[Float64Array], Float64Array]) -> Steps:
    with np.errstate(all="ignore"):
        values = fn(vector.values)
    return vector.marked(values, vector.present.copy())


def clamp(vector: Steps, low: ScalarSteps | None, high: ScalarSteps | None) -> Steps:
    values = vector.values
    present = vector.present
    with np.errstate(invalid="ignore"):
        if high is not None:
            values = np.minimum(values, high.values[None, :])
        if low is not None:
            values = np.maximum(values, low.values[None, :])
        if low is not None and high is not None:
            # Prometheus returns nothing at steps where the bounds are inverted.
            present = present & ~(high.values < low.values)[None, :]
    return vector.marked(values, present.copy()).compact()


def round_to(vector: Steps, nearest: ScalarSteps | None) -> Steps:
    with np.errstate(all="ignore"):
        if nearest is None:
            values = np.floor(vector.values + 0.5)
        else:
            inverse = 1.0 / nearest.values[None, :]
            values = np.floor(vector.values * inverse + 0.5) / inverse
    return vector.marked(values, vector.present.copy())

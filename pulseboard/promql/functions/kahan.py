"""Prometheus' compensated (Kahan-Neumaier) summation, vectorised over many sums at once."""

from __future__ import annotations

import numpy as np

from pulseboard.model.samples import Float64Array
from pulseboard.promql.values import BoolArray


def kahan_inc(
    inc: Float64Array, total: Float64Array, comp: Float64Array
) -> tuple[Float64Array, Float64Array]:
    with np.errstate(invalid="ignore", over="ignore"):
        new = total + inc
        bigger = np.abs(total) >= np.abs(inc)
        delta = np.where(bigger, (total - new) + inc, (inc - new) + total)
        comp = np.where(np.isinf(new), 0.0, comp + delta)
    return new, comp


def kahan_result(total: Float64Array, comp: Float64Array) -> Float64Array:
    with np.errstate(invalid="ignore"):
        return np.where(np.isinf(total), total, total + comp)


def kahan_rows(values: Float64Array, mask: BoolArray) -> Float64Array:
    """Compensated sum of each row's masked cells, in column order as Prometheus adds them."""
    total = np.zeros(values.shape[0], np.float64)
    comp = np.zeros(values.shape[0], np.float64)
    for column in range(values.shape[1]):
        cell = np.where(mask[:, column], values[:, column], 0.0)
        total, comp = kahan_inc(cell, total, comp)
    return kahan_result(total, comp)

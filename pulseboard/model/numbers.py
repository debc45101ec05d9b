"""Floats written as Prometheus writes them (query results, count_values labels)."""

from __future__ import annotations

import math
from decimal import Decimal


def format_value(value: float) -> str:
    """Go's strconv.FormatFloat(v, 'f', -1, 64): the shortest digits that round-trip, never an
    exponent; NaN and the infinities as Prometheus spells them."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    text = repr(value)
    if "e" in text:
        text = format(Decimal(text), "f")
    return text.removesuffix(".0")

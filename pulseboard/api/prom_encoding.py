"""Query results written as the Prometheus HTTP API writes them, byte for byte.

Responses are written as JSON text directly rather than built as Python dicts and encoded: for a
range query, building the dict-and-list structure costs far more than encoding it, so each
series' points become one string made by C-level joins over per-value texts.
"""

from __future__ import annotations

import numpy as np
import orjson

from pulseboard.api.envelope import truncated
from pulseboard.model.numbers import format_value
from pulseboard.model.samples import Float64Array, Int64Array
from pulseboard.promql.api import (
    InstantSample,
    Matrix,
    QueryResult,
    RangeSeries,
    Scalar,
    String,
    Vector,
)

_NUMPY = orjson.OPT_SERIALIZE_NUMPY


def format_timestamp(milliseconds: int) -> str:
    """Seconds with the milliseconds as Prometheus writes them: 1700000000, 1700000000.500."""
    sign = "-" if milliseconds < 0 else ""
    seconds, fraction = divmod(abs(milliseconds), 1000)
    return f"{sign}{seconds}.{fraction:03d}" if fraction else f"{sign}{seconds}"


class _PointOpenings(dict[int, str]):
    """`"],[<timestamp>,"` per millisecond timestamp, made once per response, and the list of
    them per timestamp array: the series of a range query mostly share their timestamps."""

    def __init__(self) -> None:
        super().__init__()
        self._lists: dict[bytes, list[str]] = {}

    def __missing__(self, milliseconds: int) -> str:
        text = self[milliseconds] = f'"],[{format_timestamp(milliseconds)},"'
        return text

    def first(self, milliseconds: int) -> str:
        """`[<timestamp>,"`: the opening of a point with no point before it."""
        return self[milliseconds][3:]

    def of(self, timestamps: Int64Array) -> list[str]:
        key = timestamps.tobytes()
        found = self._lists.get(key)
        if found is None:
            found = self._lists[key] = list(map(self.__getitem__, timestamps.tolist()))
        return found


def _value_texts(values: Float64Array) -> list[str]:
    """Each value as format_value writes it, for a whole array at once.

    The digits come from orjson (Ryu): Python's repr needs ~0.7 us for a full-precision float,
    which made it most of a range query's encoding time. Both give the shortest digits that
    round-trip; only the spelling of integral values, exponents (below 1e-5, from 1e16) and
    non-finite values (which orjson writes as null) differs, and those are mended here.
    """
    if len(values) == 0:
        return []
    text = orjson.dumps(np.ascontiguousarray(values, np.float64), option=_NUMPY).decode()
    texts = (text[1:-1] + ",").replace(".0,", ",").split(",")
    texts.pop()
    if "e" in text or "l" in text:  # rare: exponents and nulls, written one by one
        for i, item in enumerate(texts):
            if "e" in item or "l" in item:
                texts[i] = format_value(float(values[i]))
    return texts


def _points(timestamps: Int64Array, texts: list[str], openings: _PointOpenings) -> str:
    """`[t,"v"],[t,"v"],...` for one series: openings and value texts interleaved by slice
    assignment, then one join, so no string is made per point."""
    if len(timestamps) == 0:
        return ""
    parts = [""] * (2 * len(timestamps))
    parts[0::2] = openings.of(timestamps)
    parts[1::2] = texts
    parts[0] = parts[0][3:]  # the first point has no predecessor to close
    parts.append('"]')
    return "".join(parts)


def _metric(labels: tuple[tuple[str, str], ...]) -> str:
    return orjson.dumps(dict(labels)).decode()


def _matrix(series: list[RangeSeries], openings: _PointOpenings) -> str:
    # The values of all series are formatted in one go: per-call overhead would otherwise be
    # paid once per series.
    texts = _value_texts(np.concatenate([s.values for s in series])) if series else []
    items = []
    at = 0
    for s in series:
        end = at + len(s.timestamps)
        points = _points(s.timestamps, texts[at:end], openings)
        items.append(f'{{"metric":{_metric(s.labels)},"values":[{points}]}}')
        at = end
    return "[" + ",".join(items) + "]"


def _vector(samples: list[InstantSample], openings: _PointOpenings) -> str:
    texts = _value_texts(np.fromiter((s.value for s in samples), np.float64, len(samples)))
    items = [
        f'{{"metric":{_metric(s.labels)},"value":{openings.first(s.timestamp_ms)}{v}"]}}'
        for s, v in zip(samples, texts, strict=True)
    ]
    return "[" + ",".join(items) + "]"


def encode_result(result: QueryResult, most: int | None = None) -> bytes:
    """The whole success envelope, byte for byte as Prometheus writes it."""
    value = result.value
    warnings = list(result.warnings)
    openings = _PointOpenings()
    if isinstance(value, Matrix):
        series = value.series
        series, truncation = truncated(series, most)
        warnings += truncation
        kind = "matrix"
        body = _matrix(series, openings)
    elif isinstance(value, Vector):
        samples = value.samples
        samples, truncation = truncated(samples, most)
        warnings += truncation
        kind = "vector"
        body = _vector(samples, openings)
    elif isinstance(value, Scalar):
        kind = "scalar"
        body = f'[{format_timestamp(value.timestamp_ms)},"{format_value(value.value)}"]'
    elif isinstance(value, String):
        kind = "string"
        body = f"[{format_timestamp(value.timestamp_ms)},{orjson.dumps(value.value).decode()}]"
    else:  # pragma: no cover - the engine's Value union is closed
        raise TypeError(f"unexpected query result {type(value).__name__}")
    text = f'{{"status":"success","data":{{"resultType":"{kind}","result":{body}}}'
    if warnings:
        text += f',"warnings":{orjson.dumps(warnings).decode()}'
    return (text + "}").encode()

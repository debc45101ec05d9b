"""The structured query: a small JSON form for people who do not write PromQL, compiled to PromQL.

    {"metric": "http_request_duration_seconds", "time_range": {"start": "now-6h", "end": "now"},
     "step": "1m", "aggregation": "p95", "group_by": ["route"], "filters": {"method": "GET"}}

compiles to

    histogram_quantile(0.95, sum by (le, route) (rate(http_request_duration_seconds_bucket{
        method="GET"}[1m])))

Compiling to PromQL (instead of evaluating on the side) keeps one engine behind every number, and
the compiled text is returned so a user can carry it into a dashboard or a rule.
"""

from __future__ import annotations

import math
import re
import time
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from pulseboard.config import parse_duration
from pulseboard.model.labels import LABEL_NAME_RE, METRIC_NAME_RE

Aggregation = Literal["avg", "sum", "count", "min", "max", "p50", "p95", "p99"]

_RELATIVE_RE = re.compile(r"^now\s*(?:([+-])\s*(\S+))?$")
# Rate windows shorter than four 15 s scrapes are noisy or empty; dashboards' $__rate_interval
# follows the same rule.
MIN_RATE_WINDOW_MS = 60_000
# Points a chart needs when the caller names no step.
DEFAULT_POINTS = 250


def parse_instant(value: object, now_ms: int | None = None) -> int:
    """RFC 3339, unix seconds, `now`, or `now-6h` / `now+5m`, to milliseconds."""
    if isinstance(value, bool):
        raise ValueError("expected a time")
    if isinstance(value, int | float):
        return _unix_ms(value)
    if not isinstance(value, str):
        raise ValueError("expected RFC 3339, unix seconds, or now-<duration>")
    text = value.strip()
    relative = _RELATIVE_RE.match(text)
    if relative:
        now = now_ms if now_ms is not None else round(time.time() * 1000)
        if relative.group(1) is None:
            return now
        try:
            shift = round(parse_duration(relative.group(2)).total_seconds() * 1000)
        except ValueError:
            raise ValueError(f"invalid duration {relative.group(2)!r} in {text!r}") from None
        return now + shift if relative.group(1) == "+" else now - shift
    try:
        seconds = float(text)
    except ValueError:
        pass
    else:
        return _unix_ms(seconds)
    try:
        return round(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1000)
    except ValueError:
        raise ValueError(
            f"cannot parse {text!r}: use RFC 3339, unix seconds, or now-<duration>"
        ) from None


def _unix_ms(seconds: float) -> int:
    # Years 1 to 9999, what RFC 3339 can write; beyond them steps would overflow int64.
    if not math.isfinite(seconds) or abs(seconds) > 253_402_300_799:
        raise ValueError("expected a unix time between years 1 and 9999")
    return round(seconds * 1000)


def _step_ms(value: object) -> object:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        milliseconds = value * 1000
    elif isinstance(value, str):
        try:
            milliseconds = float(value) * 1000
        except ValueError:
            milliseconds = parse_duration(value).total_seconds() * 1000
    else:
        return value
    if not math.isfinite(milliseconds) or milliseconds < 1:
        raise ValueError("step must be positive (at least 1ms)")
    return round(milliseconds)


Instant = Annotated[int, BeforeValidator(parse_instant)]


class TimeRange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    start: Instant
    end: Instant = Field(default_factory=lambda: round(time.time() * 1000))

    @model_validator(mode="after")
    def _ordered(self) -> TimeRange:
        if self.end < self.start:
            raise ValueError("end must not be before start")
        return self


class StructuredQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    metric: str
    time_range: TimeRange
    # Milliseconds; given as seconds or a duration ("30s"). None: about DEFAULT_POINTS points.
    step: Annotated[int | None, BeforeValidator(_step_ms)] = None
    aggregation: Aggregation = "avg"
    group_by: list[str] = Field(default_factory=list)
    filters: dict[str, str] = Field(default_factory=dict)

    @field_validator("metric")
    @classmethod
    def _metric(cls, value: str) -> str:
        if not METRIC_NAME_RE.match(value):
            raise ValueError(f"{value!r} is not a valid metric name")
        return value

    @field_validator("group_by")
    @classmethod
    def _group_by(cls, value: list[str]) -> list[str]:
        for name in value:
            if not LABEL_NAME_RE.match(name):
                raise ValueError(f"{name!r} is not a valid label name")
        return list(dict.fromkeys(value))

    @field_validator("filters")
    @classmethod
    def _filters(cls, value: dict[str, str]) -> dict[str, str]:
        for name in value:
            if not LABEL_NAME_RE.match(name) or name == "__name__":
                raise ValueError(f"{name!r} is not a label name a filter can use")
        return value

    def step_ms(self) -> int:
        if self.step is not None:
            return self.step
        span = self.time_range.end - self.time_range.start
        # Whole seconds keep the steps aligned with scrapes and cache keys stable across reloads.
        return max(1000, math.ceil(span / DEFAULT_POINTS / 1000) * 1000)


def quote(value: str) -> str:
    """A PromQL double-quoted string literal holding exactly `value`."""
    escaped = (
        value.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\n")
        .replace("\r", "\\r")
        .replace("\t", "\\t")
    )
    # Other control characters would end up raw inside the literal; spell them as escapes.
    return '"' + re.sub(r"[\x00-\x1f\x7f]", lambda m: f"\\x{ord(m.group()):02x}", escaped) + '"'


def format_duration(milliseconds: int) -> str:
    """The shortest PromQL duration for a whole number of milliseconds."""
    parts = []
    for unit, size in (("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1000)):
        count, milliseconds = divmod(milliseconds, size)
        if count:
            parts.append(f"{count}{unit}")
    if milliseconds or not parts:
        parts.append(f"{milliseconds}ms")
    return "".join(parts)


def compile_query(query: StructuredQuery, *, histogram: bool) -> str:
    """PromQL for the structured query. `histogram`: the metric has classic `_bucket` series,
    so percentiles come from histogram_quantile instead of quantile over raw values."""
    aggregation = query.aggregation
    by = f" by ({', '.join(query.group_by)})" if query.group_by else ""
    if not aggregation.startswith("p"):
        return f"{aggregation}{by} ({_selector(query.metric, query.filters)})"
    phi = f"0.{aggregation[1:]}"
    if not histogram:
        return f"quantile{by} ({phi}, {_selector(query.metric, query.filters)})"
    buckets = query.metric if query.metric.endswith("_bucket") else f"{query.metric}_bucket"
    window = format_duration(max(query.step_ms(), MIN_RATE_WINDOW_MS))
    le_by = ", ".join(["le", *(name for name in query.group_by if name != "le")])
    return (
        f"histogram_quantile({phi}, sum by ({le_by}) "
        f"(rate({_selector(buckets, query.filters)}[{window}])))"
    )


def _selector(metric: str, filters: dict[str, str]) -> str:
    if not filters:
        return metric
    return (
        metric + "{" + ", ".join(f"{name}={quote(value)}" for name, value in filters.items()) + "}"
    )

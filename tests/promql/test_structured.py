"""The structured query compiles to the PromQL a person would write for it."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from pulseboard.promql.structured import (
    StructuredQuery,
    compile_query,
    format_duration,
    parse_instant,
    quote,
)

NOW_MS = 1_700_000_000_000


def make(**fields: Any) -> StructuredQuery:
    body = {"metric": "http_requests_total", "time_range": {"start": 1699996400, "end": 1700000000}}
    return StructuredQuery.model_validate({**body, **fields})


@pytest.mark.parametrize(
    ("fields", "histogram", "promql"),
    [
        ({}, False, "avg (http_requests_total)"),
        ({"aggregation": "count"}, False, "count (http_requests_total)"),
        (
            {"aggregation": "sum", "group_by": ["job", "code"], "filters": {"env": "prod"}},
            False,
            'sum by (job, code) (http_requests_total{env="prod"})',
        ),
        (
            {"aggregation": "max", "filters": {"a": "1", "b": "2"}},
            False,
            'max (http_requests_total{a="1", b="2"})',
        ),
        ({"aggregation": "p50"}, False, "quantile (0.50, http_requests_total)"),
        (
            {"aggregation": "p99", "group_by": ["job"]},
            False,
            "quantile by (job) (0.99, http_requests_total)",
        ),
        (
            {"aggregation": "p95", "metric": "latency_seconds", "step": "5m"},
            True,
            "histogram_quantile(0.95, sum by (le) (rate(latency_seconds_bucket[5m])))",
        ),
        (
            {
                "aggregation": "p99",
                "metric": "latency_seconds_bucket",
                "group_by": ["route", "le"],
                "filters": {"method": "GET"},
                "step": 15,
            },
            True,
            "histogram_quantile(0.99, sum by (le, route) "
            '(rate(latency_seconds_bucket{method="GET"}[1m])))',
        ),
    ],
)
def test_compiles(fields: dict[str, Any], histogram: bool, promql: str) -> None:
    assert compile_query(make(**fields), histogram=histogram) == promql


@pytest.mark.parametrize(
    ("value", "literal"),
    [
        ("plain", '"plain"'),
        ('say "hi"', '"say \\"hi\\""'),
        ("back\\slash", '"back\\\\slash"'),
        ("line\nbreak\ttab", '"line\\nbreak\\ttab"'),
        ("bell\x07", '"bell\\x07"'),
        ('"} or vector(1) #', '"\\"} or vector(1) #"'),
        ("ünïcode", '"ünïcode"'),
    ],
)
def test_label_values_are_quoted_safely(value: str, literal: str) -> None:
    assert quote(value) == literal


def test_a_filter_cannot_break_out_of_its_selector() -> None:
    promql = compile_query(make(filters={"job": '"} or vector(1) or up{a="'}), histogram=False)
    assert promql == 'avg (http_requests_total{job="\\"} or vector(1) or up{a=\\""})'


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("now", NOW_MS),
        ("now-6h", NOW_MS - 6 * 3_600_000),
        ("now - 30m", NOW_MS - 1_800_000),
        ("now+1d", NOW_MS + 86_400_000),
        (1700000000, NOW_MS),
        (1700000000.25, NOW_MS + 250),
        ("1700000000", NOW_MS),
        ("2023-11-14T22:13:20Z", NOW_MS),
        ("2023-11-14T23:13:20+01:00", NOW_MS),
    ],
)
def test_instants(text: object, expected: int) -> None:
    assert parse_instant(text, NOW_MS) == expected


@pytest.mark.parametrize(
    "text",
    ["later", "now-", "now-6x", "now*2", True, None, float("nan"), "inf", "-1e300", 1e300],
)
def test_bad_instants(text: object) -> None:
    with pytest.raises(ValueError):
        parse_instant(text, NOW_MS)


@pytest.mark.parametrize(
    ("ms", "text"), [(60_000, "1m"), (90_000, "1m30s"), (500, "500ms"), (86_400_000, "1d")]
)
def test_durations(ms: int, text: str) -> None:
    assert format_duration(ms) == text


def test_default_step_gives_a_chart_sized_number_of_points() -> None:
    query = make(time_range={"start": 0, "end": 6 * 3600})
    assert query.step_ms() == 87_000  # 6h / 250 points, rounded up to whole seconds
    assert make(time_range={"start": 0, "end": 10}).step_ms() == 1000


def test_group_by_is_deduplicated_in_order() -> None:
    assert make(group_by=["b", "a", "b"]).group_by == ["b", "a"]


@pytest.mark.parametrize(
    ("fields", "location"),
    [
        ({"metric": "1abc"}, ("metric",)),
        ({"aggregation": "median"}, ("aggregation",)),
        ({"group_by": ["bad-label"]}, ("group_by",)),
        ({"filters": {"__name__": "x"}}, ("filters",)),
        ({"step": 0}, ("step",)),
        ({"time_range": {"start": 2, "end": 1}}, ("time_range",)),
        ({"time_range": {}}, ("time_range", "start")),
    ],
)
def test_invalid_fields_are_located(fields: dict[str, Any], location: tuple[str, ...]) -> None:
    with pytest.raises(ValidationError) as caught:
        make(**fields)
    assert [error["loc"] for error in caught.value.errors()] == [location]

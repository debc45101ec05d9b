"""The Prometheus query API: parameters, envelope, encoding and errors as Prometheus answers them.

The HTTP layer's own behaviour is tested with a stand-in engine that records what it was asked
and answers what a test tells it; everything that needs PromQL evaluated runs against the real
engine (and is skipped while `pulseboard.promql.engine` is not there).
"""

from __future__ import annotations

import asyncio
import math
import re
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
import yaml
from fastapi.testclient import TestClient

from pulseboard.api.prom_encoding import encode_result, format_timestamp
from pulseboard.config import Settings
from pulseboard.model.numbers import format_value
from pulseboard.promql.api import (
    InstantSample,
    Matrix,
    QueryExecutionError,
    QueryParseError,
    QueryResult,
    QueryTimeoutError,
    RangeSeries,
    Scalar,
    SharedSubexpressions,
    String,
    Vector,
)
from pulseboard.server import Pulseboard, create_app
from pulseboard.storage.protocol import UNRESTRICTED, Scope

T0 = 1_700_000_000_000  # ms


def labels(**pairs: str) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(pairs.items()))


class FakeEngine:
    """Answers `result` (or raises it) and records each call."""

    def __init__(self, result: QueryResult | Exception | None = None) -> None:
        self.result: QueryResult | Exception = result or QueryResult(Vector([]))
        self.calls: list[tuple[Any, ...]] = []
        self.before: Callable[[], object] = lambda: None

    def _answer(self) -> QueryResult:
        self.before()
        if isinstance(self.result, Exception):
            raise self.result
        return self.result

    def instant(
        self, query: str, time_ms: int, scope: Scope = UNRESTRICTED, timeout_s: float | None = None
    ) -> QueryResult:
        self.calls.append(("instant", query, time_ms, scope, timeout_s))
        return self._answer()

    def range(
        self,
        query: str,
        start_ms: int,
        end_ms: int,
        step_ms: int,
        scope: Scope = UNRESTRICTED,
        timeout_s: float | None = None,
        shared: SharedSubexpressions | None = None,
    ) -> QueryResult:
        self.calls.append(("range", query, start_ms, end_ms, step_ms, scope, timeout_s))
        return self._answer()


@pytest.fixture
def fake(client: TestClient) -> FakeEngine:
    engine = FakeEngine()
    client.app.state.pulseboard.engine = engine  # type: ignore[attr-defined]
    return engine


def error_of(response: httpx.Response, status: int, error_type: str) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["status"] == "error"
    assert body["errorType"] == error_type
    return str(body["error"])


# ------------------------------------------------------------------------------ value encoding


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1.0, "1"),
        (0.0, "0"),
        (-0.0, "-0"),
        (0.1, "0.1"),
        (-2.5, "-2.5"),
        (1 / 3, "0.3333333333333333"),
        (123456789.125, "123456789.125"),
        (float("nan"), "NaN"),
        (float("inf"), "+Inf"),
        (float("-inf"), "-Inf"),
        (1e-7, "0.0000001"),
        (1.5e-5, "0.000015"),
        (1e-6, "0.000001"),
        (1e16, "10000000000000000"),
        (2.5e20, "250000000000000000000"),
        (2.0**70, "1180591620717411300000"),
        (-1.5e30, "-1500000000000000000000000000000"),
        (5e-324, "0." + "0" * 323 + "5"),
    ],
)
def test_values_are_formatted_as_go_formats_them(value: float, text: str) -> None:
    assert format_value(value) == text


@pytest.mark.parametrize(
    ("ms", "text"),
    [
        (T0, "1700000000"),
        (T0 + 500, "1700000000.500"),
        (T0 + 5, "1700000000.005"),
        (0, "0"),
        (-1500, "-1.500"),
    ],
)
def test_timestamps_are_seconds_with_milliseconds(ms: int, text: str) -> None:
    assert format_timestamp(ms) == text


def test_matrix_encoding_matches_value_by_value_formatting() -> None:
    rng = np.random.default_rng(7)
    special = [0.0, -0.0, 1.0, 1e16, 3e-5, 1e-9, 1e22, math.nan, math.inf, -math.inf, 42.0]
    values = np.concatenate([rng.normal(0, 1e3, 200), rng.integers(-9, 9, 50), special])
    for chunk in (values, values[:20], values[250:], values[-3:]):
        stamps = T0 + np.arange(len(chunk), dtype=np.int64) * 15_500
        series = RangeSeries(labels(__name__="m"), stamps, chunk.astype(np.float64))
        body = encode_result(QueryResult(Matrix([series])))
        expected = ",".join(
            f'[{format_timestamp(t)},"{format_value(v)}"]'
            for t, v in zip(stamps.tolist(), chunk.tolist(), strict=True)
        )
        assert f'"values":[{expected}]'.encode() in body


def test_envelopes_are_byte_for_byte_prometheus() -> None:
    vector = Vector([InstantSample(labels(__name__="up", job="a"), T0 + 500, 1.0)])
    assert encode_result(QueryResult(vector)) == (
        b'{"status":"success","data":{"resultType":"vector","result":'
        b'[{"metric":{"__name__":"up","job":"a"},"value":[1700000000.500,"1"]}]}}'
    )
    matrix = Matrix(
        [
            RangeSeries(
                labels(job="a"),
                np.array([T0, T0 + 15_000], np.int64),
                np.array([0.5, math.nan]),
            ),
            RangeSeries(labels(job="b"), np.empty(0, np.int64), np.empty(0)),
        ]
    )
    assert encode_result(QueryResult(matrix, ["w1"])) == (
        b'{"status":"success","data":{"resultType":"matrix","result":['
        b'{"metric":{"job":"a"},"values":[[1700000000,"0.5"],[1700000015,"NaN"]]},'
        b'{"metric":{"job":"b"},"values":[]}]},"warnings":["w1"]}'
    )
    assert encode_result(QueryResult(Scalar(T0, math.inf))) == (
        b'{"status":"success","data":{"resultType":"scalar","result":[1700000000,"+Inf"]}}'
    )
    assert encode_result(QueryResult(String(T0, 'say "hi"'))) == (
        b'{"status":"success","data":{"resultType":"string","result":[1700000000,"say \\"hi\\""]}}'
    )


# -------------------------------------------------------------------------- instant query


def test_instant_query_envelope_and_parameters(client: TestClient, fake: FakeEngine) -> None:
    fake.result = QueryResult(
        Vector(
            [
                InstantSample(labels(__name__="up", job="a"), T0, 1.0),
                InstantSample(labels(__name__="up", job="b"), T0, math.nan),
            ]
        )
    )
    response = client.get("/api/v1/query", params={"query": "up", "time": "1700000000"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {
        "status": "success",
        "data": {
            "resultType": "vector",
            "result": [
                {"metric": {"__name__": "up", "job": "a"}, "value": [1700000000, "1"]},
                {"metric": {"__name__": "up", "job": "b"}, "value": [1700000000, "NaN"]},
            ],
        },
    }
    assert fake.calls == [("instant", "up", T0, UNRESTRICTED, 120.0)]


def test_instant_query_by_post_form_rfc3339_and_timeout(
    client: TestClient, fake: FakeEngine
) -> None:
    response = client.post(
        "/api/v1/query",
        data={"query": "sum(up)", "time": "2023-11-14T22:13:20.5Z", "timeout": "30s"},
    )
    assert response.status_code == 200, response.text
    assert fake.calls == [("instant", "sum(up)", T0 + 500, UNRESTRICTED, 30.0)]


def test_instant_query_time_defaults_to_now(client: TestClient, fake: FakeEngine) -> None:
    before = time.time() * 1000
    assert client.get("/api/v1/query", params={"query": "up"}).status_code == 200
    assert before - 1 <= fake.calls[0][2] <= time.time() * 1000 + 1


def test_timeout_cannot_exceed_the_configured_one(make_client: Callable[..., TestClient]) -> None:
    client = make_client(query={"timeout": "10s"})
    fake = FakeEngine()
    client.app.state.pulseboard.engine = fake  # type: ignore[attr-defined]
    client.get("/api/v1/query", params={"query": "up", "timeout": "1m"})
    client.get("/api/v1/query", params={"query": "up", "timeout": "2.5"})
    assert [call[-1] for call in fake.calls] == [10.0, 2.5]


def test_limit_truncates_with_a_warning(client: TestClient, fake: FakeEngine) -> None:
    fake.result = QueryResult(
        Vector([InstantSample(labels(job=str(i)), T0, float(i)) for i in range(5)])
    )
    body = client.get("/api/v1/query", params={"query": "up", "limit": "2"}).json()
    assert [s["metric"]["job"] for s in body["data"]["result"]] == ["0", "1"]
    assert body["warnings"] == ["results truncated due to limit"]
    body = client.get("/api/v1/query", params={"query": "up", "limit": "5"}).json()
    assert len(body["data"]["result"]) == 5
    assert "warnings" not in body


def test_engine_warnings_are_passed_on(client: TestClient, fake: FakeEngine) -> None:
    fake.result = QueryResult(Scalar(T0, 2.0), ["PromQL info: something"])
    body = client.get("/api/v1/query", params={"query": "1+1"}).json()
    assert body["data"] == {"resultType": "scalar", "result": [1700000000, "2"]}
    assert body["warnings"] == ["PromQL info: something"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({}, 'invalid parameter "query": 1:1: parse error: no expression found in input'),
        ({"query": "  "}, 'invalid parameter "query": 1:1: parse error: no expression found'),
        (
            {"query": "up", "time": "yesterday"},
            'invalid parameter "time": Invalid time value for \'time\': cannot parse "yesterday"',
        ),
        (
            {"query": "up", "time": "1 "},
            'invalid parameter "time": Invalid time value for \'time\': cannot parse "1 "',
        ),
        ({"query": "up", "timeout": "5x"}, 'invalid parameter "timeout": cannot parse "5x"'),
        ({"query": "up", "timeout": "1m1h"}, 'invalid parameter "timeout": cannot parse'),
        ({"query": "up", "limit": "-1"}, 'invalid parameter "limit"'),
    ],
)
def test_instant_query_bad_parameters(
    client: TestClient, fake: FakeEngine, query: dict[str, str], message: str
) -> None:
    assert error_of(client.get("/api/v1/query", params=query), 400, "bad_data").startswith(message)
    assert fake.calls == []


@pytest.mark.parametrize(
    ("error", "status", "error_type", "message"),
    [
        (
            QueryParseError('1:5: parse error: unexpected "("'),
            400,
            "bad_data",
            'invalid parameter "query": 1:5: parse error: unexpected "("',
        ),
        (
            QueryExecutionError("found duplicate series for the match group"),
            422,
            "execution",
            "found duplicate series for the match group",
        ),
        (
            QueryTimeoutError("query timed out in expression evaluation"),
            503,
            "timeout",
            "query timed out in expression evaluation",
        ),
    ],
)
def test_engine_errors_keep_their_type_and_status(
    client: TestClient,
    fake: FakeEngine,
    error: Exception,
    status: int,
    error_type: str,
    message: str,
) -> None:
    fake.result = error
    for path, extra in (("/api/v1/query", {}), ("/api/v1/query_range", RANGE)):
        response = client.get(path, params={"query": "x", **extra})
        assert error_of(response, status, error_type) == message


def test_an_engine_bug_is_answered_in_the_envelope(client: TestClient, fake: FakeEngine) -> None:
    fake.result = ValueError("number too large to fit in target type")
    response = client.get("/api/v1/query", params={"query": "up"})
    message = error_of(response, 500, "internal")
    assert message == "ValueError: number too large to fit in target type"


def test_a_timeout_already_past_answers_503(client: TestClient, fake: FakeEngine) -> None:
    for path, extra in (("/api/v1/query", {}), ("/api/v1/query_range", RANGE)):
        response = client.get(path, params={"query": "up", "timeout": "-1", **extra})
        assert error_of(response, 503, "timeout") == "query timed out in query execution"
    assert fake.calls == []


async def test_overrunning_query_answers_503_while_other_requests_are_served(
    tmp_path: Path,
) -> None:
    pulseboard = Pulseboard(Settings(data_dir=tmp_path / "data"))
    app = create_app(pulseboard)
    release = threading.Event()
    stuck = FakeEngine()
    stuck.before = lambda: release.wait(30)  # an engine that never checks its deadline
    pulseboard.engine = stuck
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            slow = asyncio.create_task(
                client.get("/api/v1/query", params={"query": "up", "timeout": "0.2"})
            )
            await asyncio.sleep(0.05)
            fast = await client.get("/api/v1/status/buildinfo")
            assert fast.status_code == 200
            assert not slow.done()  # the event loop answered while the query was running
            response = await slow
        assert error_of(response, 503, "timeout") == "query timed out in query execution"
    finally:
        release.set()
        pulseboard.storage.close()


# ---------------------------------------------------------------------------- range query

RANGE = {"start": "1700000000", "end": "1700003600", "step": "60"}


def test_range_query_envelope_and_parameters(client: TestClient, fake: FakeEngine) -> None:
    fake.result = QueryResult(
        Matrix(
            [
                RangeSeries(
                    labels(job="a"),
                    np.array([T0, T0 + 60_000], np.int64),
                    np.array([1.0, 1e-7]),
                )
            ]
        )
    )
    response = client.get("/api/v1/query_range", params={"query": "up", **RANGE})
    assert response.json() == {
        "status": "success",
        "data": {
            "resultType": "matrix",
            "result": [
                {"metric": {"job": "a"}, "values": [[1700000000, "1"], [1700000060, "0.0000001"]]}
            ],
        },
    }
    assert fake.calls == [("range", "up", T0, T0 + 3_600_000, 60_000, UNRESTRICTED, 120.0)]


@pytest.mark.parametrize(("step", "step_ms"), [("15s", 15_000), ("1m30s", 90_000), ("0.5", 500)])
def test_range_step_as_seconds_or_duration(
    client: TestClient, fake: FakeEngine, step: str, step_ms: int
) -> None:
    response = client.post("/api/v1/query_range", data={"query": "up", **RANGE, "step": step})
    assert response.status_code == 200, response.text
    assert fake.calls[0][4] == step_ms


def test_range_of_exactly_the_maximum_points_is_allowed(
    client: TestClient, fake: FakeEngine
) -> None:
    params = {"query": "up", "start": "0", "end": "11000", "step": "1"}
    assert client.get("/api/v1/query_range", params=params).status_code == 200


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"start": None}, 'invalid parameter "start": cannot parse "" to a valid timestamp'),
        ({"end": "soon"}, 'invalid parameter "end": cannot parse "soon" to a valid timestamp'),
        (
            {"start": "1700003601"},
            'invalid parameter "end": end timestamp must not be before start time',
        ),
        ({"step": None}, 'invalid parameter "step": cannot parse "" to a valid duration'),
        ({"step": "15x"}, 'invalid parameter "step": cannot parse "15x" to a valid duration'),
        ({"start": "-1e300"}, 'invalid parameter "start": cannot parse "-1e300" to a valid'),
        ({"end": "Inf"}, 'invalid parameter "end": cannot parse "Inf" to a valid timestamp'),
        ({"step": "-15s"}, 'invalid parameter "step": cannot parse "-15s" to a valid duration'),
        (
            {"step": "0"},
            'invalid parameter "step": zero or negative query resolution step widths are not '
            "accepted. Try a positive integer",
        ),
        (
            {"step": "-60"},
            'invalid parameter "step": zero or negative query resolution step widths are not '
            "accepted. Try a positive integer",
        ),
        (
            {"step": "0.3"},
            "exceeded maximum resolution of 11,000 points per timeseries. "
            "Try decreasing the query resolution (?step=XX)",
        ),
        (
            {"start": "0", "end": "11001", "step": "1"},
            "exceeded maximum resolution of 11,000 points per timeseries. "
            "Try decreasing the query resolution (?step=XX)",
        ),
        ({"timeout": "soon"}, 'invalid parameter "timeout": cannot parse "soon"'),
        ({"query": None}, 'invalid parameter "query": 1:1: parse error: no expression found'),
    ],
)
def test_range_query_bad_parameters(
    client: TestClient, fake: FakeEngine, changes: dict[str, str | None], message: str
) -> None:
    query = {"query": "up", **RANGE, **changes}
    sent = {k: v for k, v in query.items() if v is not None}
    for response in (
        client.get("/api/v1/query_range", params=sent),
        client.post("/api/v1/query_range", data=sent),
    ):
        assert error_of(response, 400, "bad_data").startswith(message)
    assert fake.calls == []


def test_points_limit_comes_from_the_configuration(
    make_client: Callable[..., TestClient],
) -> None:
    client = make_client(query={"max_points_per_series": 100})
    client.app.state.pulseboard.engine = FakeEngine()  # type: ignore[attr-defined]
    params = {"query": "up", "start": "0", "end": "101", "step": "1"}
    message = error_of(client.get("/api/v1/query_range", params=params), 400, "bad_data")
    assert message.startswith("exceeded maximum resolution of 100 points per timeseries")


def test_documented_query_configuration_equals_the_defaults() -> None:
    doc = Path(__file__).resolve().parents[2] / "docs" / "configuration.md"
    [block] = re.findall(r"```yaml\n(.*?)```", doc.read_text(), re.S)
    assert Settings(**{"query": yaml.safe_load(block)["query"]}).query == Settings().query


# ----------------------------------------------------------------------- structured query


def structured(client: TestClient, **body: Any) -> httpx.Response:
    response: httpx.Response = client.post(
        "/api/v1/metrics/query",
        json={"metric": "http_requests_total", "time_range": {"start": "now-1h"}, **body},
    )
    return response


def test_structured_query_compiles_and_answers_series(client: TestClient, fake: FakeEngine) -> None:
    fake.result = QueryResult(
        Matrix(
            [
                RangeSeries(
                    labels(route="/a"),
                    np.array([T0, T0 + 60_000], np.int64),
                    np.array([2.0, math.nan]),
                )
            ]
        )
    )
    response = structured(
        client,
        time_range={"start": "2023-11-14T22:13:20Z", "end": 1700003600},
        step="1m",
        aggregation="sum",
        group_by=["route"],
        filters={"method": 'GE"T'},
    )
    assert response.status_code == 200, response.text
    assert response.json() == {
        "query": 'sum by (route) (http_requests_total{method="GE\\"T"})',
        "series": [
            {
                "tags": {"route": "/a"},
                "points": [
                    {"timestamp": 1700000000, "value": 2.0},
                    {"timestamp": 1700000060, "value": None},
                ],
            }
        ],
    }
    assert fake.calls[0][1:5] == (
        'sum by (route) (http_requests_total{method="GE\\"T"})',
        T0,
        T0 + 3_600_000,
        60_000,
    )


def test_structured_percentile_uses_buckets_of_a_histogram(
    client: TestClient, fake: FakeEngine
) -> None:
    now = int(time.time() * 1000)
    text = (
        "# TYPE latency_seconds histogram\n"
        f'latency_seconds_bucket{{le="1"}} 3 {now}\n'
        f'latency_seconds_bucket{{le="+Inf"}} 4 {now}\n'
        f"latency_seconds_sum 2 {now}\nlatency_seconds_count 4 {now}\n"
    )
    assert client.post("/api/v1/import/prometheus", content=text).status_code == 204
    fake.result = QueryResult(Matrix([]))
    response = structured(client, metric="latency_seconds", aggregation="p95", step=30)
    assert response.json()["query"] == (
        "histogram_quantile(0.95, sum by (le) (rate(latency_seconds_bucket[1m])))"
    )
    response = structured(client, metric="queue_depth", aggregation="p99", group_by=["queue"])
    assert response.json()["query"] == "quantile by (queue) (0.99, queue_depth)"


def test_structured_relative_times(client: TestClient, fake: FakeEngine) -> None:
    fake.result = QueryResult(Matrix([]))
    now = time.time() * 1000
    response = structured(client, time_range={"start": "now-6h", "end": "now"}, step="5m")
    assert response.status_code == 200, response.text
    _, _, start, end, step, _, _ = fake.calls[0]
    assert end - start == 6 * 3_600_000
    assert abs(end - now) < 60_000
    assert step == 300_000


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"metric": "no such-metric"}, ["body.metric"]),
        ({"aggregation": "median"}, ["body.aggregation"]),
        ({"group_by": ["ok", "not-ok"]}, ["body.group_by"]),
        ({"filters": {"bad-name": "x"}}, ["body.filters"]),
        ({"filters": {"job": 3}}, ["body.filters.job"]),
        ({"time_range": {"start": "last tuesday"}}, ["body.time_range.start"]),
        ({"time_range": {"start": "now-6x"}}, ["body.time_range.start"]),
        ({"time_range": {"start": 1700003600, "end": 1700000000}}, ["body.time_range"]),
        ({"step": "fast"}, ["body.step"]),
        ({"step": -5}, ["body.step"]),
        ({"step": 0.001, "time_range": {"start": 0, "end": 3600}}, ["body.step"]),
        ({"unknown": 1}, ["body.unknown"]),
        ({"metric": None, "aggregation": "p42"}, ["body.metric", "body.aggregation"]),
    ],
)
def test_structured_invalid_fields_are_named(
    client: TestClient, fake: FakeEngine, body: dict[str, Any], fields: list[str]
) -> None:
    message = error_of(structured(client, **body), 422, "bad_data")
    for field in fields:
        assert f"{field}:" in message or f"{field} " in message, message
    assert fake.calls == []


# ------------------------------------------------------------------ against the real engine

# Recent enough to be inside the raw retention; whole hours so the expected steps are round.
DATA_START_S = int(time.time()) // 3600 * 3600 - 7200


@pytest.fixture
def loaded(client: TestClient) -> TestClient:
    lines = ["# TYPE http_requests_total counter"]
    for i in range(0, 61):
        t = (DATA_START_S + i * 15) * 1000
        lines.append(f'http_requests_total{{job="api",code="200"}} {i * 10} {t}')
        lines.append(f'http_requests_total{{job="api",code="500"}} {i} {t}')
        lines.append(f'up{{job="api",instance="a"}} 1 {t}')
    text = "\n".join(lines) + "\n"
    assert client.post("/api/v1/import/prometheus", content=text).status_code == 204
    return client


def test_real_instant_and_range_queries(loaded: TestClient) -> None:
    at = DATA_START_S + 600
    body = loaded.get(
        "/api/v1/query", params={"query": "sum by (code) (http_requests_total)", "time": at}
    ).json()
    assert body["data"]["resultType"] == "vector"
    assert sorted((s["metric"]["code"], s["value"]) for s in body["data"]["result"]) == [
        ("200", [at, "400"]),
        ("500", [at, "40"]),
    ]
    body = loaded.get(
        "/api/v1/query_range",
        params={
            "query": 'rate(http_requests_total{code="500"}[1m])',
            "start": DATA_START_S + 300,
            "end": DATA_START_S + 600,
            "step": "150s",
        },
    ).json()
    [series] = body["data"]["result"]
    assert series["metric"] == {"code": "500", "job": "api"}
    assert [t for t, _ in series["values"]] == [
        DATA_START_S + 300,
        DATA_START_S + 450,
        DATA_START_S + 600,
    ]
    assert all(math.isclose(float(v), 1 / 15) for _, v in series["values"])
    body = loaded.get("/api/v1/query", params={"query": "1/0", "time": at}).json()
    assert body["data"] == {"resultType": "scalar", "result": [at, "+Inf"]}


def test_real_format_query(client: TestClient) -> None:
    response = client.get("/api/v1/format_query", params={"query": "sum(rate(up[5m]))by(job)"})
    assert response.status_code == 200, response.text
    assert response.json() == {"status": "success", "data": "sum by (job) (rate(up[5m]))"}
    response = client.post("/api/v1/format_query", data={"query": "sum("})
    assert error_of(response, 400, "bad_data").startswith('invalid parameter "query": ')


@pytest.mark.parametrize(
    "query",
    [
        "sum(",  # malformed
        "up{job=}",  # malformed selector
        "no_such_function(up)",  # unknown function
        "rate(up)",  # wrong argument type: instant vector where a range vector is needed
        'label_replace(up, "a", "b", 1, "c")',  # wrong argument type: number for a string
        "rate(up[5x])",  # bad duration
        'up{job=~"(unclosed"}',  # regex that does not compile
        "up[5m] + 1",  # range vector in a binary expression
    ],
)
def test_real_bad_queries(loaded: TestClient, query: str) -> None:
    for path, extra in (("/api/v1/query", {"time": DATA_START_S}), ("/api/v1/query_range", RANGE)):
        response = loaded.get(path, params={"query": query, **extra})
        assert error_of(response, 400, "bad_data").startswith('invalid parameter "query": ')


def test_real_too_many_samples(make_client: Callable[..., TestClient]) -> None:
    client = make_client(query={"max_samples": 10})
    text = "".join(f'm{{i="{i}"}} {i} {DATA_START_S * 1000}\n' for i in range(50))
    assert client.post("/api/v1/import/prometheus", content=text).status_code == 204
    response = client.get("/api/v1/query", params={"query": "m", "time": DATA_START_S})
    message = error_of(response, 422, "execution")
    assert "too many samples" in message


def test_real_query_past_its_timeout(loaded: TestClient) -> None:
    # Millions of subquery steps: far more work than a 10 ms deadline allows.
    response = loaded.get(
        "/api/v1/query",
        params={
            "query": "max_over_time(sum_over_time(up[1h:1s])[2d:1s])",
            "time": DATA_START_S + 900,
            "timeout": "0.01",
        },
    )
    assert "query timed out" in error_of(response, 503, "timeout")

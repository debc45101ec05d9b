"""Prometheus' own tools against our query API: `promtool query instant|range` works, and
Prometheus itself, holding the same data, answers the same bytes, statuses and error types."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from benchmarks.promql_data import build_blocks, start_prometheus, stop_process
from tests.conftest import ServerProcess, free_port, start_server, stop_server

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        shutil.which("promtool") is None,
        reason="Debian's promtool (package prometheus) is needed (make test installs it)",
    ),
]

# Whole minutes, recent enough to be inside the raw retention.
START_S = int(time.time()) // 60 * 60 - 1800


# (series, value at sample i), a sample every 15 s from START_S on.
DATA = (
    ('up{instance="a:9100",job="api"}', lambda i: 1),
    ('up{instance="b:9100",job="db"}', lambda i: 0 if i >= 10 else 1),
    ('requests_total{job="api"}', lambda i: i * 30),
    ('ratio{job="api"}', lambda i: i / 7),
)
SAMPLES = 21


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    root: Path = tmp_path_factory.mktemp("promtool")
    server = start_server(root / "data", free_port())
    try:
        lines = [
            f"{series} {value(i)} {(START_S + i * 15) * 1000}"
            for series, value in DATA
            for i in range(SAMPLES)
        ]
        response = httpx.post(
            f"{server.url}/api/v1/import/prometheus", content="\n".join(lines) + "\n"
        )
        assert response.status_code == 204, response.text
        yield server
    finally:
        stop_server(server)


@pytest.fixture(scope="module")
def prometheus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Prometheus holding the same samples, as TSDB blocks."""
    root: Path = tmp_path_factory.mktemp("prometheus")
    openmetrics = root / "data.om"
    lines = [
        f"{series} {value(i)} {START_S + i * 15}" for series, value in DATA for i in range(SAMPLES)
    ]
    openmetrics.write_text("\n".join([*lines, "# EOF"]) + "\n")
    build_blocks(openmetrics, root / "tsdb")
    port = free_port()
    process = start_prometheus(root / "tsdb", port, root / "prometheus.log")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_process(process)


def promtool(*args: str) -> str:
    done = subprocess.run(
        ["promtool", "query", *args], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_instant(loaded: ServerProcess) -> None:
    at = START_S + 300
    output = promtool("instant", "--time", str(at), loaded.url, "up")
    assert sorted(output.splitlines()) == [
        f'up{{instance="a:9100", job="api"}} => 1 @[{at}]',
        f'up{{instance="b:9100", job="db"}} => 0 @[{at}]',
    ]
    output = promtool("instant", "--time", str(at), loaded.url, "requests_total / 30 > 19")
    assert output.splitlines() == [f'{{job="api"}} => 20 @[{at}]']


def test_range(loaded: ServerProcess) -> None:
    start, end = START_S + 60, START_S + 240
    output = promtool(
        "range",
        "--start",
        str(start),
        "--end",
        str(end),
        "--step",
        "1m",
        loaded.url,
        'sum by (job) (up{job="db"})',
    )
    assert output.splitlines() == [
        '{job="db"} =>',
        f"1 @[{start}]",
        f"1 @[{start + 60}]",
        f"0 @[{start + 120}]",
        f"0 @[{start + 180}]",
    ]


def test_errors_reach_promtool(loaded: ServerProcess) -> None:
    done = subprocess.run(
        ["promtool", "query", "instant", loaded.url, "sum(up"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode != 0
    assert "bad_data" in done.stderr


# ------------------------------------------------------------ the same answers as Prometheus

AT = START_S + 300

SAME_BYTES = [
    ("/api/v1/query", {"query": 'up{job="api"}', "time": f"{AT}.5"}),
    ("/api/v1/query", {"query": "ratio", "time": str(AT)}),
    ("/api/v1/query", {"query": "up", "time": str(AT)}),
    ("/api/v1/query", {"query": "ratio[1m]", "time": f"{AT}.75"}),
    ("/api/v1/query", {"query": "sort_desc(requests_total or up)", "time": str(AT)}),
    ("/api/v1/query", {"query": "absent(nothing_here)", "time": str(AT)}),
    ("/api/v1/query", {"query": "nothing_here", "time": str(AT)}),
    ("/api/v1/query", {"query": "1/3", "time": str(AT)}),
    ("/api/v1/query", {"query": "0.0000015", "time": str(AT)}),
    ("/api/v1/query", {"query": "1e-7", "time": str(AT)}),
    ("/api/v1/query", {"query": "2^70", "time": str(AT)}),
    ("/api/v1/query", {"query": "-1/0", "time": str(AT)}),
    ("/api/v1/query", {"query": "0/0", "time": str(AT)}),
    ("/api/v1/query", {"query": '"a \\"quoted\\" string"', "time": str(AT)}),
    (
        "/api/v1/query_range",
        {"query": "ratio * 1000", "start": str(START_S), "end": str(AT), "step": "45s"},
    ),
    (
        "/api/v1/query_range",
        {"query": "sum by (job) (up)", "start": str(START_S), "end": str(AT), "step": "1m"},
    ),
    (
        "/api/v1/query_range",
        {"query": "time()", "start": f"{START_S}.25", "end": str(AT), "step": "100"},
    ),
]


@pytest.mark.parametrize(("path", "params"), SAME_BYTES)
def test_answers_are_byte_for_byte_prometheus(
    loaded: ServerProcess, prometheus: str, path: str, params: dict[str, str]
) -> None:
    theirs = httpx.post(f"{prometheus}{path}", data=params)
    ours = httpx.post(f"{loaded.url}{path}", data=params)
    assert theirs.status_code == 200, theirs.text
    assert ours.status_code == 200, ours.text
    assert ours.content == theirs.content


RANGE = {"query": "up", "start": str(START_S), "end": str(AT), "step": "15s"}

SAME_ERRORS = [
    ("/api/v1/query", {"time": str(AT)}),
    ("/api/v1/query", {"query": "up", "time": "noon"}),
    ("/api/v1/query", {"query": "up", "timeout": "soon"}),
    ("/api/v1/query_range", {**RANGE, "start": "noon"}),
    ("/api/v1/query_range", {**RANGE, "end": ""}),
    ("/api/v1/query_range", {**RANGE, "start": str(AT + 1)}),
    ("/api/v1/query_range", {**RANGE, "step": "0"}),
    ("/api/v1/query_range", {**RANGE, "step": "-15"}),
    ("/api/v1/query_range", {**RANGE, "step": "15x"}),
    ("/api/v1/query_range", {**RANGE, "step": ""}),
    ("/api/v1/query_range", {**RANGE, "start": "0", "end": "11001", "step": "1"}),
    ("/api/v1/query_range", {**RANGE, "timeout": "1m1h"}),
]


@pytest.mark.parametrize(("path", "params"), SAME_ERRORS)
def test_parameter_errors_are_prometheus_own(
    loaded: ServerProcess, prometheus: str, path: str, params: dict[str, str]
) -> None:
    theirs = httpx.get(f"{prometheus}{path}", params=params)
    ours = httpx.get(f"{loaded.url}{path}", params=params)
    assert (ours.status_code, ours.json()) == (theirs.status_code, theirs.json())


@pytest.mark.parametrize(
    "query",
    [
        "sum(",
        "no_such_function(up)",
        "rate(up)",
        "rate(up[5x])",
        'up{job=~"(unclosed"}',
        "up[5m] + 1",
        'label_replace(up, "a", "b", 1, "c")',
    ],
)
def test_query_errors_have_prometheus_status_and_type(
    loaded: ServerProcess, prometheus: str, query: str
) -> None:
    for path, params in (("/api/v1/query", {"time": str(AT)}), ("/api/v1/query_range", RANGE)):
        theirs = httpx.get(f"{prometheus}{path}", params={**params, "query": query})
        ours = httpx.get(f"{loaded.url}{path}", params={**params, "query": query})
        assert ours.status_code == theirs.status_code, (ours.text, theirs.text)
        assert ours.json()["errorType"] == theirs.json()["errorType"]
        assert ours.json()["error"].startswith('invalid parameter "query": ')

"""Our PromQL against Prometheus itself, on the same data, through both HTTP APIs.

A small fleet (a few hundred series, 2 h at 15 s) goes into Prometheus as TSDB blocks built by
`promtool tsdb create-blocks-from openmetrics`, and into a real Pulseboard process through
`/api/v1/import/prometheus`. Dashboard and alert queries then run as range queries on both, and
every series must match: same label sets, same timestamps, values within a relative 1e-6 (NaN
equal to NaN). Sample timestamps carry jitter so that no sample sits on a range boundary, where
Prometheus 2.42 (closed on the left) and Prometheus 3 (open) differ.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from benchmarks.promql_data import (
    QUERIES,
    Dataset,
    build_blocks,
    differences,
    generate,
    import_into_pulseboard,
    matrix_of,
    query_grid,
    query_range,
    start_prometheus,
    stop_process,
    write_openmetrics,
)
from tests.conftest import free_port, start_server, stop_server

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        shutil.which("prometheus") is None or shutil.which("promtool") is None,
        reason="Debian's prometheus and promtool are needed (make test installs them)",
    ),
]

SERIES = 200
HOURS = 2.0
# (name, hours shown, step seconds): an operations dashboard's last hour at 60 s, and the
# whole data at 5 m.
GRIDS = (("1h@60s", 1.0, 60), ("2h@5m", 2.0, 300))


@dataclass
class Stack:
    ours: str
    prometheus: str
    data: Dataset
    client: httpx.Client


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    root = tmp_path_factory.mktemp("promql-vs-prometheus")
    end_ms = (time.time_ns() // 1_000_000 // 60_000) * 60_000 - 60_000
    data = generate(SERIES, HOURS, end_ms)
    openmetrics = root / "data.om"
    write_openmetrics(data, openmetrics)
    build_blocks(openmetrics, root / "prometheus")
    prometheus_port = free_port()
    prometheus = start_prometheus(root / "prometheus", prometheus_port, root / "prometheus.log")
    server = None
    client = httpx.Client(timeout=120)
    try:
        server = start_server(root / "pulseboard", free_port())
        import_into_pulseboard(server.url, data, client)
        yield Stack(server.url, f"http://127.0.0.1:{prometheus_port}", data, client)
    finally:
        client.close()
        if server is not None:
            stop_server(server)
        stop_process(prometheus)


@pytest.mark.parametrize("grid", GRIDS, ids=[g[0] for g in GRIDS])
@pytest.mark.parametrize("name", list(QUERIES))
def test_range_query_matches_prometheus(
    stack: Stack, name: str, grid: tuple[str, float, int]
) -> None:
    _, hours, step = grid
    start, end, step_s = query_grid(stack.data.end_ms, hours, step)
    query = QUERIES[name]
    theirs = matrix_of(query_range(stack.client, stack.prometheus, query, start, end, step_s))
    ours = matrix_of(query_range(stack.client, stack.ours, query, start, end, step_s))
    problems = differences(ours, theirs)
    assert not problems, f"{query}\n" + "\n".join(problems)


def test_the_queries_have_something_to_compare(stack: Stack) -> None:
    """A comparison of empty results proves nothing: most queries must return series."""
    start, end, step = query_grid(stack.data.end_ms, 1.0, 60)
    empty = [
        name
        for name, query in QUERIES.items()
        if not matrix_of(query_range(stack.client, stack.prometheus, query, start, end, step))
    ]
    assert len(empty) <= 2, f"queries without results on Prometheus: {empty}"

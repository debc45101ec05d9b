"""The scrape manager against real HTTP peers on loopback and a real store in a temporary dir."""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import numpy as np
import pytest
from fastapi import FastAPI
from prometheus_client import CollectorRegistry, Counter, Gauge, start_http_server

from pulseboard.api import targets as targets_api
from pulseboard.config import LimitsConfig, ScrapeConfig, StaticConfig, StorageConfig
from pulseboard.ingest.pipeline import Ingester
from pulseboard.ingest.scrape import ACCEPT_HEADER, ScrapeManager, TargetState, scrape_offset
from pulseboard.model.matchers import Matcher, MatchType
from pulseboard.model.samples import Float64Array, Int64Array, stale_mask
from pulseboard.storage.embedded import EmbeddedStorage
from pulseboard.telemetry import Telemetry

NODE_EXPORTER = "/usr/bin/prometheus-node-exporter"
WAIT = 15.0  # upper bound for anything a test waits for; reached only when something is broken


# --------------------------------------------------------------------------------- real peers


class ExpositionServer:
    """An HTTP server on loopback whose answer a test changes between scrapes."""

    def __init__(self) -> None:
        self.body = b""
        self.status = 200
        self.content_type = "text/plain; version=0.0.4; charset=utf-8"
        self.delay = 0.0
        self.gzip = False
        self.requests: list[tuple[str, dict[str, str]]] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                owner.requests.append((self.path, dict(self.headers.items())))
                time.sleep(owner.delay)
                body = gzip.compress(owner.body) if owner.gzip else owner.body
                try:
                    self.send_response(owner.status)
                    self.send_header("Content-Type", owner.content_type)
                    if owner.gzip:
                        self.send_header("Content-Encoding", "gzip")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass  # the scraper gave up (timeout) and closed the connection

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        self.address = f"127.0.0.1:{self._server.server_address[1]}"
        self.running = True

    @property
    def url(self) -> str:
        return f"http://{self.address}/metrics"

    def stop(self) -> None:
        if self.running:
            self.running = False
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)


@pytest.fixture
def server() -> Iterator[ExpositionServer]:
    peer = ExpositionServer()
    yield peer
    peer.stop()


@pytest.fixture
def storage(tmp_path: Path) -> Iterator[EmbeddedStorage]:
    store = EmbeddedStorage(tmp_path / "data", StorageConfig())
    yield store
    store.close()


@pytest.fixture
def ingester(storage: EmbeddedStorage) -> Ingester:
    return Ingester(storage, LimitsConfig(), Telemetry(storage))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


# --------------------------------------------------------------------------------- helpers


def scrape_config(
    job: str,
    targets: list[str],
    interval: float = 0.2,
    timeout: float | None = None,
    labels: dict[str, str] | None = None,
    **settings: Any,
) -> ScrapeConfig:
    return ScrapeConfig(
        job_name=job,
        scrape_interval=timedelta(seconds=interval),
        scrape_timeout=timedelta(seconds=timeout if timeout is not None else interval),
        static_configs=[StaticConfig(targets=targets, labels=labels or {})],
        **settings,
    )


@contextlib.asynccontextmanager
async def running(manager: ScrapeManager) -> AsyncIterator[ScrapeManager]:
    await manager.start()
    try:
        yield manager
    finally:
        await manager.stop()


def state_of(manager: ScrapeManager, url: str) -> TargetState:
    found = [state for state in manager.targets() if state.url == url]
    assert len(found) == 1, f"{url} not among {[s.url for s in manager.targets()]}"
    return found[0]


async def scrape_after(manager: ScrapeManager, url: str, moment: float) -> TargetState:
    """The target's state once a scrape that started after `moment` (Unix seconds) is recorded."""
    deadline = time.monotonic() + WAIT
    while True:
        state = state_of(manager, url)
        if state.last_scrape is not None and state.last_scrape.timestamp() > moment:
            return state
        assert time.monotonic() < deadline, f"no scrape of {url} recorded in {WAIT}s"
        await asyncio.sleep(0.01)


async def next_scrape(manager: ScrapeManager, url: str) -> TargetState:
    return await scrape_after(manager, url, time.time())


def select(
    storage: EmbeddedStorage, metric: str, **labels: str
) -> list[tuple[dict[str, str], Int64Array, Float64Array]]:
    matchers = [Matcher.create("__name__", MatchType.EQUAL, metric)]
    matchers += [Matcher.create(name, MatchType.EQUAL, value) for name, value in labels.items()]
    found = storage.select(matchers, 0, int(time.time() * 1000) + 600_000)
    result = []
    for i in range(len(found)):
        series_labels, timestamps, values = found.series(i)
        result.append((dict(series_labels), timestamps, values))
    return result


def one(storage: EmbeddedStorage, metric: str, **labels: str) -> tuple[Int64Array, Float64Array]:
    found = select(storage, metric, **labels)
    assert len(found) == 1, f"expected one {metric} series, got {[f[0] for f in found]}"
    return found[0][1], found[0][2]


def stale_times(values: Float64Array, timestamps: Int64Array) -> list[int]:
    return [int(t) for t in timestamps[stale_mask(values)]]


# --------------------------------------------------------------------------------- tests


async def test_scrapes_an_app_instrumented_with_prometheus_client(
    storage: EmbeddedStorage, ingester: Ingester
) -> None:
    registry = CollectorRegistry()
    handled = Counter("app_requests", "Requests handled.", ["path"], registry=registry)
    handled.labels("/checkout").inc(3)
    depth = Gauge("app_queue_depth", "Jobs waiting.", registry=registry)
    depth.set(7)
    port = free_port()
    http_server, thread = start_http_server(port, addr="127.0.0.1", registry=registry)
    address = f"127.0.0.1:{port}"
    url = f"http://{address}/metrics"
    try:
        async with running(ScrapeManager([scrape_config("app", [address])], ingester)) as manager:
            first = await scrape_after(manager, url, 0)
            assert first.last_scrape is not None
            second = await scrape_after(manager, url, first.last_scrape.timestamp())
            assert (second.health, second.last_error) == ("up", "")
    finally:
        http_server.shutdown()
        http_server.server_close()
        thread.join(timeout=5)

    target = {"job": "app", "instance": address}
    [(labels, _, values)] = select(storage, "app_requests_total")
    assert labels == {"__name__": "app_requests_total", "path": "/checkout", **target}
    assert set(values.tolist()) == {3.0}
    _, values = one(storage, "app_queue_depth", **target)
    assert set(values.tolist()) == {7.0}
    # prometheus_client answered in OpenMetrics (the Accept header asks for it): its
    # app_requests_created sample is a creation time, not a series.
    assert select(storage, "app_requests_created") == []

    up_times, up = one(storage, "up", **target)
    assert len(up) >= 2 and set(up.tolist()) == {1.0}
    for metric, expected in (
        ("scrape_samples_scraped", 2.0),
        ("scrape_samples_post_metric_relabeling", 2.0),
    ):
        times, values = one(storage, metric, **target)
        assert times.tolist() == up_times.tolist()
        assert set(values.tolist()) == {expected}
    _, added = one(storage, "scrape_series_added", **target)
    assert added.tolist()[:2] == [2.0, 0.0]
    _, durations = one(storage, "scrape_duration_seconds", **target)
    assert (durations > 0).all()
    metadata = storage.metadata()
    assert metadata["app_queue_depth"].type == "gauge"
    assert metadata["up"].type == "gauge"


async def test_request_carries_prometheus_headers_params_and_may_be_gzipped(
    server: ExpositionServer, storage: EmbeddedStorage, ingester: Ingester
) -> None:
    server.body = b"probe_success 1\n"
    server.gzip = True
    config = scrape_config(
        "probe",
        [server.address],
        interval=0.5,
        timeout=0.4,
        metrics_path="/probe",
        params={"module": ["http_2xx"], "target": ["a.example", "b.example"]},
    )
    url = f"http://{server.address}/probe?module=http_2xx&target=a.example&target=b.example"
    async with running(ScrapeManager([config], ingester)) as manager:
        state = await scrape_after(manager, url, 0)
    assert (state.health, state.last_error) == ("up", "")
    path, headers = server.requests[0]
    assert path == "/probe?module=http_2xx&target=a.example&target=b.example"
    assert headers["Accept"] == ACCEPT_HEADER
    assert "gzip" in headers["Accept-Encoding"]
    assert headers["X-Prometheus-Scrape-Timeout-Seconds"] == "0.4"
    assert headers["User-Agent"].startswith("Pulseboard/")
    _, values = one(storage, "probe_success", job="probe", instance=server.address)
    assert set(values.tolist()) == {1.0}


async def test_vanished_series_gets_one_stale_marker_at_the_next_scrape(
    server: ExpositionServer, storage: EmbeddedStorage, ingester: Ingester
) -> None:
    server.body = b"kept 1\nvanishing 2\nnot_a_number NaN\n"
    async with running(ScrapeManager([scrape_config("svc", [server.address])], ingester)) as m:
        await scrape_after(m, server.url, 0)
        server.body = b"kept 1\nnot_a_number NaN\n"
        await next_scrape(m, server.url)
        await next_scrape(m, server.url)

    up_times, _ = one(storage, "up")
    times, values = one(storage, "vanishing", job="svc", instance=server.address)
    assert stale_mask(values).sum() == 1, "marked stale once, not at every later scrape"
    assert bool(stale_mask(values)[-1]) and (values[:-1] == 2.0).all()
    # The marker carries the timestamp of the first scrape that no longer saw the series.
    assert int(times[-1]) == int(up_times[up_times > times[-2]][0])
    kept_times, kept = one(storage, "kept")
    assert not stale_mask(kept).any() and kept_times.tolist() == up_times.tolist()
    # A NaN the target exposes is an ordinary value, never a staleness marker.
    _, nans = one(storage, "not_a_number")
    assert np.isnan(nans).all() and not stale_mask(nans).any()


async def test_target_down_writes_up_zero_and_marks_all_its_series_stale(
    server: ExpositionServer, storage: EmbeddedStorage, ingester: Ingester
) -> None:
    server.body = b'a 1\nb{x="1"} 2\nb{x="2"} 3\n'
    async with running(ScrapeManager([scrape_config("svc", [server.address])], ingester)) as m:
        up_state = await scrape_after(m, server.url, 0)
        assert up_state.health == "up"
        server.stop()
        down = await next_scrape(m, server.url)
        again = await next_scrape(m, server.url)

    assert down.health == "down" and again.health == "down"
    assert down.last_error.startswith(f'Get "{server.url}": ')
    up_times, up = one(storage, "up", job="svc", instance=server.address)
    assert up[0] == 1.0 and up[-2:].tolist() == [0.0, 0.0]
    first_failure = int(up_times[np.flatnonzero(up == 0.0)[0]])
    found = select(storage, "a") + select(storage, "b")
    assert len(found) == 3
    for labels, times, values in found:
        assert stale_times(values, times) == [first_failure], labels
    _, scraped = one(storage, "scrape_samples_scraped")
    assert scraped[0] == 3.0 and scraped[-1] == 0.0


async def test_http_error_status_is_a_failed_scrape(
    server: ExpositionServer, storage: EmbeddedStorage, ingester: Ingester
) -> None:
    server.body = b"served 1\n"
    async with running(ScrapeManager([scrape_config("svc", [server.address])], ingester)) as m:
        await scrape_after(m, server.url, 0)
        server.status = 500
        state = await next_scrape(m, server.url)

    assert state.health == "down"
    assert state.last_error == "server returned HTTP status 500 Internal Server Error"
    up_times, up = one(storage, "up")
    assert up[-1] == 0.0
    times, values = one(storage, "served")
    assert stale_times(values, times) == [int(up_times[-1])]


async def test_garbage_body_is_a_failed_scrape_that_stores_nothing_of_it(
    server: ExpositionServer, storage: EmbeddedStorage, ingester: Ingester
) -> None:
    server.body = b"<html><body>Not metrics</body></html>\n"
    async with running(ScrapeManager([scrape_config("svc", [server.address])], ingester)) as m:
        state = await scrape_after(m, server.url, 0)
        assert state.health == "down"
        assert state.last_error.startswith("invalid exposition: line 1: ")
        server.body = b"fixed 1\n"
        recovered = await next_scrape(m, server.url)

    assert (recovered.health, recovered.last_error) == ("up", "")
    names = storage.label_values("__name__", [], 0, int(time.time() * 1000) + 60_000)
    assert "fixed" in names and not any("html" in name for name in names)
    _, up = one(storage, "up")
    assert up[0] == 0.0 and up[-1] == 1.0
    _, scraped = one(storage, "scrape_samples_scraped")
    assert scraped[0] == 0.0 and scraped[-1] == 1.0


async def test_slow_target_times_out_with_a_clear_error(
    server: ExpositionServer, storage: EmbeddedStorage, ingester: Ingester
) -> None:
    server.body = b"slow 1\n"
    server.delay = 3.0
    config = scrape_config("slow", [server.address], interval=0.5, timeout=0.3)
    async with running(ScrapeManager([config], ingester)) as manager:
        state = await scrape_after(manager, server.url, 0)

    assert state.health == "down"
    assert state.last_error == f'Get "{server.url}": timed out after 0.3s (scrape_timeout)'
    # Cut at the timeout, far before the server would have answered.
    assert state.last_scrape_duration < 2.0
    _, up = one(storage, "up", job="slow")
    assert set(up.tolist()) == {0.0}
    assert select(storage, "slow") == []


async def test_without_honor_labels_target_labels_win_and_scraped_ones_are_exported(
    server: ExpositionServer, storage: EmbeddedStorage, ingester: Ingester
) -> None:
    server.body = b'm{job="scraped",env="dev",a="1"} 1\nn{job="j2",exported_job="ej"} 2\n'
    config = scrape_config("honor", [server.address], labels={"env": "prod"})
    async with running(ScrapeManager([config], ingester)) as manager:
        await scrape_after(manager, server.url, 0)

    target = {"job": "honor", "instance": server.address, "env": "prod"}
    [(m_labels, _, _)] = select(storage, "m")
    assert m_labels == {
        "__name__": "m",
        **target,
        "exported_job": "scraped",
        "exported_env": "dev",
        "a": "1",
    }
    [(n_labels, _, _)] = select(storage, "n")
    assert n_labels == {
        "__name__": "n",
        **target,
        "exported_job": "ej",
        "exported_exported_job": "j2",
    }
    [(up_labels, _, _)] = select(storage, "up")
    assert up_labels == {"__name__": "up", **target}


async def test_with_honor_labels_scraped_labels_win(
    server: ExpositionServer, storage: EmbeddedStorage, ingester: Ingester
) -> None:
    server.body = b'm{job="scraped",env="dev",a="1"} 1\nn{job="j2",exported_job="ej"} 2\n'
    config = scrape_config("honor", [server.address], labels={"env": "prod"}, honor_labels=True)
    async with running(ScrapeManager([config], ingester)) as manager:
        await scrape_after(manager, server.url, 0)

    [(m_labels, _, _)] = select(storage, "m")
    assert m_labels == {
        "__name__": "m",
        "job": "scraped",
        "env": "dev",
        "a": "1",
        "instance": server.address,
    }
    [(n_labels, _, _)] = select(storage, "n")
    assert n_labels == {
        "__name__": "n",
        "job": "j2",
        "exported_job": "ej",
        "env": "prod",
        "instance": server.address,
    }
    [(up_labels, _, _)] = select(storage, "up")
    assert up_labels == {
        "__name__": "up",
        "job": "honor",
        "env": "prod",
        "instance": server.address,
    }


@pytest.mark.parametrize("honor_timestamps", [True, False])
async def test_exposed_timestamps(
    honor_timestamps: bool,
    server: ExpositionServer,
    storage: EmbeddedStorage,
    ingester: Ingester,
) -> None:
    exposed_ms = int(time.time() * 1000) - 60_000
    server.body = f"stamped 5 {exposed_ms}\nplain 1\n".encode()
    config = scrape_config("ts", [server.address], honor_timestamps=honor_timestamps)
    async with running(ScrapeManager([config], ingester)) as manager:
        await scrape_after(manager, server.url, 0)
        server.body = b"plain 1\n"
        await next_scrape(manager, server.url)

    up_times, _ = one(storage, "up")
    times, values = one(storage, "stamped")
    if honor_timestamps:
        # Prometheus leaves series with their own timestamps out of staleness handling.
        assert times.tolist() == [exposed_ms] and values.tolist() == [5.0]
    else:
        assert int(times[0]) == int(up_times[0])
        assert values[0] == 5.0
        assert stale_times(values, times) == [int(times[-1])]
        assert int(times[-1]) in up_times.tolist()
    plain_times, plain = one(storage, "plain")
    assert plain_times.tolist() == up_times.tolist() and not stale_mask(plain).any()


async def test_duplicate_series_in_one_scrape_keeps_the_first_sample(
    server: ExpositionServer, storage: EmbeddedStorage, ingester: Ingester
) -> None:
    server.body = b"twice 1\ntwice 2\n"
    async with running(ScrapeManager([scrape_config("dup", [server.address])], ingester)) as m:
        state = await scrape_after(m, server.url, 0)

    assert state.health == "up"
    up_times, _ = one(storage, "up")
    times, values = one(storage, "twice")
    assert times.tolist() == up_times.tolist()
    assert set(values.tolist()) == {1.0}


async def test_scrape_over_the_sample_limit_fails_and_stores_none_of_it(
    server: ExpositionServer, storage: EmbeddedStorage
) -> None:
    ingester = Ingester(storage, LimitsConfig(max_samples_per_request=8), Telemetry(storage))
    server.body = "".join(f'many{{i="{i}"}} {i}\n' for i in range(10)).encode()
    async with running(ScrapeManager([scrape_config("big", [server.address])], ingester)) as m:
        state = await scrape_after(m, server.url, 0)

    assert state.health == "down"
    assert "limits.max_samples_per_request" in state.last_error
    assert select(storage, "many") == []
    _, up = one(storage, "up")
    assert set(up.tolist()) == {0.0}


async def test_apply_stales_removed_targets_starts_new_ones_and_stop_writes_no_markers(
    storage: EmbeddedStorage, ingester: Ingester
) -> None:
    a, b, c = ExpositionServer(), ExpositionServer(), ExpositionServer()
    a.body, b.body, c.body = b"a_metric 1\na_extra 1\n", b"b_metric 2\n", b"c_metric 3\n"
    manager = ScrapeManager(
        [scrape_config("a", [a.address]), scrape_config("b", [b.address])], ingester
    )
    try:
        async with running(manager):
            await scrape_after(manager, a.url, 0)
            await scrape_after(manager, b.url, 0)
            # Only the restarted loop of job a can see a_extra gone: the old one is stopped first.
            a.body = b"a_metric 1\n"
            await manager.apply(
                # Job a changes its interval (a restart under the same identity), b goes, c comes.
                [scrape_config("a", [a.address], interval=0.3), scrape_config("c", [c.address])]
            )
            assert sorted(state.job for state in manager.targets()) == ["a", "c"]
            assert state_of(manager, a.url).scrape_interval == timedelta(seconds=0.3)
            await scrape_after(manager, c.url, 0)
            # Counted a little after the removal: a request sent just before it may still be
            # on its way to the server's handler thread.
            b_requests = len(b.requests)
            await next_scrape(manager, a.url)
            await next_scrape(manager, a.url)
            assert len(b.requests) == b_requests, "a removed target is not scraped any more"
        await asyncio.sleep(0.1)
        a_requests = len(a.requests)
        await asyncio.sleep(0.7)
        assert len(a.requests) == a_requests, "stop() ends every scrape"
    finally:
        for peer in (a, b, c):
            peer.stop()

    # Removed: every series of b, its report series included, ends with one stale marker.
    for metric in ("b_metric", "up", "scrape_duration_seconds", "scrape_series_added"):
        times, values = one(storage, metric, job="b")
        assert stale_times(values, times) == [int(times[-1])], metric
        assert not stale_mask(values[:-1]).any()
    # Restarted with a new interval: it still knew a_extra, so its vanishing is marked.
    times, values = one(storage, "a_extra")
    assert stale_mask(values).sum() == 1 and bool(stale_mask(values)[-1])
    # Shut down: no stale markers, the series carry on when the server comes back.
    for metric in ("a_metric", "up"):
        _, values = one(storage, metric, job="a")
        assert not stale_mask(values).any(), metric
    _, values = one(storage, "c_metric", job="c")
    assert not stale_mask(values).any()


async def test_stop_cancels_a_scrape_in_flight(
    server: ExpositionServer, storage: EmbeddedStorage, ingester: Ingester
) -> None:
    server.body = b"late 1\n"
    server.delay = 10.0
    manager = ScrapeManager([scrape_config("slow", [server.address], interval=2.0)], ingester)
    await manager.start()
    try:
        deadline = time.monotonic() + WAIT
        while not server.requests:
            assert time.monotonic() < deadline, "the first scrape never started"
            await asyncio.sleep(0.01)
    finally:
        await asyncio.wait_for(manager.stop(), timeout=2.0)
    assert manager.targets() == []
    assert select(storage, "up") == []


async def test_one_failing_target_does_not_stop_the_others_and_the_api_lists_both(
    server: ExpositionServer, storage: EmbeddedStorage, ingester: Ingester
) -> None:
    server.body = b"fine 1\n"
    refused = f"127.0.0.1:{free_port()}"
    config = scrape_config("mixed", [refused, server.address], labels={"team": "core"})
    manager = ScrapeManager([config], ingester)
    app = FastAPI()
    app.include_router(targets_api.router)
    app.state.pulseboard = SimpleNamespace(scrape_manager=manager)
    transport = httpx.ASGITransport(app=app)
    async with running(manager), httpx.AsyncClient(transport=transport, base_url="http://t") as c:
        await scrape_after(manager, f"http://{refused}/metrics", 0)
        await scrape_after(manager, server.url, 0)
        response = await c.get("/api/v1/targets")
        filtered = await c.get("/api/v1/targets", params={"scrapePool": "other"})
        dropped_only = await c.get("/api/v1/targets", params={"state": "dropped"})

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "success"
    assert body["data"]["droppedTargets"] == []
    active = {t["scrapeUrl"]: t for t in body["data"]["activeTargets"]}
    assert set(active) == {f"http://{refused}/metrics", server.url}
    good, bad = active[server.url], active[f"http://{refused}/metrics"]
    assert good["health"] == "up" and good["lastError"] == ""
    assert bad["health"] == "down" and bad["lastError"].startswith(f'Get "http://{refused}/')
    assert good["labels"] == {"job": "mixed", "instance": server.address, "team": "core"}
    assert good["discoveredLabels"] == {
        "__address__": server.address,
        "__metrics_path__": "/metrics",
        "__scheme__": "http",
        "__scrape_interval__": "200ms",
        "__scrape_timeout__": "200ms",
        "job": "mixed",
        "team": "core",
    }
    assert good["scrapePool"] == "mixed"
    assert (good["scrapeInterval"], good["scrapeTimeout"]) == ("200ms", "200ms")
    assert good["globalUrl"].endswith(f":{server.address.split(':')[1]}/metrics")
    assert isinstance(good["lastScrapeDuration"], float)
    last = datetime.strptime(good["lastScrape"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    assert abs((datetime.now(UTC) - last).total_seconds()) < 60
    assert filtered.json()["data"]["activeTargets"] == []
    assert dropped_only.json()["data"]["activeTargets"] == []
    _, up = one(storage, "up", instance=server.address)
    assert set(up.tolist()) == {1.0}
    _, bad_up = one(storage, "up", instance=refused)
    assert set(bad_up.tolist()) == {0.0}


async def test_api_shows_a_target_not_scraped_yet_as_unknown(ingester: Ingester) -> None:
    # With a one-day interval the first scrape is hours away (its offset is fixed per target).
    config = scrape_config("later", ["127.0.0.1:9"], interval=86_400, timeout=10)
    manager = ScrapeManager([config], ingester)
    app = FastAPI()
    app.include_router(targets_api.router)
    app.state.pulseboard = SimpleNamespace(scrape_manager=manager)
    transport = httpx.ASGITransport(app=app)
    async with running(manager), httpx.AsyncClient(transport=transport, base_url="http://t") as c:
        [target] = (await c.get("/api/v1/targets")).json()["data"]["activeTargets"]
    assert target["health"] == "unknown"
    assert target["lastScrape"] == "0001-01-01T00:00:00Z"
    assert (target["scrapeInterval"], target["scrapeTimeout"]) == ("1d", "10s")


def test_scrape_offset_is_fixed_per_target_and_spreads_targets() -> None:
    interval = 15 * 10**9
    offsets = [scrape_offset(f"http://10.0.0.{i}:9100/metrics", interval) for i in range(50)]
    assert offsets == [
        scrape_offset(f"http://10.0.0.{i}:9100/metrics", interval) for i in range(50)
    ]
    assert all(0 <= offset < interval for offset in offsets)
    assert len(set(offsets)) == 50
    # Spread over the whole interval, not bunched at its start.
    assert min(offsets) < interval / 4 and max(offsets) > interval * 3 / 4


@pytest.mark.slow
async def test_scrapes_node_exporter_into_the_store(
    storage: EmbeddedStorage, ingester: Ingester
) -> None:
    if shutil.which(NODE_EXPORTER) is None:
        pytest.skip(f"{NODE_EXPORTER} is not installed (Debian package prometheus-node-exporter)")
    address = f"127.0.0.1:{free_port()}"
    exporter = subprocess.Popen(
        [NODE_EXPORTER, f"--web.listen-address={address}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://{address}/metrics"
    try:
        config = scrape_config("node", [address], interval=1.0, timeout=1.0)
        async with running(ScrapeManager([config], ingester)) as manager:
            deadline = time.monotonic() + WAIT
            state = state_of(manager, url)
            while state.health != "up":
                assert exporter.poll() is None, "node exporter exited"
                assert time.monotonic() < deadline, f"node exporter never scraped: {state}"
                state = await next_scrape(manager, url)
    finally:
        exporter.terminate()
        exporter.wait(timeout=10)

    target = {"job": "node", "instance": address}
    cpu = select(storage, "node_cpu_seconds_total", **target)
    assert cpu, "no node_cpu_seconds_total series"
    modes = {labels["mode"] for labels, _, _ in cpu}
    assert {"idle", "system", "user"} <= modes
    assert all("cpu" in labels for labels, _, _ in cpu)
    assert select(storage, "node_memory_MemTotal_bytes", **target)
    [(build_labels, _, _)] = select(storage, "node_exporter_build_info", **target)
    assert build_labels["version"].startswith("1.")
    _, up = one(storage, "up", **target)
    assert up[-1] == 1.0
    _, scraped = one(storage, "scrape_samples_scraped", **target)
    assert scraped[-1] > 100
    assert storage.metadata()["node_cpu_seconds_total"].type == "counter"

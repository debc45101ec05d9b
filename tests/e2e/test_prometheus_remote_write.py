"""A real Prometheus scrapes node-exporter and remote-writes into a real Pulseboard process.

Every sample Prometheus holds (up to a cut-off it has had time to send) must come back, series
by series and value by value, through /api/v1/series and through the storage read API.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import httpx
import numpy as np
import pytest

from pulseboard.config import StorageConfig
from pulseboard.model.matchers import parse_selector
from pulseboard.model.samples import stale_mask
from pulseboard.storage.embedded import EmbeddedStorage
from tests.conftest import free_port, start_server, stop_server

pytestmark = pytest.mark.skipif(
    shutil.which("prometheus") is None or shutil.which("prometheus-node-exporter") is None,
    reason="Debian's prometheus and prometheus-node-exporter are needed (make test installs them)",
)


def wait_until(check: callable, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}")


def start(command: list[str], log: Path) -> subprocess.Popen[bytes]:
    with open(log, "wb") as handle:
        return subprocess.Popen(command, stdout=handle, stderr=subprocess.STDOUT)


def test_every_sample_prometheus_sent_is_stored(tmp_path: Path) -> None:
    pulseboard = start_server(tmp_path / "pulseboard", free_port())
    exporter_port, prometheus_port = free_port(), free_port()
    exporter = start(
        [
            "prometheus-node-exporter",
            f"--web.listen-address=127.0.0.1:{exporter_port}",
            "--collector.disable-defaults",
            "--collector.cpu",
            "--collector.meminfo",
            "--collector.loadavg",
            "--collector.filesystem",
        ],
        tmp_path / "node-exporter.log",
    )
    config = tmp_path / "prometheus.yml"
    config.write_text(
        f"""
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: node
    static_configs: [{{targets: ["127.0.0.1:{exporter_port}"], labels: {{project: atlas}}}}]
  - job_name: pulseboard
    static_configs: [{{targets: ["127.0.0.1:{pulseboard.url.rsplit(":", 1)[1]}"]}}]
remote_write:
  - url: {pulseboard.url}/api/v1/write
    queue_config: {{batch_send_deadline: 500ms, max_samples_per_send: 500, min_backoff: 100ms}}
"""
    )
    prometheus = start(
        [
            "prometheus",
            f"--config.file={config}",
            f"--storage.tsdb.path={tmp_path / 'prometheus-data'}",
            f"--web.listen-address=127.0.0.1:{prometheus_port}",
        ],
        tmp_path / "prometheus.log",
    )
    prometheus_api = f"http://127.0.0.1:{prometheus_port}/api/v1"
    try:

        def scraped_enough() -> bool:
            try:
                response = httpx.get(
                    f"{prometheus_api}/query", params={"query": "count_over_time(up[1m])"}
                )
            except httpx.TransportError:
                return False
            if response.status_code != 200:  # "Service Unavailable" while it starts
                return False
            result = response.json()
            values = [float(r["value"][1]) for r in result.get("data", {}).get("result", [])]
            return len(values) == 2 and min(values) >= 6

        wait_until(scraped_enough, 60, "Prometheus to scrape both targets six times")
        cutoff = time.time() - 2
        everything = httpx.get(
            f"{prometheus_api}/query",
            params={"query": '{__name__=~".+"}[5m]', "time": cutoff},
            timeout=30,
        ).json()["data"]["result"]
        expected = {
            tuple(sorted(item["metric"].items())): [(float(t), float(v)) for t, v in item["values"]]
            for item in everything
        }
        assert len(expected) > 100  # node-exporter's cpu, memory, filesystem series and ours

        def pulseboard_series() -> set[tuple[tuple[str, str], ...]]:
            data = httpx.get(
                f"{pulseboard.url}/api/v1/series",
                params={"match[]": '{__name__=~".+"}'},
                timeout=30,
            ).json()["data"]
            return {tuple(sorted(s.items())) for s in data}

        wait_until(lambda: set(expected) <= pulseboard_series(), 30, "every series to arrive")
        # Let the queue drain what was scraped up to the cut-off.
        time.sleep(3)
    finally:
        prometheus.terminate()
        prometheus.wait(30)
        exporter.terminate()
        exporter.wait(10)
        stop_server(pulseboard)

    storage = EmbeddedStorage(pulseboard.data_dir, StorageConfig())
    try:
        stored = storage.select(parse_selector('{__name__=~".+"}'), 0, int(time.time() * 1000))
        by_series = {}
        for i in range(len(stored)):
            labels, timestamps, values = stored.series(i)
            live = ~stale_mask(values)
            by_series[labels] = (timestamps[live], values[live])
        missing = 0
        for labels, samples in expected.items():
            timestamps, values = by_series[labels]
            have = dict(zip((timestamps / 1000).tolist(), values.tolist(), strict=True))
            for t, v in samples:
                if t not in have:
                    missing += 1
                elif not (have[t] == v or (np.isnan(v) and np.isnan(have[t]))):
                    raise AssertionError(f"{labels} at {t}: Prometheus {v}, Pulseboard {have[t]}")
        total = sum(len(s) for s in expected.values())
        assert missing == 0, f"{missing} of {total} samples Prometheus holds never arrived"
    finally:
        storage.close()

"""`pulseboard serve --config` scrapes the targets its file names: node-exporter and itself."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import free_port, start_server, stop_server

pytestmark = pytest.mark.skipif(
    shutil.which("prometheus-node-exporter") is None,
    reason="Debian's prometheus-node-exporter is needed (make test installs it)",
)


def test_configured_targets_are_scraped(tmp_path: Path) -> None:
    exporter_port, port = free_port(), free_port()
    with open(tmp_path / "node-exporter.log", "wb") as log:
        exporter = subprocess.Popen(
            [
                "prometheus-node-exporter",
                f"--web.listen-address=127.0.0.1:{exporter_port}",
                "--collector.disable-defaults",
                "--collector.cpu",
                "--collector.meminfo",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    config = tmp_path / "pulseboard.yml"
    config.write_text(
        f"""
scrape_configs:
  - job_name: node
    scrape_interval: 1s
    scrape_timeout: 1s
    static_configs: [{{targets: ["127.0.0.1:{exporter_port}"], labels: {{project: atlas}}}}]
  - job_name: pulseboard  # replaces the built-in self-monitoring job of that name
    scrape_interval: 1s
    scrape_timeout: 1s
    static_configs: [{{targets: ["127.0.0.1:{port}"]}}]
  - job_name: nobody-home
    scrape_interval: 1s
    scrape_timeout: 1s
    static_configs: [{{targets: ["127.0.0.1:{free_port()}"]}}]
"""
    )
    server = start_server(tmp_path / "data", port, config=config)
    try:
        deadline = time.monotonic() + 20
        health: dict[str, str] = {}
        while time.monotonic() < deadline:
            targets = httpx.get(f"{server.url}/api/v1/targets").json()["data"]["activeTargets"]
            health = {t["labels"]["job"]: t["health"] for t in targets}
            if health == {"node": "up", "pulseboard": "up", "nobody-home": "down"}:
                break
            time.sleep(0.2)
        assert health == {"node": "up", "pulseboard": "up", "nobody-home": "down"}
        ups = httpx.get(f"{server.url}/api/v1/series", params={"match[]": "up"}).json()["data"]
        assert {u["job"] for u in ups} == {"node", "pulseboard", "nobody-home"}
        cpu = httpx.get(
            f"{server.url}/api/v1/series",
            params={"match[]": 'node_cpu_seconds_total{project="atlas",job="node"}'},
        ).json()["data"]
        assert {c["mode"] for c in cpu} >= {"idle", "user", "system"}
        own = httpx.get(
            f"{server.url}/api/v1/label/__name__/values", params={"match[]": '{job="pulseboard"}'}
        ).json()["data"]
        assert "pulseboard_storage_series" in own
    finally:
        stop_server(server)
        exporter.terminate()
        exporter.wait(10)

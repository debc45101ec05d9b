"""kill -9 at any moment loses nothing that was acknowledged, and the server restarts quickly."""

from __future__ import annotations

import os
import random
import signal
import threading
import time
from pathlib import Path

import httpx

from pulseboard.config import StorageConfig
from pulseboard.model.matchers import parse_selector
from pulseboard.storage.embedded import EmbeddedStorage
from tests.conftest import free_port, start_server, stop_server
from tests.ingest.remote_write_helpers import encode_remote_write

HEADERS = {"Content-Type": "application/x-protobuf", "Content-Encoding": "snappy"}


def test_acknowledged_samples_survive_kill_9(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    port = free_port()
    server = start_server(data_dir, port)
    acknowledged: list[tuple[int, int, float]] = []  # (series, timestamp, value)
    stop = threading.Event()
    base = int(time.time() * 1000) - 3_600_000

    def sender(worker: int) -> None:
        with httpx.Client(base_url=server.url, timeout=5) as client:
            step = 0
            while not stop.is_set():
                timestamp = base + step * 100
                rows = [(worker * 1000 + s, timestamp, float(step * 7 + s)) for s in range(200)]
                body = encode_remote_write(
                    [
                        ((("__name__", "load_total"), ("series", str(s))), [(v, t)])
                        for s, t, v in rows
                    ]
                )
                try:
                    response = client.post("/api/v1/write", content=body, headers=HEADERS)
                except httpx.TransportError:
                    return  # the server died mid-request: this batch was never acknowledged
                if response.status_code == 204:
                    acknowledged.extend(rows)
                step += 1

    workers = [threading.Thread(target=sender, args=(w,)) for w in range(3)]
    for worker in workers:
        worker.start()
    time.sleep(random.uniform(1.5, 3.0))
    os.kill(server.process.pid, signal.SIGKILL)
    server.process.wait()
    stop.set()
    for worker in workers:
        worker.join(10)
    assert len(acknowledged) > 1000, "the senders should have been acknowledged many times"

    started = time.monotonic()
    storage = EmbeddedStorage(data_dir, StorageConfig())
    opened_in = time.monotonic() - started
    try:
        found = storage.select(parse_selector("load_total"), 0, int(time.time() * 1000))
        stored = {}
        for i in range(len(found)):
            labels, timestamps, values = found.series(i)
            series = int(dict(labels)["series"])
            for t, v in zip(timestamps.tolist(), values.tolist(), strict=True):
                stored[(series, t)] = v
        lost = [(s, t, v) for s, t, v in acknowledged if stored.get((s, t)) != v]
        assert not lost, f"{len(lost)} acknowledged samples lost, e.g. {lost[:3]}"
    finally:
        storage.close()
    assert opened_in < 10, f"reopening took {opened_in:.1f}s"

    restarted = start_server(data_dir, port)  # and the server itself comes back
    try:
        series = httpx.get(f"{restarted.url}/api/v1/series", params={"match[]": "load_total"})
        assert len(series.json()["data"]) >= len({s for s, _, _ in acknowledged})
    finally:
        stop_server(restarted)

"""Ingest throughput through the HTTP API of a real `pulseboard serve` process.

    python benchmarks/bench_ingest_http.py [--series 10000] [--requests 60]

Remote write: each request carries one sample of each of N series (a Prometheus shard's worth of
a scrape round); exposition import: the same series as text. Reference: the store's own append
rate for the same batches, measured in this run, so the ratio shows what HTTP + decoding cost.
Goal (issue #2): remote-write ingest >= 500k samples/s on one core.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import cramjam
import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_storage import append_throughput
from benchmarks.data import ScrapeSimulator
from pulseboard.ingest.proto import remote_pb2
from tests.conftest import free_port, start_server, stop_server

STEP_MS = 15_000
HEADERS = {"Content-Type": "application/x-protobuf", "Content-Encoding": "snappy"}


def remote_write_bodies(simulator: ScrapeSimulator, start_ms: int, count: int) -> list[bytes]:
    bodies = []
    for k in range(count):
        values = simulator.step().tolist()
        request = remote_pb2.WriteRequest()
        for labels, value in zip(simulator.labels, values, strict=True):
            series = request.timeseries.add()
            for name, label_value in labels:
                series.labels.add(name=name, value=label_value)
            series.samples.add(value=value, timestamp=start_ms + k * STEP_MS)
        bodies.append(bytes(cramjam.snappy.compress_raw(request.SerializeToString())))
    return bodies


def timed_posts(url: str, bodies: list[bytes], headers: dict[str, str], series: int) -> list[float]:
    rates = []
    with httpx.Client(timeout=60) as client:
        for body in bodies:
            began = time.perf_counter()
            response = client.post(url, content=body, headers=headers)
            elapsed = time.perf_counter() - began
            assert response.status_code == 204, response.text
            rates.append(series / elapsed)
    return rates


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--series", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=60)
    args = parser.parse_args()
    start_ms = (int(time.time() * 1000) - 2 * args.requests * STEP_MS) // STEP_MS * STEP_MS

    simulator = ScrapeSimulator(args.series)
    bodies = remote_write_bodies(simulator, start_ms, args.requests)
    texts = [simulator.exposition() for _ in range(args.requests)]
    with tempfile.TemporaryDirectory() as directory:
        server = start_server(Path(directory) / "data", free_port())
        try:
            write = timed_posts(f"{server.url}/api/v1/write", bodies, HEADERS, args.series)
            imports = []
            for k, text in enumerate(texts):
                stamp = (start_ms + (args.requests + k) * STEP_MS) / 1000
                url = f"{server.url}/api/v1/import/prometheus?timestamp={stamp}"
                imports += timed_posts(url, [text], {"Content-Type": "text/plain"}, args.series)
        finally:
            stop_server(server)
    reference = append_throughput(args.series, args.requests)["compressed"]["median"]

    body_kib = statistics.median(len(b) for b in bodies) / 1024
    print(f"{args.series} series, one sample each per request, {args.requests} requests")
    print(
        f"remote write ({body_kib:.0f} KiB/request): first request (new series) "
        f"{write[0]:,.0f} samples/s; steady median {statistics.median(write[1:]):,.0f} samples/s"
    )
    print(
        f"exposition import: first {imports[0]:,.0f} samples/s; "
        f"steady median {statistics.median(imports[1:]):,.0f} samples/s"
    )
    print(
        f"store append alone (reference, same run): {reference:,.0f} samples/s; "
        f"remote write reaches {statistics.median(write[1:]) / reference:.2f} of it"
    )


if __name__ == "__main__":
    main()

"""Exposition text parsing throughput, against prometheus_client's parser in the same run.

The body mixes a node-exporter-like host (CPU, filesystem, network gauges and counters) with an
instrumented web app (labelled counters, histograms, summaries), ~10k samples in all, produced
by prometheus_client's own exposition code. "Cold" parses with an empty series cache (a target's
first scrape); "warm" parses the same series again, as every later scrape of that target does.

Run: python benchmarks/bench_exposition.py
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, Summary
from prometheus_client.exposition import generate_latest
from prometheus_client.openmetrics.exposition import generate_latest as generate_openmetrics
from prometheus_client.parser import text_string_to_metric_families

# Runnable from a checkout without installing the package.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pulseboard.ingest.exposition import clear_series_cache, parse_exposition

NOW_MS = 1_700_000_000_000
EXTRA_LABELS = (("job", "node"), ("instance", "10.0.0.7:9100"))


def build_registry() -> CollectorRegistry:
    registry = CollectorRegistry()
    _host_metrics(registry)
    _app_metrics(registry)
    return registry


def _host_metrics(registry: CollectorRegistry) -> None:
    cpu = Counter(
        "node_cpu_seconds",
        "Seconds the CPUs spent in each mode.",
        ["cpu", "mode"],
        registry=registry,
    )
    modes = ("idle", "iowait", "irq", "nice", "softirq", "steal", "system", "user")
    for index in range(64):
        for number, mode in enumerate(modes):
            cpu.labels(str(index), mode).inc(index * 1000.25 + number * 17.5)
    fs_labels = ["device", "fstype", "mountpoint"]
    size = Gauge(
        "node_filesystem_size_bytes", "Filesystem size in bytes.", fs_labels, registry=registry
    )
    free = Gauge(
        "node_filesystem_free_bytes",
        "Filesystem free space in bytes.",
        fs_labels,
        registry=registry,
    )
    for index in range(100):
        labels = (f"/dev/nvme0n1p{index}", "ext4", f"/srv/volume-{index}")
        size.labels(*labels).set(1.0e12 + index)
        free.labels(*labels).set(3.5e11 - index * 1024)
    for name in ("receive", "transmit"):
        for unit in ("bytes", "packets", "errs", "drop"):
            counter = Counter(
                f"node_network_{name}_{unit}",
                f"Network device statistic {unit}.",
                ["device"],
                registry=registry,
            )
            for index in range(80):
                counter.labels(f"veth{index:04x}").inc(index * 123456789 + 42)


def _app_metrics(registry: CollectorRegistry) -> None:
    labels = ["method", "handler", "status"]
    requests = Counter("http_requests", "Requests handled.", labels, registry=registry)
    latency = Histogram(
        "http_request_duration_seconds", "Request latency.", labels, registry=registry
    )
    sizes = Summary("http_response_size_bytes", "Response sizes.", labels, registry=registry)
    handlers = [
        f"/api/v1/{resource}"
        for resource in (
            "users",
            "orders",
            "items",
            "carts",
            "search",
            "reports",
            "sessions",
            "tokens",
            "invoices",
            "payments",
            "refunds",
            "shipments",
            "coupons",
            "reviews",
            "webhooks",
            "exports",
        )
    ]
    # Some label values need escapes, as real ones sometimes do.
    handlers += ['/legacy/"quoted"', "C:\\Program Files\\app"]
    for method in ("GET", "POST", "PUT", "DELETE"):
        for handler in handlers:
            for status in ("200", "400", "404", "500"):
                requests.labels(method, handler, status).inc(len(handler) * 1000 + 7)
                for sample in range(5):
                    latency.labels(method, handler, status).observe(0.003 * (sample + 1) ** 2)
                    sizes.labels(method, handler, status).observe(512 * (sample + 1))


ROUNDS = 15


def measure(function: Callable[[], int], cold: bool) -> float:
    """Samples per second of one run; a warm run follows an untimed one that fills the cache."""
    if cold:
        clear_series_cache()
    else:
        function()
    start = time.perf_counter()
    samples = function()
    return samples / (time.perf_counter() - start)


def main() -> None:
    registry = build_registry()
    text = generate_latest(registry)
    openmetrics = generate_openmetrics(registry)
    decoded = text.decode()

    def ours_text() -> int:
        batch = parse_exposition(text, default_timestamp_ms=NOW_MS, extra_labels=EXTRA_LABELS)
        return len(batch)

    def ours_openmetrics() -> int:
        batch = parse_exposition(
            openmetrics, default_timestamp_ms=NOW_MS, extra_labels=EXTRA_LABELS, openmetrics=True
        )
        return len(batch)

    def reference() -> int:
        return sum(len(family.samples) for family in text_string_to_metric_families(decoded))

    samples = ours_text()
    if samples != reference():
        raise SystemExit(f"sample counts differ: ours {samples}, reference {reference()}")
    print(
        f"body: {len(text) / 1e6:.2f} MB text format / {len(openmetrics) / 1e6:.2f} MB "
        f"OpenMetrics, {samples} samples in the text format; median (best) of {ROUNDS} rounds"
    )
    contenders: list[tuple[str, Callable[[], int], bool]] = [
        ("prometheus_client text parser (reference)", reference, False),
        ("pulseboard text, cold cache", ours_text, True),
        ("pulseboard text, warm cache", ours_text, False),
        ("pulseboard OpenMetrics, cold cache", ours_openmetrics, True),
        ("pulseboard OpenMetrics, warm cache", ours_openmetrics, False),
    ]
    # Rounds interleave the contenders so that load from elsewhere hits them all alike.
    rates: dict[str, list[float]] = {name: [] for name, _, _ in contenders}
    for _ in range(ROUNDS):
        for name, function, cold in contenders:
            rates[name].append(measure(function, cold))
    reference_rate = statistics.median(rates[contenders[0][0]])
    for name, measured in rates.items():
        rate = statistics.median(measured)
        print(
            f"{name:44s} {rate / 1e6:6.3f} M samples/s ({max(measured) / 1e6:6.3f})"
            f"  {rate / reference_rate:5.1f}x reference"
        )


if __name__ == "__main__":
    main()

"""Realistic data for comparing our PromQL with Prometheus itself, and the queries to compare.

A fleet of jobs and instances exposing what dashboards and alerts read most:
``http_requests_total{job,instance,route,status}`` counters (with an occasional counter reset),
``http_request_duration_seconds`` classic histograms (``_bucket{le}``, ``_sum``, ``_count``),
``process_resident_memory_bytes`` and ``queue_depth{queue}`` gauges; a few instances stop early
(so lookback and ``absent`` have something to do). Counters start far from zero, as those of a
long-running process do: Prometheus 2.42 and 3 extrapolate a counter's start towards zero
differently when a series begins inside a range window. Samples are every 15 s with a few hundred
milliseconds of jitter, so no sample sits exactly on a range-selector boundary of a query evaluated
on whole seconds (Prometheus 2.42 closes range selectors on the left, Prometheus 3 does not).

The same samples are written as OpenMetrics text with timestamps in seconds (for
``promtool tsdb create-blocks-from openmetrics``) and as text exposition with timestamps in
milliseconds (for our ``/api/v1/import/prometheus``).
"""

from __future__ import annotations

import math
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import numpy as np

from tests.processes import wait_until_ready

INTERVAL_MS = 15_000
BUCKETS = ("0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1.0", "2.5", "5.0", "10.0")
ROUTES = ("/api/users", "/api/orders", "/api/search", "/login")
STATUSES = ("200", "404", "500", "503")
JOBS = ("api", "checkout")
QUEUES = ("email", "billing")
SERIES_PER_INSTANCE = len(ROUTES) * (len(STATUSES) + len(BUCKETS) + 3) + 1 + len(QUEUES)


@dataclass
class Family:
    name: str
    type: str
    help: str
    series: list[tuple[tuple[tuple[str, str], ...], np.ndarray, np.ndarray]] = field(
        default_factory=list
    )  # (labels without __name__ but with the sample name first, timestamps ms, values)


@dataclass
class Dataset:
    families: list[Family]
    start_ms: int
    end_ms: int  # the last sample is at or before this

    @property
    def series_count(self) -> int:
        return sum(len(f.series) for f in self.families)

    @property
    def sample_count(self) -> int:
        return sum(len(ts) for f in self.families for _, ts, _ in f.series)


def generate(series: int, hours: float, end_ms: int, seed: int = 42) -> Dataset:
    """About ``series`` series (rounded up to whole instances) over ``hours`` ending at end_ms."""
    rng = np.random.default_rng(seed)
    points = int(hours * 3600_000 // INTERVAL_MS)
    start_ms = end_ms - points * INTERVAL_MS
    instances = max(1, math.ceil(series / (SERIES_PER_INSTANCE * len(JOBS))))
    requests = Family("http_requests", "counter", "Requests served.")
    latency = Family("http_request_duration_seconds", "histogram", "Request latency.")
    memory = Family("process_resident_memory_bytes", "gauge", "Resident memory.")
    queue = Family("queue_depth", "gauge", "Jobs waiting.")
    upper = np.array([float(b) for b in BUCKETS])
    for job in JOBS:
        for index in range(instances):
            instance = f"10.0.{index // 200}.{index % 200}:8080"
            # Every sample jittered by 100-900 ms; a few instances stop 40 minutes early.
            length = points - (160 if rng.random() < 0.05 else 0)
            ts = start_ms + np.arange(length, dtype=np.int64) * INTERVAL_MS
            ts += rng.integers(100, 900, length)
            base = (("job", job), ("instance", instance))
            for route in ROUTES:
                traffic = rng.uniform(0.5, 40)
                mix = np.array([0.9, 0.06, 0.03, 0.01]) * rng.uniform(0.8, 1.2, 4)
                for status, share in zip(STATUSES, mix, strict=True):
                    per_step = rng.poisson(traffic * share * 15, length).astype(np.float64)
                    # Counters of a long-running process: far from zero when the data starts.
                    values = np.cumsum(per_step) + rng.integers(10_000, 1_000_000)
                    if rng.random() < 0.1:  # a restart: the counter starts over
                        cut = int(rng.integers(1, length))
                        values[cut:] -= values[cut - 1]
                    labels = (("__name__", "http_requests_total"), *base, ("route", route))
                    requests.series.append(((*labels, ("status", status)), ts, values))
                observations = rng.poisson(traffic * 15, length).astype(np.float64)
                median = rng.uniform(0.02, 0.4)
                # Fraction of observations at or below each bound (log-normal latencies).
                shares = 0.5 * (1 + _erf(np.log(upper / median) / (0.9 * math.sqrt(2))))
                noise = rng.uniform(0.97, 1.03, (length, 1))
                below = np.minimum(np.clip(shares[None, :] * noise, 0, 1), 1)
                below = np.maximum.accumulate(below, axis=1)  # buckets never shrink with le
                counts = np.floor(observations[:, None] * below)
                served = float(rng.integers(10_000, 1_000_000))  # before the data starts
                cumulative = np.cumsum(counts, axis=0) + np.floor(served * shares)
                total = np.cumsum(observations) + served
                hist = (*base, ("route", route))
                for bucket, column in zip(BUCKETS, cumulative.T, strict=True):
                    labels = (("__name__", "http_request_duration_seconds_bucket"), *hist)
                    latency.series.append(((*labels, ("le", bucket)), ts, column))
                latency.series.append(
                    (
                        (
                            ("__name__", "http_request_duration_seconds_bucket"),
                            *hist,
                            ("le", "+Inf"),
                        ),
                        ts,
                        total,
                    )
                )
                sums = np.cumsum(observations * median * rng.uniform(0.9, 1.3, length))
                sums += served * median
                latency.series.append(
                    ((("__name__", "http_request_duration_seconds_sum"), *hist), ts, sums.round(3))
                )
                latency.series.append(
                    ((("__name__", "http_request_duration_seconds_count"), *hist), ts, total)
                )
            walk = np.cumsum(rng.normal(0, 2e6, length)) + rng.uniform(2e8, 8e8)
            memory.series.append(
                ((("__name__", "process_resident_memory_bytes"), *base), ts, walk.round())
            )
            for name in QUEUES:
                depth = np.maximum(np.cumsum(rng.normal(0, 3, length)) + 20, 0).round()
                queue.series.append(
                    ((("__name__", "queue_depth"), *base, ("queue", name)), ts, depth)
                )
    return Dataset([requests, latency, memory, queue], start_ms, end_ms)


def _erf(x: np.ndarray) -> np.ndarray:
    return np.vectorize(math.erf)(x)


def _value(value: float) -> str:
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value))


def _labels(labels: tuple[tuple[str, str], ...]) -> str:
    inner = ",".join(f'{k}="{v}"' for k, v in labels[1:])
    return f"{labels[0][1]}{{{inner}}}"


def openmetrics_lines(data: Dataset) -> Iterator[str]:
    """OpenMetrics text, timestamps in seconds, families not interleaved, ending with # EOF."""
    for family in data.families:
        yield f"# HELP {family.name} {family.help}\n# TYPE {family.name} {family.type}\n"
        for labels, ts, values in family.series:
            name = _labels(labels)
            yield "".join(
                f"{name} {_value(v)} {t // 1000}.{t % 1000:03d}\n"
                for t, v in zip(ts.tolist(), values.tolist(), strict=True)
            )
    yield "# EOF\n"


def write_openmetrics(data: Dataset, path: Path) -> None:
    with path.open("w") as out:
        for chunk in openmetrics_lines(data):
            out.write(chunk)


def exposition_bodies(data: Dataset, max_samples: int = 200_000) -> Iterator[bytes]:
    """Text exposition bodies (timestamps in ms) of at most about max_samples samples each."""
    parts: list[str] = []
    count = 0
    for family in data.families:
        header = f"# HELP {family.name} {family.help}\n# TYPE {family.name} {family.type}\n"
        parts.append(header)
        for labels, ts, values in family.series:
            name = _labels(labels)
            parts.append(
                "".join(
                    f"{name} {_value(v)} {t}\n"
                    for t, v in zip(ts.tolist(), values.tolist(), strict=True)
                )
            )
            count += len(ts)
            if count >= max_samples:
                yield "".join(parts).encode()
                parts, count = [header], 0
    if count:
        yield "".join(parts).encode()


# Dashboard panels and alert expressions, as range queries. Names are short table keys.
QUERIES: dict[str, str] = {
    "rate": "rate(http_requests_total[5m])",
    "irate": 'irate(http_requests_total{route="/login"}[1m])',
    "increase": "increase(http_requests_total[10m])",
    "sum_by_job": "sum by (job) (rate(http_requests_total[5m]))",
    "sum_by_route_status": "sum by (route, status) (rate(http_requests_total[5m]))",
    "error_ratio": (
        'sum by (job) (rate(http_requests_total{status=~"5.."}[5m]))'
        " / sum by (job) (rate(http_requests_total[5m]))"
    ),
    "p95_latency": (
        "histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))"
    ),
    "p99_by_route": (
        "histogram_quantile(0.99, sum by (route, le) "
        "(rate(http_request_duration_seconds_bucket[5m])))"
    ),
    "mean_latency": (
        "sum(rate(http_request_duration_seconds_sum[5m]))"
        " / sum(rate(http_request_duration_seconds_count[5m]))"
    ),
    "topk": "topk(5, sum by (instance) (rate(http_requests_total[5m])))",
    "avg_over_time": "avg_over_time(process_resident_memory_bytes[10m])",
    "max_over_time": "max_over_time(queue_depth[15m])",
    "predict_linear": "predict_linear(process_resident_memory_bytes[30m], 3600)",
    "deriv": "deriv(queue_depth[10m])",
    "absent": 'absent(http_requests_total{job="missing"})',
    "absent_present": 'absent(queue_depth{job="api"})',
    "count_by": "count by (job) (process_resident_memory_bytes)",
    "label_replace": (
        'label_replace(sum by (instance) (rate(http_requests_total[5m])), "host", "$1", '
        '"instance", "(.*):.*")'
    ),
    "subquery": 'max_over_time(rate(http_requests_total{route="/api/users"}[1m])[10m:1m])',
    "bool_alert": 'sum by (job) (rate(http_requests_total{status="500"}[5m])) > bool 0.5',
    "filter_alert": "queue_depth > 25",
    "and": 'rate(http_requests_total{status="200"}[5m]) > 5 and on (instance) queue_depth > 20',
    "or": 'queue_depth{queue="email"} or process_resident_memory_bytes < 4e8',
    "unless": "process_resident_memory_bytes unless on (instance) queue_depth > 15",
    "offset": (
        "sum by (job) (rate(http_requests_total[5m]))"
        " / sum by (job) (rate(http_requests_total[5m] offset 30m))"
    ),
}


def query_grid(end_ms: int, hours: float, step_s: int) -> tuple[float, float, int]:
    """(start s, end s, step s) of a dashboard range: off the minute by 7 s, so that no subquery
    step or range boundary lands exactly on an evaluation time (2.42 and 3 differ there)."""
    end_s = (end_ms // 60_000) * 60 - 53
    return end_s - hours * 3600, end_s, step_s


# ------------------------------------------------------------------------------------ Prometheus


def build_blocks(openmetrics: Path, storage_dir: Path) -> None:
    """promtool tsdb create-blocks-from openmetrics: the data as Prometheus TSDB blocks."""
    storage_dir.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            "promtool",
            "tsdb",
            "create-blocks-from",
            "openmetrics",
            str(openmetrics),
            str(storage_dir),
        ],
        check=True,
        capture_output=True,
        timeout=1800,
    )


def start_prometheus(storage_dir: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    """Prometheus on loopback with no scrape targets, reading the blocks in storage_dir."""
    config = storage_dir.parent / "prometheus.yml"
    config.write_text("global:\n  scrape_interval: 1h\nscrape_configs: []\n")
    with log.open("ab") as out:
        process = subprocess.Popen(
            [
                "prometheus",
                f"--config.file={config}",
                f"--storage.tsdb.path={storage_dir}",
                "--storage.tsdb.retention.time=100y",
                f"--web.listen-address=127.0.0.1:{port}",
                "--query.max-samples=500000000",
                "--log.level=warn",
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    wait_until_ready(process, f"http://127.0.0.1:{port}/-/ready", "prometheus", log.read_text, 120)
    return process


def stop_process(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def import_into_pulseboard(url: str, data: Dataset, client: httpx.Client | None = None) -> None:
    own = client or httpx.Client(timeout=600)
    try:
        for body in exposition_bodies(data):
            response = own.post(
                f"{url}/api/v1/import/prometheus",
                content=body,
                headers={"Content-Type": "text/plain; version=0.0.4"},
            )
            if response.status_code >= 300:
                raise RuntimeError(f"import refused: {response.status_code} {response.text[:500]}")
    finally:
        if client is None:
            own.close()


Series = dict[tuple[tuple[str, str], ...], list[tuple[float, float]]]


def query_range(
    client: httpx.Client, url: str, query: str, start: float, end: float, step: float
) -> httpx.Response:
    return client.post(
        f"{url}/api/v1/query_range",
        data={"query": query, "start": repr(start), "end": repr(end), "step": repr(step)},
    )


def matrix_of(response: httpx.Response) -> Series:
    body = response.json()
    if response.status_code != 200 or body.get("status") != "success":
        raise RuntimeError(f"query failed: {response.status_code} {response.text[:500]}")
    result = body["data"]
    if result["resultType"] != "matrix":
        raise RuntimeError(f"expected a matrix, got {result['resultType']}")
    return {
        tuple(sorted(item["metric"].items())): [(float(t), float(v)) for t, v in item["values"]]
        for item in result["result"]
    }


def differences(ours: Series, theirs: Series, rel: float = 1e-6, limit: int = 5) -> list[str]:
    """Where two matrices differ: label sets, timestamps, values (relative tolerance, NaN equal)."""
    problems: list[str] = []
    for labels in sorted(set(theirs) - set(ours)):
        problems.append(f"missing series {dict(labels)}")
    for labels in sorted(set(ours) - set(theirs)):
        problems.append(f"extra series {dict(labels)}")
    for labels in sorted(set(ours) & set(theirs)):
        mine, reference = ours[labels], theirs[labels]
        if [t for t, _ in mine] != [t for t, _ in reference]:
            missing = sorted({t for t, _ in reference} - {t for t, _ in mine})[:3]
            extra = sorted({t for t, _ in mine} - {t for t, _ in reference})[:3]
            problems.append(
                f"timestamps differ for {dict(labels)}: {len(mine)} vs {len(reference)} points, "
                f"missing {missing}, extra {extra}"
            )
            continue
        for (t, a), (_, b) in zip(mine, reference, strict=True):
            same = (math.isnan(a) and math.isnan(b)) or math.isclose(
                a, b, rel_tol=rel, abs_tol=1e-12
            )
            if not same:
                problems.append(
                    f"value differs for {dict(labels)} at {t}: ours {a!r}, prometheus {b!r}"
                )
                break
    return problems[:limit] + (
        [f"... {len(problems) - limit} more"] if len(problems) > limit else []
    )

"""Synthetic but realistic scrape data for the benchmarks: counters, gauges, histogram buckets."""

from __future__ import annotations

import numpy as np

from pulseboard.model.samples import BatchBuilder, RawLabels, SampleBatch


def series_labels(count: int) -> list[RawLabels]:
    """A mix like a real fleet: a few metrics, many instances, a handful of label values."""
    metrics = [
        "http_requests_total",
        "http_request_duration_seconds_bucket",
        "process_resident_memory_bytes",
        "node_cpu_seconds_total",
        "queue_depth",
    ]
    labels = []
    for i in range(count):
        labels.append(
            (
                ("__name__", metrics[i % len(metrics)]),
                ("job", f"service-{i % 7}"),
                ("instance", f"10.0.{i // 250}.{i % 250}:9100"),
                ("route", f"/api/v1/resource{i % 13}"),
                ("status", ("200", "404", "500")[i % 3]),
                ("project", ("atlas", "borealis", "cygnus")[i % 3]),
            )
        )
    return labels


class ScrapeSimulator:
    """Values per scrape: counters grow at a noisy rate, gauges wander."""

    def __init__(self, count: int, seed: int = 1) -> None:
        self.labels = series_labels(count)
        self._rng = np.random.default_rng(seed)
        self._is_counter = np.array([i % 5 != 2 and i % 5 != 4 for i in range(count)])
        self._values = self._rng.uniform(0, 1000, count).round()
        self._rate = self._rng.uniform(0.1, 50, count)

    def step(self) -> np.ndarray:
        noise = self._rng.normal(0, 1, self._values.shape[0])
        increase = np.maximum(self._rate * 15 + noise * self._rate, 0).round()
        wander = noise * 5
        self._values = np.where(self._is_counter, self._values + increase, self._values + wander)
        return self._values.copy()

    def batch(self, timestamp_ms: int) -> SampleBatch:
        values = self.step()
        count = values.shape[0]
        return SampleBatch(
            series=self.labels,
            series_index=np.arange(count, dtype=np.int32),
            timestamps=np.full(count, timestamp_ms, dtype=np.int64),
            values=values,
        )

    def exposition(self) -> bytes:
        values = self.step()
        lines = []
        for labels, value in zip(self.labels, values.tolist(), strict=True):
            name = labels[0][1]
            rest = ",".join(f'{k}="{v}"' for k, v in labels[1:])
            lines.append(f"{name}{{{rest}}} {value}")
        return ("\n".join(lines) + "\n").encode()


def builder_batch(rows: list[tuple[RawLabels, int, float]]) -> SampleBatch:
    builder = BatchBuilder()
    for labels, timestamp, value in rows:
        builder.add(labels, timestamp, value)
    return builder.build()

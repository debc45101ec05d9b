"""Pulseboard's own metrics, served at /metrics in the exposition format."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Histogram,
    ProcessCollector,
    disable_created_metrics,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from pulseboard.storage.protocol import Storage

# `_created` series double what a scrape carries for no use on a dashboard.
disable_created_metrics()  # type: ignore[no-untyped-call]


class StorageCollector(Collector):
    """Reads the store's figures at scrape time, so they are never stale or double-counted."""

    def __init__(self, storage: Storage) -> None:
        self._storage = storage

    def collect(self) -> Iterator[Metric]:
        stats = self._storage.stats()
        for name, help_text, value in (
            ("pulseboard_storage_series", "Series in the index.", stats.series),
            ("pulseboard_storage_head_series", "Series with samples in memory.", stats.head_series),
            ("pulseboard_storage_head_samples", "Samples held in memory.", stats.head_samples),
            ("pulseboard_storage_blocks", "Closed blocks on disk, all resolutions.", stats.blocks),
            (
                "pulseboard_storage_size_bytes",
                "Bytes used by the data directory.",
                stats.disk_bytes,
            ),
            ("pulseboard_storage_wal_size_bytes", "Bytes of write-ahead log.", stats.wal_bytes),
            (
                "pulseboard_storage_block_cache_bytes",
                "Bytes of decoded block data kept for the next read.",
                stats.block_cache_bytes,
            ),
        ):
            yield GaugeMetricFamily(name, help_text, value=value)


class LiveFigures(Protocol):
    @property
    def connected_clients(self) -> int: ...

    @property
    def shared_evaluations(self) -> int: ...


class LiveCollector(Collector):
    """Live-update connections and the shared evaluations serving them, read at scrape time."""

    def __init__(self, live: LiveFigures) -> None:
        self._live = live

    def collect(self) -> Iterator[Metric]:
        yield GaugeMetricFamily(
            "pulseboard_live_clients",
            "Connected live-update clients (WebSocket and SSE).",
            value=self._live.connected_clients,
        )
        yield GaugeMetricFamily(
            "pulseboard_live_shared_evaluations",
            "Distinct live queries evaluated every tick, each shared by all its subscribers.",
            value=self._live.shared_evaluations,
        )


class Telemetry:
    def __init__(self, storage: Storage) -> None:
        self.registry = CollectorRegistry()
        ProcessCollector(registry=self.registry)  # process_* memory, CPU, open files
        self.ingested_samples = Counter(
            "pulseboard_ingested_samples",
            "Samples stored, by ingestion path.",
            ["source"],
            registry=self.registry,
        )
        self.duplicate_samples = Counter(
            "pulseboard_duplicate_samples",
            "Samples already stored with the same value (retries), by ingestion path.",
            ["source"],
            registry=self.registry,
        )
        self.rejected_samples = Counter(
            "pulseboard_rejected_samples",
            "Samples refused (conflicting, out of bounds, over a limit), by ingestion path.",
            ["source"],
            registry=self.registry,
        )
        self.failed_requests = Counter(
            "pulseboard_ingest_failed_requests",
            "Ingestion requests refused as a whole (undecodable, invalid, over a limit).",
            ["source"],
            registry=self.registry,
        )
        self.request_duration = Histogram(
            "pulseboard_http_request_duration_seconds",
            "HTTP request latency by route and status code.",
            ["method", "route", "code"],
            registry=self.registry,
        )
        self.registry.register(StorageCollector(storage))

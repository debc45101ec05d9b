"""The one path every ingestion source takes into the store: limits, append, accounting."""

from __future__ import annotations

from collections.abc import Callable

from pulseboard.config import LimitsConfig
from pulseboard.memory import RELEASER
from pulseboard.model.samples import SampleBatch
from pulseboard.storage.protocol import AppendResult, LimitExceededError, Scope, Storage
from pulseboard.telemetry import Telemetry


class Ingester:
    def __init__(
        self,
        storage: Storage,
        limits: LimitsConfig,
        telemetry: Telemetry,
        on_stored: Callable[[int], None] | None = None,
    ) -> None:
        """`on_stored(newest_ms)` hears of every stored batch (live updates push on it)."""
        self._storage = storage
        self._limits = limits
        self._telemetry = telemetry
        self._on_stored = on_stored

    def store(self, batch: SampleBatch, source: str, scope: Scope) -> AppendResult:
        """Append a decoded batch; raises (storing nothing) when the whole request is refused."""
        if len(batch) > self._limits.max_samples_per_request:
            self._telemetry.failed_requests.labels(source).inc()
            raise LimitExceededError(
                f"request holds {len(batch)} samples, more than "
                f"limits.max_samples_per_request ({self._limits.max_samples_per_request})",
                status_code=413,
            )
        try:
            result = self._storage.append(batch, scope)
        except ValueError:
            self._telemetry.failed_requests.labels(source).inc()
            raise
        RELEASER.note(len(batch))
        if result.accepted and self._on_stored is not None:
            self._on_stored(int(batch.timestamps.max()))
        self._telemetry.ingested_samples.labels(source).inc(result.accepted)
        self._telemetry.duplicate_samples.labels(source).inc(result.duplicates)
        self._telemetry.rejected_samples.labels(source).inc(result.rejected_count)
        return result

    def refused(self, source: str) -> None:
        self._telemetry.failed_requests.labels(source).inc()

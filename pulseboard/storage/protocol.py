"""What every storage backend offers to ingestion and to the query engine."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from pulseboard.model.labels import PROJECT_LABEL, Labels
from pulseboard.model.matchers import Matcher, MatchType
from pulseboard.model.samples import Float64Array, Int64Array, MetricMetadata, SampleBatch


@dataclass(frozen=True)
class Scope:
    """Whose data a call may touch. `project=None` is unrestricted (the server itself, admins).

    A scoped write stamps every series with `project="<name>"`; a scoped read only ever sees
    series carrying it, whatever the caller's matchers say.
    """

    project: str | None = None

    def restrict(self, matchers: Sequence[Matcher]) -> list[Matcher]:
        if self.project is None:
            return list(matchers)
        return [*matchers, Matcher.create(PROJECT_LABEL, MatchType.EQUAL, self.project)]


UNRESTRICTED = Scope()


class LimitExceededError(Exception):
    """A configured limit refused the whole request; the message names the limit."""

    def __init__(self, message: str, status_code: int = 400) -> None:
        super().__init__(message)
        self.status_code = status_code


@dataclass(frozen=True)
class Rejection:
    """Samples refused for one reason (the first offending series is named, as Prometheus does)."""

    reason: str
    count: int
    example_series: str
    example_timestamp_ms: int


@dataclass
class AppendResult:
    accepted: int = 0
    duplicates: int = 0  # identical samples already stored: a retried batch is a no-op
    rejected: list[Rejection] = field(default_factory=list)

    @property
    def rejected_count(self) -> int:
        return sum(r.count for r in self.rejected)

    def message(self) -> str:
        return "; ".join(
            f"{r.reason} ({r.count} sample{'s' if r.count != 1 else ''}; "
            f"first: {r.example_series} @ {r.example_timestamp_ms})"
            for r in self.rejected
        )


@dataclass
class SeriesSet:
    """All samples of the matching series in a time range, in one set of numpy arrays.

    Series i has samples `timestamps[offsets[i]:offsets[i+1]]` (milliseconds, ascending) and the
    matching `values`; staleness markers are kept (the query engine needs them).
    """

    labels: list[Labels]
    offsets: Int64Array
    timestamps: Int64Array
    values: Float64Array

    def __len__(self) -> int:
        return len(self.labels)

    def series(self, i: int) -> tuple[Labels, Int64Array, Float64Array]:
        lo, hi = int(self.offsets[i]), int(self.offsets[i + 1])
        return self.labels[i], self.timestamps[lo:hi], self.values[lo:hi]

    @classmethod
    def empty(cls) -> SeriesSet:
        return cls([], np.zeros(1, np.int64), np.empty(0, np.int64), np.empty(0, np.float64))


ROLLUP_COLUMNS = ("min", "max", "sum", "count", "last")


@dataclass
class RollupSet:
    """Pre-aggregated buckets (5m or 1h) of the matching series; `timestamps` are bucket starts.

    Staleness markers are not part of rollups; `count` counts the samples in each bucket.
    """

    resolution_ms: int
    labels: list[Labels]
    offsets: Int64Array
    timestamps: Int64Array
    columns: dict[str, Float64Array]


@dataclass(frozen=True)
class StorageStats:
    series: int
    head_samples: int
    head_series: int
    blocks: int
    disk_bytes: int
    wal_bytes: int
    block_cache_bytes: int = 0


class Storage(Protocol):
    def append(self, batch: SampleBatch, scope: Scope = UNRESTRICTED) -> AppendResult:
        """Store a batch durably; raises InvalidSeriesError (nothing stored) or
        LimitExceededError (nothing stored)."""
        ...

    def select(
        self, matchers: Sequence[Matcher], start_ms: int, end_ms: int, scope: Scope = UNRESTRICTED
    ) -> SeriesSet:
        """Every sample with start_ms <= t <= end_ms of every series matching all matchers."""
        ...

    def select_batches(
        self,
        matchers: Sequence[Matcher],
        start_ms: int,
        end_ms: int,
        scope: Scope = UNRESTRICTED,
        *,
        batch_samples: int,
    ) -> Iterator[SeriesSet]:
        """select(), delivered as consecutive groups of whole series of about batch_samples
        samples each (every matching series in exactly one group; a group may be empty of
        samples), so that a caller working series by series never holds them all at once."""
        ...

    def select_rollup(
        self,
        matchers: Sequence[Matcher],
        start_ms: int,
        end_ms: int,
        resolution_ms: int,
        scope: Scope = UNRESTRICTED,
    ) -> RollupSet: ...

    def series(
        self,
        selectors: Sequence[Sequence[Matcher]],
        start_ms: int,
        end_ms: int,
        scope: Scope = UNRESTRICTED,
    ) -> list[Labels]:
        """Label sets of series matching any selector that have samples in the range."""
        ...

    def label_names(
        self,
        selectors: Sequence[Sequence[Matcher]],
        start_ms: int,
        end_ms: int,
        scope: Scope = UNRESTRICTED,
    ) -> list[str]: ...

    def label_values(
        self,
        name: str,
        selectors: Sequence[Sequence[Matcher]],
        start_ms: int,
        end_ms: int,
        scope: Scope = UNRESTRICTED,
    ) -> list[str]: ...

    def metadata(self) -> dict[str, MetricMetadata]: ...

    def stats(self) -> StorageStats: ...

    def maintain(self, now_ms: int | None = None) -> None:
        """Close windows into blocks and rollups, and apply retention."""
        ...

    def close(self) -> None: ...

"""Sample batches: what every ingestion path produces and the store appends atomically."""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

# Prometheus marks a series stale with this exact NaN payload; a plain NaN is an ordinary value.
STALE_NAN_BITS = 0x7FF0000000000002
STALE_NAN: float = struct.unpack("<d", struct.pack("<Q", STALE_NAN_BITS))[0]

Int64Array = npt.NDArray[np.int64]
Float64Array = npt.NDArray[np.float64]
Int32Array = npt.NDArray[np.int32]

RawLabels = tuple[tuple[str, str], ...]


def stale_mask(values: Float64Array) -> npt.NDArray[np.bool_]:
    return np.equal(values.view(np.uint64), np.uint64(STALE_NAN_BITS))


def is_stale(value: float) -> bool:
    return struct.pack("<d", value) == struct.pack("<Q", STALE_NAN_BITS)


@dataclass(frozen=True)
class MetricMetadata:
    type: str  # counter, gauge, histogram, summary, info, stateset, unknown
    help: str = ""
    unit: str = ""


@dataclass
class SampleBatch:
    """Samples of one request: `series[series_index[i]]` is the series of sample i.

    Series are raw label pairs as the sender gave them (validated by the store, once per new
    series). Timestamps are milliseconds since the epoch.
    """

    series: list[RawLabels]
    series_index: Int32Array
    timestamps: Int64Array
    values: Float64Array
    metadata: dict[str, MetricMetadata] = field(default_factory=dict)

    def __len__(self) -> int:
        return int(self.timestamps.shape[0])


class BatchBuilder:
    """Collects samples one at a time (parsers) and freezes them into a SampleBatch."""

    def __init__(self) -> None:
        self.series: list[RawLabels] = []
        self._positions: dict[RawLabels, int] = {}
        self._index: list[int] = []
        self._timestamps: list[int] = []
        self._values: list[float] = []
        self.metadata: dict[str, MetricMetadata] = {}

    def add(self, labels: RawLabels, timestamp_ms: int, value: float) -> None:
        position = self._positions.get(labels)
        if position is None:
            position = len(self.series)
            self._positions[labels] = position
            self.series.append(labels)
        self._index.append(position)
        self._timestamps.append(timestamp_ms)
        self._values.append(value)

    def __len__(self) -> int:
        return len(self._timestamps)

    def build(self) -> SampleBatch:
        return SampleBatch(
            series=self.series,
            series_index=np.asarray(self._index, dtype=np.int32),
            timestamps=np.asarray(self._timestamps, dtype=np.int64),
            values=np.asarray(self._values, dtype=np.float64),
            metadata=self.metadata,
        )

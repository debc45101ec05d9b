"""Rollups: per series and bucket, the min, max, sum, count and last of the raw samples.

Computed when a window closes into a block, so a 30-day panel reads a few rows per series per
hour instead of every raw sample. Staleness markers say "no value" and are left out.
"""

from __future__ import annotations

import numpy as np

from pulseboard.model.samples import stale_mask
from pulseboard.storage.blocks import BlockData

RESOLUTIONS: dict[str, int] = {"5m": 5 * 60_000, "1h": 3_600_000}


def compute_rollup(raw: BlockData, resolution_ms: int) -> BlockData:
    """Roll raw rows (sorted by series, time) into buckets aligned to the resolution."""
    values = raw.columns["value"]
    keep = ~stale_mask(values)
    ids, timestamps, values = raw.ids[keep], raw.timestamps[keep], values[keep]
    if ids.shape[0] == 0:
        return BlockData(ids, timestamps, {name: values for name in _COLUMNS})
    buckets = timestamps - timestamps % resolution_ms
    boundary = np.empty(ids.shape[0], dtype=bool)
    boundary[0] = True
    boundary[1:] = (ids[1:] != ids[:-1]) | (buckets[1:] != buckets[:-1])
    starts = np.flatnonzero(boundary)
    ends = np.append(starts[1:], ids.shape[0])
    return BlockData(
        ids[starts],
        buckets[starts],
        {
            "min": np.minimum.reduceat(values, starts),
            "max": np.maximum.reduceat(values, starts),
            "sum": np.add.reduceat(values, starts),
            "count": (ends - starts).astype(np.float64),
            "last": values[ends - 1],
        },
    )


_COLUMNS = ("min", "max", "sum", "count", "last")

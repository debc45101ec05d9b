"""Vectorised gathering of many [lo, hi) row ranges at once (no Python loop per series)."""

from __future__ import annotations

import numpy as np

from pulseboard.model.samples import Int64Array


def gather_ranges(starts: Int64Array, ends: Int64Array) -> Int64Array:
    """The concatenation of arange(starts[i], ends[i]) for every i."""
    lengths = np.maximum(ends - starts, 0)
    total = int(lengths.sum())
    if total == 0:
        return np.empty(0, dtype=np.int64)
    # Each output position is its index plus how far its range's start is from where it lands.
    shift = starts - (np.cumsum(lengths) - lengths)
    positions: Int64Array = np.arange(total, dtype=np.int64) + np.repeat(shift, lengths)
    return positions


def keys_in_ranges(sorted_keys: Int64Array, lo_keys: Int64Array, hi_keys: Int64Array) -> Int64Array:
    """Positions of every sorted key within any inclusive [lo, hi] interval (intervals disjoint)."""
    starts = np.searchsorted(sorted_keys, lo_keys, side="left").astype(np.int64)
    ends = np.searchsorted(sorted_keys, hi_keys, side="right").astype(np.int64)
    return gather_ranges(starts, ends)

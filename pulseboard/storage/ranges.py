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


def interleave_by_series(parts: list[Int64Array]) -> tuple[int, list[Int64Array]]:
    """Where the rows of several parts go when concatenated in (series, time) order.

    Each part lists the series id of its rows, sorted; for any one series, the rows of a part
    all precede those of the next part (parts of consecutive time spans, oldest first). Each row's
    place is the count of rows of lower series, plus those of its series in earlier parts, plus
    its rank in its own part. Linear, unlike a sort. Returns the total and each part's places.
    """
    size = max((int(ids[-1]) for ids in parts if ids.shape[0]), default=-1) + 1
    counts = [np.bincount(ids, minlength=size) for ids in parts]
    total = np.sum(counts, axis=0, dtype=np.int64) if counts else np.zeros(0, np.int64)
    # Where each series' rows begin, moved on as each part's rows are placed.
    place = np.cumsum(total) - total
    places = []
    for ids, count in zip(parts, counts, strict=True):
        first_in_part = np.cumsum(count) - count
        destination = np.arange(ids.shape[0], dtype=np.int64)
        destination += (place - first_in_part)[ids]
        places.append(destination)
        place += count
    return int(total.sum()), places

"""Per-series, per-step window bounds over concatenated sample arrays, and window gathering."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import numpy as np

from pulseboard.model.samples import Float64Array, Int64Array
from pulseboard.promql.values import BoolArray

# Cells (windows x longest window) gathered at once: bounds memory on long ranges.
_GATHER_CELLS = 4_000_000


def series_ids(offsets: Int64Array) -> Int64Array:
    return np.repeat(np.arange(len(offsets) - 1, dtype=np.int64), np.diff(offsets))


def bounds(
    offsets: Int64Array, timestamps: Int64Array, after: Int64Array, upto: Int64Array
) -> tuple[Int64Array, Int64Array]:
    """lo/hi (series x steps) so that each window holds the samples with after < t <= upto."""
    n_series = len(offsets) - 1
    steps = len(upto)
    if n_series == 0 or steps == 0 or len(timestamps) == 0:
        empty = np.broadcast_to(offsets[:-1, None], (n_series, steps)).astype(np.int64)
        return empty, empty.copy()
    hi = _search(offsets, timestamps, upto)
    shift = _shared_edges(after, upto)
    if shift is None:
        return _search(offsets, timestamps, after), hi
    # Window k starts where window k - shift ended: only the first `shift` starts are searched.
    lo = np.empty_like(hi)
    lo[:, shift:] = hi[:, : steps - shift]
    lo[:, :shift] = _search(offsets, timestamps, after[:shift])
    return lo, hi


def _shared_edges(after: Int64Array, upto: Int64Array) -> int | None:
    """How many steps back a window's start is an earlier window's end, when it is one: on a
    regular grid with a range that is a whole number of steps (rate(x[5m]) at 15 s, 30 s, 1 m;
    a lookback of 0 steps), half the searching is already done."""
    steps = len(upto)
    width = int(upto[0] - after[0])
    if steps < 2 or width < 0 or not np.array_equal(upto - after, np.full(steps, width)):
        return None
    step = int(upto[1] - upto[0])
    if step <= 0 or width % step or not np.array_equal(np.diff(upto), np.full(steps - 1, step)):
        return None
    shift = width // step
    return shift if shift < steps else None


# Corrections tried after the interpolated guess before falling back to bisection.
_MAX_STEPS = 6
# Above this many steps, one binary search per series (a C loop over the steps, ~3 us a call)
# beats the vectorised guess-and-correct passes over every cell (~30 ns a cell): measured 12 ms
# against 33 ms for 1,000 series x 1,081 steps; 20,000 series x 73 steps go the other way.
_PER_SERIES_ABOVE_STEPS = 150


def _search(offsets: Int64Array, timestamps: Int64Array, times: Int64Array) -> Int64Array:
    """Per cell, the first index of its series with timestamp > time."""
    if len(times) > _PER_SERIES_ABOVE_STEPS:
        return _search_each_series(offsets, timestamps, times)
    return _search_interpolated(offsets, timestamps, times)


def _search_each_series(
    offsets: Int64Array, timestamps: Int64Array, times: Int64Array
) -> Int64Array:
    found = np.empty((len(offsets) - 1, len(times)), np.int64)
    bounds = offsets.tolist()
    for row, (lo, hi) in enumerate(itertools.pairwise(bounds)):
        found[row] = np.searchsorted(timestamps[lo:hi], times, side="right") + lo
    return found


def _search_interpolated(
    offsets: Int64Array, timestamps: Int64Array, times: Int64Array
) -> Int64Array:
    """Per cell, the first index of its series with timestamp > time.

    Scrapes are nearly regular, so interpolating between a series' first and last timestamp
    lands within a sample or two of the answer: a few vectorised corrections over the
    series x steps cells finish the job, whatever the number of samples. Cells still moving
    after that (irregular series) are bisected.
    """
    start = offsets[:-1, None]
    end = offsets[1:, None]
    last = len(timestamps) - 1
    lengths = end - start
    first_t = timestamps[np.minimum(start, last)]
    last_t = timestamps[np.maximum(np.minimum(end - 1, last), 0)]
    span = np.maximum(last_t - first_t, 1)
    query = times[None, :]
    guess = np.floor((query - first_t) / span * (lengths - 1)) + 1
    pos: Int64Array = start + np.clip(np.nan_to_num(guess), 0, lengths).astype(np.int64)
    for _ in range(_MAX_STEPS):
        left = (pos > start) & (timestamps[np.clip(pos - 1, 0, last)] > query)
        right = (pos < end) & (timestamps[np.minimum(pos, last)] <= query)
        if not (left.any() or right.any()):
            return pos
        pos = pos - left.astype(np.int64) + right.astype(np.int64)
    unsettled = (pos > start) & (timestamps[np.clip(pos - 1, 0, last)] > query)
    unsettled |= (pos < end) & (timestamps[np.minimum(pos, last)] <= query)
    rows, columns = np.nonzero(unsettled)
    pos[rows, columns] = _bisect_cells(offsets, timestamps, rows, times[columns])
    return pos


def _bisect_cells(
    offsets: Int64Array, timestamps: Int64Array, rows: Int64Array, times: Int64Array
) -> Int64Array:
    lo = offsets[rows].copy()
    hi = offsets[rows + 1].copy()
    last = len(timestamps) - 1
    while True:
        active = lo < hi
        if not active.any():
            return lo
        mid = (lo + hi) >> 1
        right = timestamps[np.minimum(mid, last)] <= times
        lo = np.where(active & right, mid + 1, lo)
        hi = np.where(active & ~right, mid, hi)


def gather(
    values: Float64Array, lo: Int64Array, hi: Int64Array
) -> Iterator[tuple[slice, Float64Array, BoolArray]]:
    """Yield (flat window slice, windows x width values, validity mask) in memory-bounded chunks.

    Windows are the flattened (series, step) cells; padding cells hold NaN and are masked out.
    """
    flat_lo = lo.reshape(-1)
    flat_hi = hi.reshape(-1)
    total = len(flat_lo)
    lengths = flat_hi - flat_lo
    width = int(lengths.max()) if total else 0
    chunk = max(1, _GATHER_CELLS // max(width, 1))
    columns = np.arange(max(width, 1), dtype=np.int64)[None, :]
    for start in range(0, total, chunk):
        part = slice(start, min(total, start + chunk))
        index = flat_lo[part, None] + columns
        mask = columns < lengths[part, None]
        if len(values):
            gathered = values[np.minimum(index, len(values) - 1)]
        else:
            gathered = np.zeros(index.shape, np.float64)
        yield part, np.where(mask, gathered, np.nan), mask

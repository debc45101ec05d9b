"""Per-series, per-step window bounds over concatenated sample arrays, and window gathering."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from pulseboard.model.samples import Float64Array, Int64Array
from pulseboard.promql.kernels import first_after
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
    hi = first_after(offsets, timestamps, upto)
    shift = _shared_edges(after, upto)
    if shift is None:
        return first_after(offsets, timestamps, after), hi
    # Window k starts where window k - shift ended: only the first `shift` starts are searched.
    lo = np.empty_like(hi)
    lo[:, shift:] = hi[:, : steps - shift]
    lo[:, :shift] = first_after(offsets, timestamps, after[:shift])
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

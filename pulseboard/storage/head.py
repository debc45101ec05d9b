"""The head: recent samples of one block window, held in memory as sorted numpy runs.

Samples are keyed by `series_id << 32 | (timestamp - window_start)`, so one sort orders them by
series then time. Each append adds a sorted run; runs of similar size are merged (as in an
LSM tree), keeping a handful of runs, each append cheap and each read a few binary searches.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

from pulseboard.model.samples import Float64Array, Int64Array
from pulseboard.storage.ranges import keys_in_ranges

_OFFSET_BITS = 32
_OFFSET_MASK = (1 << _OFFSET_BITS) - 1


@dataclass(frozen=True)
class Run:
    keys: Int64Array
    values: Float64Array


class HeadWindow:
    def __init__(self, start_ms: int, end_ms: int, generation: int) -> None:
        if end_ms - start_ms > _OFFSET_MASK:
            raise ValueError("block windows longer than 49 days are not supported")
        self.start_ms = start_ms
        self.end_ms = end_ms
        self.generation = generation
        self.samples = 0
        self._runs: list[Run] = []
        self._lock = threading.Lock()

    def keys(self, ids: Int64Array, timestamps: Int64Array) -> Int64Array:
        return (ids << _OFFSET_BITS) | (timestamps - self.start_ms)

    def split_keys(self, keys: Int64Array) -> tuple[Int64Array, Int64Array]:
        return keys >> _OFFSET_BITS, (keys & _OFFSET_MASK) + self.start_ms

    def lookup(self, keys: Int64Array) -> tuple[np.ndarray, Float64Array]:
        """For each key: whether it is stored, and its value where it is."""
        found = np.zeros(keys.shape[0], dtype=bool)
        values = np.full(keys.shape[0], np.nan)
        for run in self._runs:
            position = np.searchsorted(run.keys, keys)
            inside = position < run.keys.shape[0]
            hit = np.zeros_like(found)
            hit[inside] = run.keys[position[inside]] == keys[inside]
            found |= hit
            values[hit] = run.values[position[hit]]
        return found, values

    def insert(self, sorted_keys: Int64Array, values: Float64Array) -> None:
        """Add samples whose keys are sorted, unique and not yet stored."""
        if sorted_keys.shape[0] == 0:
            return
        with self._lock:
            runs = [*self._runs, Run(sorted_keys, values)]
            while len(runs) > 1 and runs[-2].keys.shape[0] <= 2 * runs[-1].keys.shape[0]:
                newer = runs.pop()
                older = runs.pop()
                runs.append(_merge(older, newer))
            # Readers take the list as it is: it is replaced, never changed in place.
            self._runs = runs
            self.samples += int(sorted_keys.shape[0])

    def select(self, ids: Int64Array, start_ms: int, end_ms: int) -> Run:
        """Samples of the given series with start_ms <= t <= end_ms, sorted by key."""
        lo = max(start_ms, self.start_ms) - self.start_ms
        hi = min(end_ms, self.end_ms - 1) - self.start_ms
        runs = self._runs
        if lo > hi or not runs or ids.shape[0] == 0:
            return Run(np.empty(0, np.int64), np.empty(0, np.float64))
        lo_keys = (ids << _OFFSET_BITS) | lo
        hi_keys = (ids << _OFFSET_BITS) | hi
        parts = []
        for run in runs:
            positions = keys_in_ranges(run.keys, lo_keys, hi_keys)
            parts.append(Run(run.keys[positions], run.values[positions]))
        return _merge(*parts)

    def everything(self) -> Run:
        return _merge(*self._runs)


def _merge(*runs: Run) -> Run:
    """One sorted run from several (keys are disjoint across runs)."""
    if not runs:
        return Run(np.empty(0, np.int64), np.empty(0, np.float64))
    if len(runs) == 1:
        return runs[0]
    keys = np.concatenate([run.keys for run in runs])
    # Timsort ("stable") finds the sorted runs and merges them in close to linear time.
    order = np.argsort(keys, kind="stable")
    return Run(keys[order], np.concatenate([run.values for run in runs])[order])

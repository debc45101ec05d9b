"""Sorted runs of head samples: int64 keys (`series_id << 32 | window offset`), float64 values.

Shared by the head (head.py) and its compressed chunks (chunks.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pulseboard.model.samples import Float64Array, Int64Array


@dataclass(frozen=True)
class Run:
    keys: Int64Array
    values: Float64Array

    def __len__(self) -> int:
        return int(self.keys.shape[0])


def empty_run() -> Run:
    return Run(np.empty(0, np.int64), np.empty(0, np.float64))


def merge_runs(*runs: Run) -> Run:
    """One sorted run from several (keys are disjoint across runs)."""
    runs = tuple(run for run in runs if len(run))
    if not runs:
        return empty_run()
    if len(runs) == 1:
        return runs[0]
    keys = np.concatenate([run.keys for run in runs])
    # Timsort ("stable") finds the sorted runs and merges them in close to linear time.
    order = np.argsort(keys, kind="stable")
    return Run(keys[order], np.concatenate([run.values for run in runs])[order])


def add_run(runs: tuple[Run, ...], run: Run) -> tuple[Run, ...]:
    """`runs` plus `run`, merging runs of similar size (as in an LSM tree): a new tuple."""
    merged = [*runs, run]
    while len(merged) > 1 and len(merged[-2]) <= 2 * len(merged[-1]):
        newer = merged.pop()
        older = merged.pop()
        merged.append(merge_runs(older, newer))
    return tuple(merged)


def lookup_run(run: Run, keys: Int64Array, found: np.ndarray, values: Float64Array) -> None:
    """Mark in `found` and fill in `values` the keys stored in `run`."""
    if len(run) == 0 or keys.shape[0] == 0:
        return
    position = np.searchsorted(run.keys, keys)
    inside = position < run.keys.shape[0]
    hit = np.zeros(keys.shape[0], dtype=bool)
    hit[inside] = run.keys[position[inside]] == keys[inside]
    found |= hit
    values[hit] = run.values[position[hit]]

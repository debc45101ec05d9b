"""The evaluator's internal values: whole step grids, never one step at a time."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from pulseboard.model.labels import METRIC_NAME, Labels
from pulseboard.model.samples import Float64Array, Int64Array

BoolArray = npt.NDArray[np.bool_]


@dataclass
class Steps:
    """An instant vector at every step: series x steps values with a presence mask.

    A separate mask is needed because NaN is a legal sample value.
    """

    labels: list[Labels]
    values: Float64Array  # shape (series, steps)
    present: BoolArray  # shape (series, steps)
    # Per series: the metric name is to be dropped. Prometheus removes it only at the end, so
    # label_replace/label_join and `by (__name__)` still see it (delayed name removal).
    drop: BoolArray | None = None

    def flags(self) -> BoolArray:
        return np.zeros(len(self.labels), np.bool_) if self.drop is None else self.drop

    def marked(self, values: Float64Array, present: BoolArray) -> Steps:
        """The same series, new samples, metric name now to be dropped."""
        return Steps(self.labels, values, present, np.ones(len(self.labels), np.bool_))

    @classmethod
    def empty(cls, steps: int) -> Steps:
        return cls([], np.empty((0, steps), np.float64), np.zeros((0, steps), np.bool_))

    @classmethod
    def concat(cls, parts: list[Steps], steps: int) -> Steps:
        """The series of several vectors over the same steps, one after the other."""
        if len(parts) == 1:
            return parts[0]
        if not parts:
            return cls.empty(steps)
        drop = None
        if any(part.drop is not None for part in parts):
            drop = np.concatenate([part.flags() for part in parts])
        return cls(
            [item for part in parts for item in part.labels],
            np.concatenate([part.values for part in parts]),
            np.concatenate([part.present for part in parts]),
            drop,
        )

    def __len__(self) -> int:
        return len(self.labels)

    def take(self, rows: npt.NDArray[np.intp] | list[int]) -> Steps:
        index = np.asarray(rows, dtype=np.intp)
        drop = None if self.drop is None else self.drop[index]
        return Steps([self.labels[i] for i in index], self.values[index], self.present[index], drop)

    def compact(self) -> Steps:
        """Drop series that have no sample at any step."""
        keep = np.flatnonzero(self.present.any(axis=1))
        return self if len(keep) == len(self.labels) else self.take(keep)


@dataclass
class ScalarSteps:
    values: Float64Array  # shape (steps,)


@dataclass
class StringValue:
    value: str


@dataclass
class RangeData:
    """A range vector at every step: the samples of each series plus per-step windows.

    Series i owns `timestamps[offsets[i]:offsets[i+1]]`; at step k its window is the slice
    `lo[i, k]:hi[i, k]` of the concatenated arrays. `window_end` / `range_ms` are what
    extrapolating functions (rate, increase, delta) need.
    """

    labels: list[Labels]
    offsets: Int64Array
    timestamps: Int64Array
    values: Float64Array
    lo: Int64Array  # shape (series, steps)
    hi: Int64Array  # shape (series, steps)
    window_end: Int64Array  # shape (steps,): the inclusive right edge of every window
    range_ms: int
    step_ts: Int64Array  # shape (steps,): the evaluation step's own time
    drop: BoolArray | None = None  # as in Steps (set by subqueries)

    @classmethod
    def concat(cls, parts: list[RangeData]) -> RangeData:
        """The series of several range vectors over the same windows, one after the other."""
        if len(parts) == 1:
            return parts[0]
        base = np.cumsum([0] + [len(part.timestamps) for part in parts[:-1]])
        drop = None
        if any(part.drop is not None for part in parts):
            drop = np.concatenate(
                [np.zeros(len(p.labels), np.bool_) if p.drop is None else p.drop for p in parts]
            )
        first = parts[0]
        return cls(
            labels=[item for part in parts for item in part.labels],
            offsets=np.concatenate(
                [[0]] + [part.offsets[1:] + shift for part, shift in zip(parts, base, strict=True)]
            ).astype(np.int64),
            timestamps=np.concatenate([part.timestamps for part in parts]),
            values=np.concatenate([part.values for part in parts]),
            lo=np.concatenate([part.lo + shift for part, shift in zip(parts, base, strict=True)]),
            hi=np.concatenate([part.hi + shift for part, shift in zip(parts, base, strict=True)]),
            window_end=first.window_end,
            range_ms=first.range_ms,
            step_ts=first.step_ts,
            drop=drop,
        )


Value = Steps | ScalarSteps | StringValue | RangeData


def any_rows(mask: BoolArray) -> BoolArray:
    return np.asarray(np.any(mask, axis=1), dtype=np.bool_)


def any_columns(mask: BoolArray) -> BoolArray:
    return np.asarray(np.any(mask, axis=0), dtype=np.bool_)


def drop_name(labels: Labels) -> Labels:
    return tuple(pair for pair in labels if pair[0] != METRIC_NAME)


def apply_drops(vector: Steps) -> Steps:
    """Remove the metric name where it was marked to be dropped (at the end of evaluation)."""
    if vector.drop is None or not vector.drop.any():
        return Steps(vector.labels, vector.values, vector.present)
    labels = [
        drop_name(item) if flag else item
        for item, flag in zip(vector.labels, vector.drop.tolist(), strict=True)
    ]
    return Steps(labels, vector.values, vector.present)


def frozen(value: Value) -> Value:
    """The value with its arrays made read-only, to be shared between queries: a later
    in-place change would corrupt every query using it, so it fails loudly instead."""
    arrays = []
    if isinstance(value, Steps):
        arrays = [value.values, value.present, value.drop]
    elif isinstance(value, ScalarSteps):
        arrays = [value.values]
    for array in arrays:
        if array is not None:
            array.flags.writeable = False
    return value

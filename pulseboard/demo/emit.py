"""Turns per-step increments and levels into series values, carrying counters across frames."""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np

from pulseboard.demo.catalogue import MetricSpec, MetricType
from pulseboard.model.labels import METRIC_NAME
from pulseboard.model.samples import Float64Array, RawLabels

LabelValues = tuple[str, ...]


def format_le(bound: float) -> str:
    # Prometheus 3 normalises `le` to float notation ("1.0", not "1"); writing it that way
    # means a Prometheus receiving this data by remote-write stores the same series.
    return "+Inf" if bound == float("inf") else repr(float(bound))


@functools.cache
def series_labels(name: str, names: tuple[str, ...], values: tuple[str, ...]) -> RawLabels:
    # Sorted like the store's canonical form, so stored label sets compare equal to these.
    # Cached: the same few thousand label sets are asked for at every step.
    return tuple(sorted([(METRIC_NAME, name), *zip(names, values, strict=True)]))


class Emitter:
    """Collects one frame's columns; `state` holds each series' last value between frames."""

    def __init__(self, state: dict[RawLabels, float], steps: int) -> None:
        self._state = state
        self._steps = steps
        self.series: list[RawLabels] = []
        self._blocks: list[Float64Array] = []

    def gauge(
        self, spec: MetricSpec, label_values: Sequence[LabelValues], values: Float64Array
    ) -> None:
        self._check(spec, "gauge", label_values, values)
        self._add([self._labels(spec, v) for v in label_values], values)

    def counter(
        self,
        spec: MetricSpec,
        label_values: Sequence[LabelValues],
        increments: Float64Array,
        restarted: np.ndarray | None = None,
    ) -> None:
        """`restarted[s, k]`: the process behind series k started anew during step s, so the
        counter holds only that step's increment there (a reset, as Prometheus sees one)."""
        self._check(spec, "counter", label_values, increments)
        labels = [self._labels(spec, v) for v in label_values]
        self._add(labels, self._accumulate(labels, increments, restarted))

    def histogram(
        self,
        spec: MetricSpec,
        label_values: Sequence[LabelValues],
        bucket_counts: Float64Array,
        sums: Float64Array,
    ) -> None:
        """`bucket_counts` (steps, series, buckets + 1) are per-bucket observations in each step."""
        self._check(spec, "histogram", label_values, sums)
        if bucket_counts.shape != (*sums.shape, len(spec.buckets) + 1):
            raise ValueError(f"{spec.name}: bucket counts of shape {bucket_counts.shape}")
        cumulative = np.cumsum(bucket_counts, axis=2)
        for position, bound in enumerate((*spec.buckets, float("inf"))):
            le = format_le(bound)
            labels = [
                series_labels(f"{spec.name}_bucket", (*spec.labels, "le"), (*v, le))
                for v in label_values
            ]
            self._add(labels, self._accumulate(labels, cumulative[:, :, position]))
        for suffix, increments in (("_sum", sums), ("_count", cumulative[:, :, -1])):
            labels = [series_labels(spec.name + suffix, spec.labels, v) for v in label_values]
            self._add(labels, self._accumulate(labels, increments))

    def previous(
        self, spec: MetricSpec, label_values: Sequence[LabelValues], default: Float64Array
    ) -> Float64Array:
        """The last value written for each series (e.g. a process start time), else `default`."""
        values = [
            self._state.get(self._labels(spec, v), float(d))
            for v, d in zip(label_values, default.tolist(), strict=True)
        ]
        return np.asarray(values, dtype=np.float64)

    def matrix(self) -> Float64Array:
        """(steps, series) values, columns in the order of `series`."""
        if not self._blocks:
            return np.empty((self._steps, 0))
        return np.concatenate(self._blocks, axis=1)

    def _labels(self, spec: MetricSpec, values: LabelValues) -> RawLabels:
        return series_labels(spec.name, spec.labels, values)

    def _check(
        self,
        spec: MetricSpec,
        kind: MetricType,
        label_values: Sequence[LabelValues],
        values: Float64Array,
    ) -> None:
        if spec.type != kind:
            raise ValueError(f"{spec.name} is a {spec.type}, written as a {kind}")
        if values.shape[:2] != (self._steps, len(label_values)):
            raise ValueError(f"{spec.name}: values of shape {values.shape}")
        for v in label_values:
            if len(v) != len(spec.labels):
                raise ValueError(f"{spec.name}: label values {v} for labels {spec.labels}")

    def _accumulate(
        self,
        labels: list[RawLabels],
        increments: Float64Array,
        restarted: np.ndarray | None = None,
    ) -> Float64Array:
        base = np.array([self._state.get(label, 0.0) for label in labels])
        totals = base[None, :] + np.cumsum(increments, axis=0)
        if restarted is not None and restarted.any():
            # Subtract what had accumulated before the latest restart at or before each step.
            before = np.where(restarted, totals - increments, 0.0)
            steps = np.arange(self._steps)[:, None]
            latest = np.maximum.accumulate(np.where(restarted, steps, -1), axis=0)
            offset = np.take_along_axis(before, np.maximum(latest, 0), axis=0)
            totals = totals - np.where(latest >= 0, offset, 0.0)
        return np.asarray(totals)

    def _add(self, labels: list[RawLabels], values: Float64Array) -> None:
        self.series.extend(labels)
        self._blocks.append(values)
        for label, value in zip(labels, values[-1].tolist(), strict=True):
            self._state[label] = value

"""One stretch of consecutive sample times and everything the domains share about it."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from pulseboard.demo import shapes
from pulseboard.demo.incidents import Kind, Restarts, Schedule
from pulseboard.demo.projects import PROJECTS, TZ_HOURS, WEIGHTS
from pulseboard.model.samples import Float64Array, Int64Array

_GROWTH = np.array([p.growth for p in PROJECTS])
_GROWTH_PHASE = np.array([p.growth_phase for p in PROJECTS])


@dataclass
class Frame:
    """Sample times (steps,) and per-project drivers (steps, projects) for the domains."""

    seed: int
    ts_ms: Int64Array
    t: Float64Array  # seconds since the epoch
    dt: Float64Array  # seconds since the previous sample: what a counter adds up over
    rng: np.random.Generator
    schedule: Schedule
    trend: Float64Array
    load: Float64Array  # relative to the project's own weekday peak (about 1 at its busiest)
    daily: Float64Array  # trailing-24-hour level, for counts of distinct users
    restarts: Restarts
    _levels: dict[Kind, Float64Array] = field(default_factory=dict)

    @classmethod
    def create(cls, seed: int, schedule: Schedule, ts_ms: Int64Array, previous_ms: int) -> Frame:
        t = ts_ms.astype(np.float64) / 1000.0
        dt = np.diff(ts_ms, prepend=previous_ms).astype(np.float64) / 1000.0
        # One generator per frame, keyed by its first time: the same times give the same draws.
        rng = np.random.default_rng([seed, int(ts_ms[0]), int(ts_ms.shape[0])])
        phases = fixed(seed, 0x5A4E, (len(PROJECTS), 4)) * 2 * np.pi
        trend = shapes.trend(t, _GROWTH, _GROWTH_PHASE)
        load = (
            shapes.diurnal(t, TZ_HOURS)
            * shapes.weekly(t, TZ_HOURS)
            * trend
            * shapes.wobble(t, phases)
        )
        daily = shapes.trailing_day(t, TZ_HOURS) * trend
        restarts = schedule.restarts(t, previous_ms / 1000.0)
        return cls(seed, ts_ms, t, dt, rng, schedule, trend, load, daily, restarts)

    def fixed(self, tag: int, shape: tuple[int, ...]) -> Float64Array:
        return fixed(self.seed, tag, shape)

    @property
    def steps(self) -> int:
        return int(self.ts_ms.shape[0])

    @property
    def activity(self) -> Float64Array:
        """Load scaled by project size: what absolute rates are proportional to."""
        return np.asarray(self.load * WEIGHTS[None, :])

    def level(self, kind: Kind) -> Float64Array:
        """(steps, projects): incident magnitude, 1 where there is none."""
        found = self._levels.get(kind)
        if found is None:
            found = self._levels[kind] = self.schedule.level(kind, self.t)
        return found

    def counts(self, rate: Float64Array) -> Float64Array:
        """Events in each step for a rate per second of shape (steps, ...)."""
        dt = self.dt.reshape((-1,) + (1,) * (rate.ndim - 1))
        return np.asarray(self.rng.poisson(np.maximum(rate, 0.0) * dt).astype(np.float64))

    def present(self, mean: Float64Array) -> Float64Array:
        """How many are there (running, queued, in flight) when on average `mean` are."""
        return self.rng.poisson(np.maximum(mean, 0.0)).astype(np.float64)

    def around(self, mean: Float64Array, spread: float = 0.05) -> Float64Array:
        """A level with a little independent noise at each step (gauges that are not counts)."""
        return np.asarray(mean * np.exp(spread * self.rng.standard_normal(mean.shape)))


def combinations(*axes: Sequence[str]) -> tuple[list[tuple[str, ...]], list[Int64Array]]:
    """Every project crossed with every value of each axis, projects varying slowest.

    Returns the label values of each combination (project name first) and, for the project and
    each axis, the index of each combination's value, to pick per-combination parameters.
    """
    names = [[p.name for p in PROJECTS], *(list(a) for a in axes)]
    indices = list(itertools.product(*(range(len(n)) for n in names)))
    values = [tuple(n[i] for n, i in zip(names, combo, strict=True)) for combo in indices]
    columns = np.asarray(indices, dtype=np.int64).reshape(len(indices), len(names))
    return values, [columns[:, axis] for axis in range(len(names))]


def fixed(seed: int, tag: int, shape: tuple[int, ...]) -> Float64Array:
    """Uniform [0, 1) numbers that depend only on the seed and `tag`: per-series constants."""
    return np.random.default_rng([seed, tag]).random(shape)

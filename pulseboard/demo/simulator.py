"""The demo's series as a function of time, carrying counters from one stretch to the next."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from pulseboard.demo.catalogue import CATALOGUE, METADATA
from pulseboard.demo.domains import DOMAINS
from pulseboard.demo.emit import Emitter
from pulseboard.demo.frame import Frame
from pulseboard.demo.incidents import Schedule
from pulseboard.demo.projects import PROJECT_NAMES
from pulseboard.model.labels import METRIC_NAME, PROJECT_LABEL
from pulseboard.model.matchers import Matcher, MatchType
from pulseboard.model.samples import Float64Array, Int64Array, RawLabels, SampleBatch
from pulseboard.storage.protocol import SeriesSet


@dataclass(frozen=True)
class Samples:
    """Every demo series at every time of one stretch: `values[step, series]`."""

    series: list[RawLabels]
    timestamps: Int64Array
    values: Float64Array

    def __len__(self) -> int:
        return int(self.values.size)

    def batches(self, max_samples: int) -> Iterator[SampleBatch]:
        """Batches of whole steps, so that a time is either fully written or not at all."""
        width = len(self.series)
        rows = max(1, max_samples // max(width, 1))
        for first in range(0, self.timestamps.shape[0], rows):
            times = self.timestamps[first : first + rows]
            yield SampleBatch(
                series=self.series,
                series_index=np.tile(np.arange(width, dtype=np.int32), times.shape[0]),
                timestamps=np.repeat(times, width),
                values=self.values[first : first + rows].ravel(),
                metadata=METADATA,
            )


class Simulator:
    """Deterministic given the seed and the times asked for; not thread-safe (one writer)."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self._schedule = Schedule(seed)
        # The last value of every series: counters continue from it, whoever wrote it.
        self._state: dict[RawLabels, float] = {}

    def restore(self, stored: SeriesSet) -> None:
        """Continue from stored data: each series' newest sample becomes its last value."""
        for i in range(len(stored)):
            labels, timestamps, values = stored.series(i)
            if timestamps.shape[0]:
                self._state[labels] = float(values[-1])

    def advance(self, timestamps: Int64Array, previous_ms: int) -> Samples:
        """Samples at the given ascending times; counters add what happened since `previous_ms`."""
        frame = Frame.create(self.seed, self._schedule, timestamps, previous_ms)
        out = Emitter(self._state, frame.steps)
        for domain in DOMAINS:
            domain(frame, out)
        return Samples(out.series, timestamps, out.matrix())


def demo_selector() -> list[Matcher]:
    """Matches every series the demo writes (and, in the demo's projects, only those names)."""
    names = sorted({name for spec in CATALOGUE for name in spec.series_names})
    return [
        Matcher.create(METRIC_NAME, MatchType.REGEX, "|".join(names)),
        Matcher.create(PROJECT_LABEL, MatchType.REGEX, "|".join(PROJECT_NAMES)),
    ]

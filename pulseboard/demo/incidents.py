"""What goes wrong, and when: error bursts, latency spikes, backlogs, runaway LLM use, restarts.

The schedule is drawn hour by hour from (seed, hour), so it is a pure function of time: a
restarted workload sees the same incidents, and the backfill and live writes agree on them.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

import numpy as np

from pulseboard.demo.projects import COMPONENTS, POD_COMPONENT, PODS, PROJECTS, WEIGHTS
from pulseboard.model.samples import Float64Array, Int64Array

SLOT = 3600.0
# An incident or crash loop may last this long, so a query looks back this many slots.
_LOOKBACK_SLOTS = 2
_MAX_CACHED_SLOTS = 256


class Kind(enum.Enum):
    ERROR_BURST = 1  # 5xx, failed sessions and tasks: the "45 session failures" case
    LATENCY_SPIKE = 2  # API and session slowness, P95 well above its baseline
    QUEUE_BACKLOG = 3  # tasks pile up: queue depth > 20 for several minutes
    LLM_RUNAWAY = 4  # an agent loops: tokens and cost jump, the daily cost alert fires


@dataclass(frozen=True)
class _Rule:
    per_hour: float  # chance that one starts in a given hour, over all projects
    duration: tuple[float, float]  # seconds
    magnitude: tuple[float, float]  # multiplier on the affected rate or level


_RULES = {
    Kind.ERROR_BURST: _Rule(0.05, (300, 1200), (15, 40)),
    Kind.LATENCY_SPIKE: _Rule(0.05, (300, 900), (3, 7)),
    Kind.QUEUE_BACKLOG: _Rule(0.03, (600, 1800), (4, 7)),
    Kind.LLM_RUNAWAY: _Rule(0.008, (1800, 5400), (10, 30)),
}
_CRASH_LOOP_PER_HOUR = 0.01  # a runner pod restarting every few minutes for up to an hour


@dataclass(frozen=True)
class Incident:
    kind: Kind
    project: int
    start: float
    end: float
    magnitude: float


@dataclass(frozen=True)
class Restarts:
    """Container restarts of every pod, laid over the steps of a frame: arrays (steps, pods)."""

    count: Float64Array  # restarts within (previous step, this step]
    down: np.ndarray  # bool: the pod is restarting at this step's time
    up_again: Float64Array  # when the latest of those restarts' new process started, else NaN


@dataclass(frozen=True)
class _Slot:
    incidents: tuple[Incident, ...]
    restart_pods: Int64Array
    restart_times: Float64Array
    restart_downtimes: Float64Array


class Schedule:
    def __init__(self, seed: int) -> None:
        self._seed = seed
        self._slots: dict[int, _Slot] = {}

    def level(self, kind: Kind, t: Float64Array) -> Float64Array:
        """(steps, projects): the magnitude of an incident of this kind at each step, else 1."""
        level = np.ones((t.shape[0], len(PROJECTS)))
        for incident in self._incidents(kind, float(t[0]), float(t[-1])):
            inside = (t >= incident.start) & (t < incident.end)
            column = level[:, incident.project]
            level[:, incident.project] = np.where(inside, incident.magnitude, column)
        return level

    def restarts(self, t: Float64Array, previous: float) -> Restarts:
        steps, pods = t.shape[0], len(PODS)
        count = np.zeros((steps, pods))
        latest = np.full((steps, pods), -np.inf)
        up_again = np.full((steps, pods), np.nan)
        down = np.zeros((steps, pods), dtype=bool)
        longest = max(c.downtime_seconds[1] for c in COMPONENTS)
        for slot in self._slots_between(previous - longest, float(t[-1])):
            for pod, when, downtime in zip(
                slot.restart_pods.tolist(),
                slot.restart_times.tolist(),
                slot.restart_downtimes.tolist(),
                strict=True,
            ):
                down[:, pod] |= (t >= when) & (t < when + downtime)
                if not previous < when <= t[-1]:
                    continue
                step = int(np.searchsorted(t, when, side="left"))
                count[step, pod] += 1
                if when > latest[step, pod]:
                    latest[step, pod] = when
                    up_again[step, pod] = when + downtime
        return Restarts(count, down, up_again)

    def _incidents(self, kind: Kind, start: float, end: float) -> list[Incident]:
        return [
            incident
            for slot in self._slots_between(start, end)
            for incident in slot.incidents
            if incident.kind is kind and incident.end > start and incident.start <= end
        ]

    def _slots_between(self, start: float, end: float) -> list[_Slot]:
        first = int(start // SLOT) - _LOOKBACK_SLOTS
        return [self._slot(index) for index in range(first, int(end // SLOT) + 1)]

    def _slot(self, index: int) -> _Slot:
        found = self._slots.get(index)
        if found is None:
            if len(self._slots) >= _MAX_CACHED_SLOTS:
                self._slots.clear()
            found = self._slots[index] = _draw_slot(self._seed, index)
        return found


def _draw_slot(seed: int, index: int) -> _Slot:
    # Every draw is made whether or not it is used, so changing one rule's odds leaves the
    # others' incidents where they were.
    rng = np.random.default_rng([seed, 0x1C1D, index + (1 << 40)])
    start = index * SLOT
    project_odds = WEIGHTS / WEIGHTS.sum()
    incidents = []
    for kind, rule in _RULES.items():
        happens, offset, length, magnitude = rng.random(4)
        project = int(rng.choice(len(PROJECTS), p=project_odds))
        if happens < rule.per_hour:
            begin = start + offset * SLOT
            duration = rule.duration[0] + length * (rule.duration[1] - rule.duration[0])
            size = rule.magnitude[0] + magnitude * (rule.magnitude[1] - rule.magnitude[0])
            incidents.append(Incident(kind, project, begin, begin + duration, size))

    odds = np.array([COMPONENTS[c].restarts_per_hour for c in POD_COMPONENT.tolist()])
    happens = rng.random(len(PODS)) < odds
    pods = np.flatnonzero(happens).astype(np.int64)
    times = start + rng.random(len(PODS))[pods] * SLOT

    crash_loop, pick, gap, repeats = rng.random(4)
    if crash_loop < _CRASH_LOOP_PER_HOUR:
        runners = [i for i, pod in enumerate(PODS) if COMPONENTS[pod.component].name == "runner"]
        pod = runners[int(pick * len(runners))]
        spacing = 240.0 + gap * 300.0
        loop_times = start + np.arange(4 + int(repeats * 6)) * spacing
        pods = np.concatenate([pods, np.full(loop_times.shape[0], pod, dtype=np.int64)])
        times = np.concatenate([times, loop_times])

    low = np.array([COMPONENTS[c].downtime_seconds[0] for c in POD_COMPONENT[pods].tolist()])
    high = np.array([COMPONENTS[c].downtime_seconds[1] for c in POD_COMPONENT[pods].tolist()])
    downtimes = low + rng.random(pods.shape[0]) * (high - low)
    order = np.argsort(times, kind="stable")
    return _Slot(tuple(incidents), pods[order], times[order], downtimes[order])

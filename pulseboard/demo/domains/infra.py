"""Infrastructure: component availability, pod restarts, process CPU and memory against limits,
volumes, operator watch reconnections, database pool and cache.

Restarts come from the incident schedule: a restart bumps the pod's restart counter, sets its
process start time, starts its CPU counter from zero, drops its memory back to a fresh
process's, and takes the component down for the restart's duration.
"""

from __future__ import annotations

import numpy as np

from pulseboard.demo import catalogue as c
from pulseboard.demo.emit import Emitter, LabelValues
from pulseboard.demo.frame import Frame, combinations
from pulseboard.demo.incidents import Kind
from pulseboard.demo.projects import (
    COMPONENT_NAMES,
    COMPONENTS,
    GIB,
    POD_COMPONENT,
    POD_PROJECT,
    PODS,
    PROJECTS,
)
from pulseboard.demo.shapes import DAY

_POD_LABELS: list[LabelValues] = [
    (PROJECTS[pod.project].name, COMPONENTS[pod.component].name, pod.name) for pod in PODS
]
_CORES = np.array([COMPONENTS[i].cores for i in POD_COMPONENT.tolist()])
_MEMORY = np.array([COMPONENTS[i].memory_bytes for i in POD_COMPONENT.tolist()])
_GROWTH = np.array([COMPONENTS[i].growth_bytes for i in POD_COMPONENT.tolist()])
_LIMIT = np.array([COMPONENTS[i].limit_bytes for i in POD_COMPONENT.tolist()])
_GROWTH_TIME = 2.0 * DAY
# One-hot maps from pods to the columns they roll up into: (project, component) for
# component_up, and the project of each operator pod for watch reconnections.
_POD_TO_COMPONENT = np.eye(len(PROJECTS) * len(COMPONENTS))[
    POD_PROJECT * len(COMPONENTS) + POD_COMPONENT
]
_IS_OPERATOR = np.equal(POD_COMPONENT, COMPONENT_NAMES.index("operator"))
_OPERATOR_TO_PROJECT = np.eye(len(PROJECTS))[POD_PROJECT] * _IS_OPERATOR[:, None]

CLAIMS = ("workspaces", "postgres")
_CLAIM_CAPACITY = np.array([200 * GIB, 50 * GIB])
_CLEANUP_EVERY = 21 * DAY  # used space grows until a cleanup job frees it: a sawtooth

WATCHED = ("sessions", "pods", "jobs")
_RECONNECTS_PER_DAY = 2.5  # per watched resource (KPI: < 10/day)
POOL_SIZE = 20.0
CACHE_LOOKUPS_PER_SECOND = 60.0  # at the largest project's weekday peak

_BY_PROJECT = [(p.name,) for p in PROJECTS]


def generate(f: Frame, out: Emitter) -> None:
    _pods(f, out)
    _volumes(f, out)
    _dependencies(f, out)


def _pods(f: Frame, out: Emitter) -> None:
    restarts = f.restarts
    restarted = restarts.count > 0
    out.counter(c.POD_RESTARTS, _POD_LABELS, restarts.count)

    # Without history a pod started up to three and a half days before the first sample.
    first_start = f.t[0] - (0.5 + 3.0 * f.fixed(0x57A7, (len(PODS),))) * DAY
    previous = out.previous(c.PROCESS_START, _POD_LABELS, first_start)
    started = np.vstack([previous[None, :], restarts.up_again])
    latest = np.maximum.accumulate(np.where(np.isnan(started), -1, np.arange(f.steps + 1)[:, None]))
    start = np.take_along_axis(started, latest, axis=0)[1:]
    out.gauge(c.PROCESS_START, _POD_LABELS, start)

    load = f.load[:, POD_PROJECT]
    cores = f.around(_CORES * (0.2 + 0.8 * load), 0.1)
    # A pod works only while it is up; after a restart, only since its new process started.
    busy = np.where(restarted, np.maximum(f.t[:, None] - start, 0.0), f.dt[:, None])
    cpu = np.where(restarts.down, 0.0, cores * busy)
    out.counter(c.PROCESS_CPU, _POD_LABELS, cpu, restarted)

    uptime = np.maximum(f.t[:, None] - start, 0.0)
    grown = _GROWTH * (1.0 - np.exp(-uptime / _GROWTH_TIME))
    memory = f.around(_MEMORY * (0.85 + 0.3 * load), 0.02) + grown
    out.gauge(c.PROCESS_MEMORY, _POD_LABELS, np.round(np.minimum(memory, 0.97 * _LIMIT)))
    out.gauge(c.MEMORY_LIMIT, _POD_LABELS, np.broadcast_to(_LIMIT, (f.steps, len(PODS))))

    labels, _ = combinations(COMPONENT_NAMES)
    pods_down = restarts.down.astype(np.float64) @ _POD_TO_COMPONENT
    out.gauge(c.COMPONENT_UP, labels, np.where(pods_down > 0, 0.0, 1.0))

    # The operator loses its watches when it restarts, and the API server drops some during
    # error bursts; otherwise they reconnect a few times a day.
    operator = restarts.count @ _OPERATOR_TO_PROJECT
    labels, (project, _) = combinations(WATCHED)
    rate = _RECONNECTS_PER_DAY / DAY * (1.0 + 0.2 * (f.level(Kind.ERROR_BURST)[:, project] - 1))
    out.counter(c.WATCH_RECONNECTIONS, labels, f.counts(rate) + operator[:, project])


def _volumes(f: Frame, out: Emitter) -> None:
    labels, (project, claim) = combinations(CLAIMS)
    offset = f.fixed(0x701, (len(labels),)) * _CLEANUP_EVERY
    # Each volume peaks between 55% and 88% full before its cleanup (KPI: storage < 80%).
    peak = 0.55 + 0.33 * f.fixed(0x702, (len(labels),))
    phase = np.mod(f.t[:, None] + offset, _CLEANUP_EVERY) / _CLEANUP_EVERY
    capacity = _CLAIM_CAPACITY[claim] * np.sqrt(np.array([p.weight for p in PROJECTS]))[project]
    used = capacity * (0.3 + (peak - 0.3) * phase) * f.around(np.ones_like(phase), 0.002)
    out.gauge(c.VOLUME_USED, labels, np.round(used))
    out.gauge(c.VOLUME_CAPACITY, labels, np.round(np.broadcast_to(capacity, used.shape)))


def _dependencies(f: Frame, out: Emitter) -> None:
    errors = f.level(Kind.ERROR_BURST)
    slow = f.level(Kind.LATENCY_SPIKE)
    # Slow queries hold their connections longer; the pool saturates during a latency spike.
    in_use = np.minimum(f.present(1.0 + 10.0 * f.load * slow), POOL_SIZE)
    labels = [(p.name, state) for p in PROJECTS for state in ("in_use", "idle")]
    out.gauge(
        c.DB_POOL, labels, np.stack([in_use, POOL_SIZE - in_use], axis=2).reshape(f.steps, -1)
    )

    lookups = CACHE_LOOKUPS_PER_SECOND * f.activity
    hit_ratio = 0.93 - 0.1 * np.minimum(errors - 1.0, 1.0)
    hits = f.counts(lookups * hit_ratio)
    misses = f.counts(lookups * (1.0 - hit_ratio))
    labels = [(p.name, result) for p in PROJECTS for result in ("hit", "miss")]
    out.counter(c.CACHE_REQUESTS, labels, np.stack([hits, misses], axis=2).reshape(f.steps, -1))

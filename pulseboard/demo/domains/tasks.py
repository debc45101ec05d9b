"""Task executions: throughput, outcomes and failure reasons, durations, resources, the queue.

Batch tasks are short (P50 ~2.5 min, KPI < 5 min), interactive ones long (P50 ~15 min, KPI
< 30 min); the queue stays below 10 until a backlog incident pushes it past 20.
"""

from __future__ import annotations

import numpy as np

from pulseboard.demo import catalogue as c
from pulseboard.demo.distributions import amounts, observe
from pulseboard.demo.emit import Emitter
from pulseboard.demo.frame import Frame, combinations
from pulseboard.demo.incidents import Kind
from pulseboard.demo.projects import GIB, MIB, PROJECTS

TASKS_PER_SECOND = 0.25  # finished, at the largest project's weekday peak
TYPES = ("batch", "interactive")
_TYPE_SHARE = np.array([0.6, 0.4])
_MEDIAN = np.array([150.0, 900.0])
_SIGMA = np.array([0.9, 0.7])
_CPU_SECONDS = np.array([90.0, 240.0])  # per execution
_MEMORY = np.array([1.2 * GIB, 512 * MIB])

FAILURE_REASONS = ("error", "timeout", "oom", "dependency")
_FAILURE_SHARE = np.array([0.013, 0.008, 0.006, 0.003])  # of executions: ~3% fail

_BY_PROJECT = [(p.name,) for p in PROJECTS]


def generate(f: Frame, out: Emitter) -> None:
    errors = f.level(Kind.ERROR_BURST)
    backlog = f.level(Kind.QUEUE_BACKLOG)
    labels, (project, kind) = combinations(TYPES)
    rate = TASKS_PER_SECOND * f.activity[:, project] * _TYPE_SHARE[kind]

    # Failures are drawn by reason, and the failure status is their sum, so the two agree.
    by_reason, (r_project, r_kind, reason) = combinations(TYPES, FAILURE_REASONS)
    boost = np.where(reason == 0, 1.0 + 0.2 * (errors[:, r_project] - 1.0), 1.0)
    share = _FAILURE_SHARE[reason] * boost
    failures = f.counts(TASKS_PER_SECOND * f.activity[:, r_project] * _TYPE_SHARE[r_kind] * share)
    out.counter(c.TASK_FAILURES, by_reason, failures)
    failed = failures.reshape(f.steps, len(labels), len(FAILURE_REASONS)).sum(axis=2)
    succeeded = f.counts(rate * (1.0 - _FAILURE_SHARE.sum()))
    executions = np.stack([succeeded, failed], axis=2).reshape(f.steps, -1)
    statuses = [(*v, status) for v in labels for status in ("success", "failure")]
    out.counter(c.TASK_EXECUTIONS, statuses, executions)

    slower = 1.0 + 0.1 * (backlog[:, project] - 1.0)
    buckets, sums = observe(
        f.rng, rate * f.dt[:, None], _MEDIAN[kind] * slower, _SIGMA[kind], c.TASK_BUCKETS
    )
    out.histogram(c.TASK_DURATION, labels, buckets, sums)
    cpu = amounts(f.rng, succeeded + failed, _CPU_SECONDS[kind])
    out.counter(c.TASK_CPU, labels, cpu)

    mean_duration = _MEDIAN[kind] * np.exp(_SIGMA[kind] ** 2 / 2.0) * slower
    out.gauge(c.TASKS_RUNNING, labels, f.present(rate * mean_duration))
    memory = f.around(_MEMORY[kind] * (0.9 + 0.15 * f.load[:, project]), 0.04)
    out.gauge(c.TASK_MEMORY, labels, np.round(memory).astype(np.float64))
    # A backlog adds a pile of waiting work whatever the hour: it is what the alert is about.
    depth = f.present(0.5 + 5.5 * f.load + 6.0 * (backlog - 1.0))
    out.gauge(c.TASK_QUEUE_DEPTH, _BY_PROJECT, depth)

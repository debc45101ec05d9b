"""Agentic sessions and their users: volume, outcomes, durations, adoption, activation.

Baselines sit inside the targets of USERS.md (completion ~90%, duration P50 ~5 min and P95
~13 min, multi-repo 20%, custom models 30%, power users 15-25%, activation ~45%), so the
dashboards look healthy until an incident pushes a KPI past its threshold.
"""

from __future__ import annotations

import numpy as np

from pulseboard.demo import catalogue as c
from pulseboard.demo import shapes
from pulseboard.demo.distributions import observe
from pulseboard.demo.emit import Emitter
from pulseboard.demo.frame import Frame, combinations
from pulseboard.demo.incidents import Kind
from pulseboard.demo.projects import PROJECTS
from pulseboard.model.samples import Float64Array

SESSIONS_PER_SECOND = 0.08  # started, at the largest project's weekday peak
MODES = ("interactive", "batch")
_INTERACTIVE = np.array([p.interactive_share for p in PROJECTS])

FAILURE_REASONS = ("timeout", "error", "cancelled", "unknown")
_FAILURE_SHARE = np.array([0.035, 0.03, 0.02, 0.005])  # of started sessions; KPI timeout < 5%

DURATION_MEDIAN = 300.0
DURATION_SIGMA = 0.6
FIRST_COMPLETION_MEDIAN = 1200.0
FIRST_COMPLETION_SIGMA = 0.9
FIRST_COMPLETION_SHARE = 0.85  # of new users ever complete a session

FEATURES = ("workflow", "multi_repo", "custom_model")
_FEATURE_SHARE = np.array([0.25, 0.2, 0.3])
WORKFLOW_STEPS = ("plan", "implement", "test", "review", "merge")
# Share of workflow sessions reaching each step: every step keeps > 70% of the previous one.
_STEP_SHARE = np.array([0.95, 0.85, 0.74, 0.66, 0.6])

WINDOWS = ("1d", "7d", "30d")
_WINDOW_SHARE = np.array([0.28, 0.62, 1.0])  # of monthly users
_MONTHLY_USERS = np.array([float(p.monthly_users) for p in PROJECTS])
_POWER_SHARE = np.array([0.22, 0.18, 0.16, 0.24, 0.2])
NEW_USERS_PER_DAY = 0.035  # of monthly users
ACTIVATION = 0.45

_BY_PROJECT = [(p.name,) for p in PROJECTS]


def generate(f: Frame, out: Emitter) -> None:
    errors = f.level(Kind.ERROR_BURST)
    slow = f.level(Kind.LATENCY_SPIKE)
    started = SESSIONS_PER_SECOND * f.activity  # (steps, projects) per second

    labels, (project, mode) = combinations(MODES)
    share = np.where(mode == 0, _INTERACTIVE[project], 1.0 - _INTERACTIVE[project])
    out.counter(c.SESSIONS_CREATED, labels, f.counts(started[:, project] * share))

    # An error burst fails sessions with "error", a latency spike times them out.
    failure_share = np.broadcast_to(_FAILURE_SHARE, (*started.shape, 4)).copy()
    failure_share[:, :, FAILURE_REASONS.index("timeout")] *= 1.0 + 0.6 * (slow - 1.0)
    failure_share[:, :, FAILURE_REASONS.index("error")] *= 1.0 + 0.3 * (errors - 1.0)
    failure_share = np.minimum(failure_share, 0.2)
    labels, (project, reason) = combinations(FAILURE_REASONS)
    failed = started[:, project] * failure_share[:, project, reason]
    out.counter(c.SESSIONS_FAILED, labels, f.counts(failed))
    completed = started * (1.0 - failure_share.sum(axis=2))
    out.counter(c.SESSIONS_COMPLETED, _BY_PROJECT, f.counts(completed))

    median = DURATION_MEDIAN * (1.0 + 0.3 * (slow - 1.0))
    mean_duration = median * np.exp(DURATION_SIGMA**2 / 2.0)
    out.gauge(c.SESSIONS_ACTIVE, _BY_PROJECT, f.present(started * mean_duration))
    buckets, sums = observe(
        f.rng, started * f.dt[:, None], median, np.array(DURATION_SIGMA), c.SESSION_BUCKETS
    )
    out.histogram(c.SESSION_DURATION, _BY_PROJECT, buckets, sums)

    labels, (project, feature) = combinations(FEATURES)
    out.counter(c.SESSION_FEATURES, labels, f.counts(started[:, project] * _FEATURE_SHARE[feature]))
    labels, (project, step) = combinations(WORKFLOW_STEPS)
    workflow = started[:, project] * _FEATURE_SHARE[FEATURES.index("workflow")] * _STEP_SHARE[step]
    out.counter(c.WORKFLOW_STEPS, labels, f.counts(workflow))

    _users(f, out, slow)


def _users(f: Frame, out: Emitter, slow: Float64Array) -> None:
    monthly = _MONTHLY_USERS * f.trend
    labels, (project, window) = combinations(WINDOWS)
    # Rolling windows of a week or more do not see the weekend; the daily one does.
    level = np.where(window == 0, f.daily[:, project], f.trend[:, project])
    active = f.around(_MONTHLY_USERS[project] * _WINDOW_SHARE[window] * level, 0.02)
    out.gauge(c.USERS_ACTIVE, labels, np.round(active))
    out.gauge(c.USERS_POWER, _BY_PROJECT, np.round(f.around(monthly * _POWER_SHARE, 0.02)))

    # A daily figure spread over the working-day rhythm: people sign up when they work.
    per_second = _MONTHLY_USERS * NEW_USERS_PER_DAY / shapes.DAY / shapes.DIURNAL_MEAN
    new_users = per_second * f.load
    out.counter(c.USERS_NEW, _BY_PROJECT, f.counts(new_users))
    out.counter(c.USERS_ACTIVATED, _BY_PROJECT, f.counts(new_users * ACTIVATION))
    buckets, sums = observe(
        f.rng,
        new_users * FIRST_COMPLETION_SHARE * f.dt[:, None],
        FIRST_COMPLETION_MEDIAN * (1.0 + 0.3 * (slow - 1.0)),
        np.array(FIRST_COMPLETION_SIGMA),
        c.FIRST_COMPLETION_BUCKETS,
    )
    out.histogram(c.TIME_TO_FIRST_COMPLETION, _BY_PROJECT, buckets, sums)

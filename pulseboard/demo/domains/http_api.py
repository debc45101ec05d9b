"""HTTP API traffic: requests by route, method and status, and latency histograms by route.

The mix gives ~3.7% 4xx and ~0.3% 5xx (KPIs: < 5% and < 0.5%); latency has P50 ~50-70 ms,
P95 ~300 ms and P99 under 1 s, until an error burst or a latency spike hits a project.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pulseboard.demo import catalogue as c
from pulseboard.demo.distributions import observe
from pulseboard.demo.emit import Emitter, LabelValues
from pulseboard.demo.frame import Frame
from pulseboard.demo.incidents import Kind
from pulseboard.demo.projects import PROJECTS, WEIGHTS

REQUESTS_PER_SECOND = 30.0  # from people, at the largest project's weekday peak
# Open dashboards polling and integrations call the API around the clock; besides being real,
# this keeps small projects' nights from turning a single 5xx into a 1% error rate.
BACKGROUND = 0.35


@dataclass(frozen=True)
class Endpoint:
    route: str
    method: str
    share: float  # of all requests
    median: float  # seconds, at low load
    sigma: float


ENDPOINTS = (
    Endpoint("/api/v1/sessions", "GET", 0.18, 0.045, 0.7),
    Endpoint("/api/v1/sessions", "POST", 0.05, 0.11, 0.6),
    Endpoint("/api/v1/sessions/{id}", "GET", 0.25, 0.03, 0.7),
    Endpoint("/api/v1/sessions/{id}/messages", "POST", 0.10, 0.14, 0.7),
    Endpoint("/api/v1/tasks", "GET", 0.10, 0.055, 0.7),
    Endpoint("/api/v1/tasks", "POST", 0.04, 0.08, 0.6),
    Endpoint("/api/v1/projects", "GET", 0.08, 0.025, 0.6),
    Endpoint("/api/v1/workflows", "GET", 0.06, 0.05, 0.7),
    Endpoint("/api/v1/models", "GET", 0.09, 0.02, 0.6),
    Endpoint("/api/v1/auth/login", "POST", 0.05, 0.18, 0.5),
)
_GET = ("200", 0.955), ("304", 0.012), ("401", 0.004), ("403", 0.003), ("404", 0.022)
_POST = ("201", 0.93), ("400", 0.035), ("401", 0.008), ("409", 0.012), ("429", 0.01)
STATUSES = {
    "GET": (*_GET, ("500", 0.002), ("503", 0.0005)),
    "POST": (*_POST, ("500", 0.003), ("503", 0.0005)),
}

# One column per (project, endpoint), and one per (project, endpoint, status) for the counter.
_PAIRS: list[tuple[int, Endpoint]] = [(p, e) for p in range(len(PROJECTS)) for e in ENDPOINTS]
_PAIR_LABELS: list[LabelValues] = [(PROJECTS[p].name, e.route, e.method) for p, e in _PAIRS]
_PAIR_PROJECT = np.array([p for p, _ in _PAIRS])
_PAIR_SHARE = np.array([e.share for _, e in _PAIRS])
_PAIR_MEDIAN = np.array([e.median for _, e in _PAIRS])
_PAIR_SIGMA = np.array([e.sigma for _, e in _PAIRS])
_STATUS_ROWS = [
    (pair, status, odds)
    for pair, (_, e) in enumerate(_PAIRS)
    for status, odds in STATUSES[e.method]
]
_STATUS_LABELS: list[LabelValues] = [(*_PAIR_LABELS[pair], s) for pair, s, _ in _STATUS_ROWS]
_STATUS_PAIR = np.array([pair for pair, _, _ in _STATUS_ROWS])
_STATUS_ODDS = np.array([odds for _, _, odds in _STATUS_ROWS])
_STATUS_5XX = np.array([s.startswith("5") for _, s, _ in _STATUS_ROWS])


def generate(f: Frame, out: Emitter) -> None:
    errors = f.level(Kind.ERROR_BURST)[:, _PAIR_PROJECT]
    slow = f.level(Kind.LATENCY_SPIKE)[:, _PAIR_PROJECT]
    level = f.activity + BACKGROUND * WEIGHTS * f.trend
    rate = REQUESTS_PER_SECOND * level[:, _PAIR_PROJECT] * _PAIR_SHARE

    # An error burst multiplies 5xx answers; clients retrying them add to the traffic.
    odds = _STATUS_ODDS * np.where(_STATUS_5XX, errors[:, _STATUS_PAIR], 1.0)
    out.counter(c.HTTP_REQUESTS, _STATUS_LABELS, f.counts(rate[:, _STATUS_PAIR] * odds))

    # Latency rises a little with load and a lot during a spike.
    median = _PAIR_MEDIAN * (1.0 + 0.25 * f.load[:, _PAIR_PROJECT]) * slow
    buckets, sums = observe(f.rng, rate * f.dt[:, None], median, _PAIR_SIGMA, c.API_LATENCY_BUCKETS)
    out.histogram(c.HTTP_DURATION, _PAIR_LABELS, buckets, sums)

    mean_latency = median * np.exp(_PAIR_SIGMA**2 / 2.0)
    in_flight = (rate * mean_latency).reshape(f.steps, len(PROJECTS), len(ENDPOINTS)).sum(axis=2)
    out.gauge(c.HTTP_IN_FLIGHT, [(p.name,) for p in PROJECTS], f.present(in_flight))

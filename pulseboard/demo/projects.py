"""The simulated tenants and what runs for each of them: projects, components and their pods."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np

from pulseboard.model.samples import Float64Array, Int64Array


@dataclass(frozen=True)
class Project:
    name: str
    # Load relative to the largest project; it scales every rate, so top-N panels have an order.
    weight: float
    # Where most users are: spreads the daily peaks, so the all-projects curve is not one spike.
    tz_hours: float
    # Amplitude and phase of a slow yearly swing: at any date some projects grow, some shrink.
    growth: float
    growth_phase: float
    interactive_share: float  # sessions run interactively rather than as batch (KPI: 40-60%)
    monthly_users: int  # users active in 30 days, at trend 1


PROJECTS: tuple[Project, ...] = (
    Project("atlas", 1.0, 1.0, 0.10, 0.3, 0.55, 900),
    Project("borealis", 0.6, -5.0, 0.20, 1.9, 0.45, 520),
    Project("cygnus", 0.35, 8.0, 0.15, 3.4, 0.60, 310),
    Project("draco", 0.15, 2.0, 0.25, 4.6, 0.42, 140),
    Project("eridani", 0.25, -8.0, 0.35, 0.0, 0.50, 230),
)
PROJECT_NAMES: tuple[str, ...] = tuple(p.name for p in PROJECTS)
WEIGHTS: Float64Array = np.array([p.weight for p in PROJECTS])
TZ_HOURS: Float64Array = np.array([p.tz_hours for p in PROJECTS])


@dataclass(frozen=True)
class Component:
    name: str
    replicas: int
    cores: float  # CPU cores one pod uses at its project's peak load
    memory_bytes: float  # resident memory of a fresh process at average load
    limit_bytes: float
    # What a long-running process grows by (caches, fragmentation) until its next restart: the
    # pods that run longest come near their limit, so memory alerts have a cause.
    growth_bytes: float
    restarts_per_hour: float  # per pod; the runner is the flaky one (KPI: runner < 5/hour)
    downtime_seconds: tuple[float, float]  # how long a restart keeps the pod from answering


MIB = 1024.0**2
GIB = 1024.0**3

COMPONENTS: tuple[Component, ...] = (
    Component("frontend", 2, 0.15, 180 * MIB, 512 * MIB, 150 * MIB, 0.008, (15, 45)),
    Component("backend", 3, 0.8, 700 * MIB, 2 * GIB, 850 * MIB, 0.008, (20, 60)),
    Component("operator", 1, 0.2, 260 * MIB, 768 * MIB, 250 * MIB, 0.012, (20, 50)),
    Component("runner", 3, 1.6, 1.4 * GIB, 4 * GIB, 1.6 * GIB, 0.08, (60, 180)),
)
COMPONENT_NAMES: tuple[str, ...] = tuple(c.name for c in COMPONENTS)


@dataclass(frozen=True)
class Pod:
    project: int  # index into PROJECTS
    component: int  # index into COMPONENTS
    name: str


def _pod_name(project: str, component: str, replica: int) -> str:
    # Shaped like a Deployment's pods (<deployment>-<replicaset hash>-<suffix>), stable across runs.
    alphabet = "bcdfghjklmnpqrstvwxz2456789"
    digest = hashlib.blake2b(f"{project}/{component}/{replica}".encode(), digest_size=16).digest()
    replica_set = "".join(alphabet[b % len(alphabet)] for b in digest[:9])
    suffix = "".join(alphabet[b % len(alphabet)] for b in digest[9:14])
    return f"{component}-{replica_set}-{suffix}"


PODS: tuple[Pod, ...] = tuple(
    Pod(p, c, _pod_name(project.name, component.name, replica))
    for p, project in enumerate(PROJECTS)
    for c, component in enumerate(COMPONENTS)
    for replica in range(component.replicas)
)
POD_PROJECT: Int64Array = np.array([pod.project for pod in PODS], dtype=np.int64)
POD_COMPONENT: Int64Array = np.array([pod.component for pod in PODS], dtype=np.int64)

"""Every metric the demo workload writes: name, type, help, unit, labels and buckets, in one place.

Dashboards, rule packs and tests read this list instead of guessing names; the emitter refuses a
series whose labels differ from its entry here, so the list cannot drift from what is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pulseboard.model.samples import MetricMetadata

MetricType = Literal["counter", "gauge", "histogram"]

# Seconds scales differ by four orders of magnitude between an API call and a session, so each
# histogram gets buckets where its own quantiles fall.
API_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
SESSION_BUCKETS = (30.0, 60.0, 120.0, 180.0, 300.0, 420.0, 600.0, 900.0, 1200.0, 1800.0, 3600.0)
FIRST_COMPLETION_BUCKETS = (60.0, 300.0, 600.0, 900.0, 1800.0, 2700.0, 3600.0, 7200.0, 14400.0)
TASK_BUCKETS = (1.0, 5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1200.0, 1800.0, 3600.0)
LLM_LATENCY_BUCKETS = (0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 20.0, 40.0, 80.0)


@dataclass(frozen=True)
class MetricSpec:
    name: str
    type: MetricType
    help: str
    labels: tuple[str, ...]
    unit: str = ""
    buckets: tuple[float, ...] = ()

    @property
    def series_names(self) -> tuple[str, ...]:
        """The `__name__` values this metric writes (a histogram writes three)."""
        if self.type == "histogram":
            return (f"{self.name}_bucket", f"{self.name}_sum", f"{self.name}_count")
        return (self.name,)

    @property
    def metadata(self) -> MetricMetadata:
        return MetricMetadata(self.type, self.help, self.unit)


P = ("project",)

# 1. Agentic / user sessions -----------------------------------------------------------------------
SESSIONS_CREATED = MetricSpec(
    "sessions_created_total",
    "counter",
    "Agentic sessions started, by mode (interactive or batch).",
    (*P, "mode"),
)
SESSIONS_COMPLETED = MetricSpec(
    "sessions_completed_total", "counter", "Agentic sessions that completed successfully.", P
)
SESSIONS_FAILED = MetricSpec(
    "sessions_failed_total",
    "counter",
    "Agentic sessions that failed, by reason (timeout, error, cancelled, unknown).",
    (*P, "reason"),
)
SESSIONS_ACTIVE = MetricSpec("sessions_active", "gauge", "Agentic sessions running now.", P)
SESSION_DURATION = MetricSpec(
    "session_duration_seconds",
    "histogram",
    "Wall-clock duration of finished agentic sessions.",
    P,
    "seconds",
    SESSION_BUCKETS,
)
TIME_TO_FIRST_COMPLETION = MetricSpec(
    "session_time_to_first_completion_seconds",
    "histogram",
    "Time from a new user's first session start to their first completed session.",
    P,
    "seconds",
    FIRST_COMPLETION_BUCKETS,
)
USERS_ACTIVE = MetricSpec(
    "users_active",
    "gauge",
    "Distinct users with at least one session in the trailing window (1d, 7d, 30d).",
    (*P, "window"),
)
USERS_POWER = MetricSpec(
    "users_power", "gauge", "Users with 10 or more sessions in the trailing 30 days.", P
)
USERS_NEW = MetricSpec("users_new_total", "counter", "Users who started their first session.", P)
USERS_ACTIVATED = MetricSpec(
    "users_activated_total",
    "counter",
    "New users who reached 3 sessions within their first week (activation).",
    P,
)
SESSION_FEATURES = MetricSpec(
    "session_features_total",
    "counter",
    "Sessions that used a feature (workflow, multi_repo, custom_model).",
    (*P, "feature"),
)
WORKFLOW_STEPS = MetricSpec(
    "workflow_step_completions_total",
    "counter",
    "Workflow steps completed, by step in funnel order (plan, implement, test, review, merge).",
    (*P, "step"),
)

# 2. Task executions -------------------------------------------------------------------------------
TASK_EXECUTIONS = MetricSpec(
    "task_executions_total",
    "counter",
    "Finished task executions, by type (batch, interactive) and status (success, failure).",
    (*P, "type", "status"),
)
TASK_FAILURES = MetricSpec(
    "task_failures_total",
    "counter",
    'Failed task executions by reason; sums to task_executions_total{status="failure"}.',
    (*P, "type", "reason"),
)
TASK_DURATION = MetricSpec(
    "task_execution_duration_seconds",
    "histogram",
    "Duration of finished task executions.",
    (*P, "type"),
    "seconds",
    TASK_BUCKETS,
)
TASK_CPU = MetricSpec(
    "task_cpu_seconds_total",
    "counter",
    "CPU time consumed by finished task executions.",
    (*P, "type"),
    "seconds",
)
TASK_MEMORY = MetricSpec(
    "task_memory_bytes",
    "gauge",
    "Average resident memory of running task executions.",
    (*P, "type"),
    "bytes",
)
TASKS_RUNNING = MetricSpec("tasks_running", "gauge", "Task executions running now.", (*P, "type"))
TASK_QUEUE_DEPTH = MetricSpec(
    "task_queue_depth", "gauge", "Task executions waiting for a runner.", P
)

# 3. HTTP API traffic ------------------------------------------------------------------------------
HTTP_REQUESTS = MetricSpec(
    "http_requests_total",
    "counter",
    "HTTP API requests, by route template, method and status code.",
    (*P, "route", "method", "status"),
)
HTTP_DURATION = MetricSpec(
    "http_request_duration_seconds",
    "histogram",
    "HTTP API request latency, by route template and method.",
    (*P, "route", "method"),
    "seconds",
    API_LATENCY_BUCKETS,
)
HTTP_IN_FLIGHT = MetricSpec(
    "http_requests_in_flight", "gauge", "HTTP API requests being served now.", P
)

# 4. LLM usage -------------------------------------------------------------------------------------
LLM_TOKENS = MetricSpec(
    "llm_tokens_total",
    "counter",
    "LLM tokens, by provider, model, product feature and direction (type: input or output).",
    (*P, "provider", "model", "feature", "type"),
)
LLM_COST = MetricSpec(
    "llm_cost_usd_total",
    "counter",
    "LLM spend in US dollars at list prices, by provider, model and product feature.",
    (*P, "provider", "model", "feature"),
    "usd",
)
LLM_REQUESTS = MetricSpec(
    "llm_requests_total",
    "counter",
    "LLM API calls, by provider, model, feature and status (success, error).",
    (*P, "provider", "model", "feature", "status"),
)
LLM_DURATION = MetricSpec(
    "llm_request_duration_seconds",
    "histogram",
    "LLM API call latency (request sent to last token), by provider and model.",
    (*P, "provider", "model"),
    "seconds",
    LLM_LATENCY_BUCKETS,
)

# 5. Infrastructure --------------------------------------------------------------------------------
POD = (*P, "component", "pod")
COMPONENT_UP = MetricSpec(
    "component_up",
    "gauge",
    "1 when every pod of the component (frontend, backend, operator, runner) answers its health "
    "check, else 0.",
    (*P, "component"),
)
POD_RESTARTS = MetricSpec(
    "kube_pod_container_status_restarts_total",
    "counter",
    "Container restarts of the pod (as kube-state-metrics reports them).",
    POD,
)
PROCESS_MEMORY = MetricSpec(
    "process_resident_memory_bytes", "gauge", "Resident memory of the pod's process.", POD, "bytes"
)
MEMORY_LIMIT = MetricSpec(
    "container_spec_memory_limit_bytes",
    "gauge",
    "Memory limit of the pod's container.",
    POD,
    "bytes",
)
PROCESS_CPU = MetricSpec(
    "process_cpu_seconds_total",
    "counter",
    "CPU time of the pod's process; starts again from 0 when the container restarts.",
    POD,
    "seconds",
)
PROCESS_START = MetricSpec(
    "process_start_time_seconds",
    "gauge",
    "Start time of the pod's process since the Unix epoch.",
    POD,
    "seconds",
)
VOLUME_USED = MetricSpec(
    "kubelet_volume_stats_used_bytes",
    "gauge",
    "Bytes used on the persistent volume.",
    (*P, "persistentvolumeclaim"),
    "bytes",
)
VOLUME_CAPACITY = MetricSpec(
    "kubelet_volume_stats_capacity_bytes",
    "gauge",
    "Capacity of the persistent volume.",
    (*P, "persistentvolumeclaim"),
    "bytes",
)
WATCH_RECONNECTIONS = MetricSpec(
    "operator_watch_reconnections_total",
    "counter",
    "Times the operator re-established a Kubernetes watch, by watched resource.",
    (*P, "resource"),
)
DB_POOL = MetricSpec(
    "db_pool_connections",
    "gauge",
    "Database connection pool connections, by state (in_use, idle).",
    (*P, "state"),
)
CACHE_REQUESTS = MetricSpec(
    "cache_requests_total", "counter", "Cache lookups, by result (hit, miss).", (*P, "result")
)

CATALOGUE: tuple[MetricSpec, ...] = (
    SESSIONS_CREATED,
    SESSIONS_COMPLETED,
    SESSIONS_FAILED,
    SESSIONS_ACTIVE,
    SESSION_DURATION,
    TIME_TO_FIRST_COMPLETION,
    USERS_ACTIVE,
    USERS_POWER,
    USERS_NEW,
    USERS_ACTIVATED,
    SESSION_FEATURES,
    WORKFLOW_STEPS,
    TASK_EXECUTIONS,
    TASK_FAILURES,
    TASK_DURATION,
    TASK_CPU,
    TASK_MEMORY,
    TASKS_RUNNING,
    TASK_QUEUE_DEPTH,
    HTTP_REQUESTS,
    HTTP_DURATION,
    HTTP_IN_FLIGHT,
    LLM_TOKENS,
    LLM_COST,
    LLM_REQUESTS,
    LLM_DURATION,
    COMPONENT_UP,
    POD_RESTARTS,
    PROCESS_MEMORY,
    MEMORY_LIMIT,
    PROCESS_CPU,
    PROCESS_START,
    VOLUME_USED,
    VOLUME_CAPACITY,
    WATCH_RECONNECTIONS,
    DB_POOL,
    CACHE_REQUESTS,
)

# Keyed as Prometheus keys metadata: by the name in `# TYPE`, i.e. a histogram's family name.
METADATA: dict[str, MetricMetadata] = {spec.name: spec.metadata for spec in CATALOGUE}

# Counters that a simulated process restart sets back to zero; every other counter only grows.
RESETTING_COUNTERS = frozenset({PROCESS_CPU.name})

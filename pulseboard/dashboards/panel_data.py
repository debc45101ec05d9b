"""A dashboard's panels evaluated for a time range: frames ready to draw, in one call.

Every visible panel's targets run concurrently through the query engine (and so its result
cache). Ranges are aligned to the step, as Grafana's Prometheus data source aligns them, so that
panels refreshed within one step ask the engine the same question and the cache answers.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import anyio
import numpy as np
from anyio import to_thread

from pulseboard.config import parse_duration
from pulseboard.dashboards.model import GRID_COLUMNS, Dashboard, FieldDefaults, Panel, Target
from pulseboard.dashboards.reducers import reduce_values, threshold_state
from pulseboard.dashboards.timerange import TimeExpressionError, parse_time
from pulseboard.dashboards.variables import (
    DEFAULT_SCRAPE_INTERVAL_MS,
    ResolvedVariable,
    builtin_variables,
    interpolate,
    query_interval_ms,
    resolve_variables,
)
from pulseboard.model.labels import METRIC_NAME, Labels
from pulseboard.model.samples import Float64Array
from pulseboard.promql.api import (
    Matrix,
    PromQLError,
    QueryEngine,
    Scalar,
    SharedSubexpressions,
    String,
    Vector,
)
from pulseboard.storage.protocol import Scope, Storage

log = logging.getLogger(__name__)

# Panels that draw no query results.
_NO_QUERIES = frozenset({"row", "text", "alertlist", "logs", "placeholder"})
# Panels that show one reduced number per series (Grafana's reduceOptions).
_REDUCING = frozenset({"stat", "gauge", "bargauge", "piechart", "table"})
# Grafana asks each panel for as many points as it is wide in pixels; a dashboard is drawn this
# wide when the viewer does not say.
DEFAULT_WIDTH_PX = 1920
_MIN_POINTS = 100
# Targets evaluated at once: one per core (the engine's numpy work releases the GIL, its Python
# work does not). Measured on 2 cores: 8 threads 282 ms for the Operations dashboard, 2 220 ms.
_CONCURRENT_TARGETS = min(4, os.cpu_count() or 1)
_LEGEND = re.compile(r"\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}")


@dataclass(frozen=True)
class PanelDataRequest:
    start_ms: int
    end_ms: int
    variables: Mapping[str, ResolvedVariable]
    panel_ids: frozenset[int] | None = None  # None: every visible panel
    max_data_points: int | None = None  # for every panel; else each panel's width in pixels
    width_px: int = DEFAULT_WIDTH_PX  # the dashboard's width where it is drawn


@dataclass
class _Job:
    panel: Panel
    target: Target
    expr: str
    step_ms: int
    start_ms: int
    end_ms: int
    instant: bool
    frames: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None
    warnings: list[str] = field(default_factory=list)


def prepare(
    dashboard: Dashboard,
    chosen: Mapping[str, Sequence[str]],
    *,
    storage: Storage,
    engine: QueryEngine,
    scope: Scope,
    now_ms: int,
    start: str | None = None,
    end: str | None = None,
    panel_ids: frozenset[int] | None = None,
    max_data_points: int | None = None,
    width_px: int = DEFAULT_WIDTH_PX,
) -> PanelDataRequest:
    """The range (the dashboard's own unless given) and the variables resolved over it."""
    zone = dashboard.timezone
    start_ms = parse_time(start or dashboard.time.from_, now_ms, timezone=zone)
    end_ms = parse_time(end or dashboard.time.to, now_ms, round_up=True, timezone=zone)
    if start_ms >= end_ms:
        raise TimeExpressionError("the range's `from` must be before its `to`")
    variables = resolve_variables(
        dashboard.variables,
        chosen,
        storage=storage,
        engine=engine,
        start_ms=start_ms,
        end_ms=end_ms,
        scope=scope,
    )
    return PanelDataRequest(start_ms, end_ms, variables, panel_ids, max_data_points, width_px)


def panels_to_draw(dashboard: Dashboard, wanted: frozenset[int] | None) -> list[Panel]:
    """The asked-for panels, or those a viewer sees (not the ones inside collapsed rows)."""
    if wanted is not None:
        return [panel for panel in dashboard.walk_panels() if panel.id in wanted]
    return [panel for panel in dashboard.panels if panel.type != "row"]


async def evaluate_panels(
    dashboard: Dashboard, request: PanelDataRequest, engine: QueryEngine, scope: Scope
) -> dict[str, dict[str, Any]]:
    """Per panel id (as a string, as JSON keys are): state, frames, field config, step."""
    panels = panels_to_draw(dashboard, request.panel_ids)
    jobs = [job for panel in panels for job in panel_jobs(panel, request)]
    limiter = anyio.CapacityLimiter(_CONCURRENT_TARGETS)
    # Panels repeat subexpressions (rate(x_bucket[5m]) under three percentiles): computed once.
    shared = SharedSubexpressions()
    async with anyio.create_task_group() as group:
        for job in jobs:
            group.start_soon(_run, job, engine, scope, limiter, shared)
    by_panel: dict[int, list[_Job]] = {}
    for job in jobs:
        by_panel.setdefault(job.panel.id, []).append(job)
    return {str(panel.id): _panel_result(panel, by_panel.get(panel.id, [])) for panel in panels}


def panel_jobs(panel: Panel, request: PanelDataRequest) -> Iterator[_Job]:
    """The panel's visible targets, interpolated, with the step each is evaluated at."""
    if panel.type in _NO_QUERIES:
        return
    for target in panel.targets:
        if target.hide or not target.expr.strip():
            continue
        minimum = _min_interval_ms(target.interval or panel.interval, request)
        points = panel.max_data_points or request.max_data_points or _points_for(panel, request)
        step = query_interval_ms(
            request.start_ms, request.end_ms, max_data_points=points, min_interval_ms=minimum
        )
        builtins = builtin_variables(request.start_ms, request.end_ms, step)
        expr = interpolate(target.expr, request.variables, builtins)
        instant = target.instant and not target.range
        start = request.start_ms // step * step
        end = request.end_ms // step * step
        yield _Job(panel, target, expr, step, start, end, instant)


def _points_for(panel: Panel, request: PanelDataRequest) -> int:
    """As many points as the panel is wide in pixels (Grafana's default maxDataPoints)."""
    return max(_MIN_POINTS, panel.grid_pos.w * request.width_px // GRID_COLUMNS)


def _min_interval_ms(text: str, request: PanelDataRequest) -> int:
    """A target's minimum step: its own, else the panel's, else the scrape interval."""
    if not text:
        return DEFAULT_SCRAPE_INTERVAL_MS
    resolved = interpolate(text, request.variables)
    try:
        return max(int(parse_duration(resolved.removeprefix(">")).total_seconds() * 1000), 1)
    except ValueError:
        return DEFAULT_SCRAPE_INTERVAL_MS


async def _run(
    job: _Job,
    engine: QueryEngine,
    scope: Scope,
    limiter: anyio.CapacityLimiter,
    shared: SharedSubexpressions,
) -> None:
    evaluate: Callable[[], Any]
    if job.instant:

        def evaluate() -> Any:
            return engine.instant(job.expr, job.end_ms, scope)

    else:

        def evaluate() -> Any:
            return engine.range(
                job.expr, job.start_ms, job.end_ms, job.step_ms, scope, shared=shared
            )

    try:
        result = await to_thread.run_sync(evaluate, limiter=limiter)
    except PromQLError as exc:
        job.error = str(exc)
        return
    except Exception as exc:  # an engine bug fails this query's panel, not the dashboard
        log.exception("panel %s query %r failed", job.panel.id, job.expr)
        job.error = f"internal error: {type(exc).__name__}: {exc}"
        return
    job.warnings = list(result.warnings)
    job.frames = list(_frames(job, result.value))


def _frames(job: _Job, value: Matrix | Vector | Scalar | String) -> Iterator[dict[str, Any]]:
    legend = job.target.legend_format
    if isinstance(value, Matrix):
        for series in value.series:
            yield _frame(job, series.labels, series.timestamps, series.values, legend)
    elif isinstance(value, Vector):
        for sample in value.samples:
            times = np.array([sample.timestamp_ms], np.int64)
            yield _frame(job, sample.labels, times, np.array([sample.value]), legend)
    elif isinstance(value, Scalar):
        times = np.array([value.timestamp_ms], np.int64)
        yield _frame(job, (), times, np.array([value.value]), legend)


def _frame(
    job: _Job,
    labels: Labels,
    timestamps: np.ndarray,
    values: np.ndarray,
    legend: str,
) -> dict[str, Any]:
    return {
        "refId": job.target.ref_id,
        "name": legend_name(labels, legend),
        "labels": dict(labels),
        # Arrays are written by orjson directly; JSON has no NaN or infinity: those points are
        # written as null, gaps, as Grafana draws them.
        "timestamps": np.ascontiguousarray(timestamps, np.int64),
        "values": np.ascontiguousarray(values, np.float64),
    }


def legend_name(labels: Labels, legend: str) -> str:
    """Grafana's series name: the legend format with `{{label}}` filled in, else the series."""
    values = dict(labels)
    if legend and legend != "__auto":
        return _LEGEND.sub(lambda found: values.get(found.group(1), ""), legend)
    name = values.pop(METRIC_NAME, "")
    inner = ", ".join(f'{key}="{value}"' for key, value in sorted(values.items()))
    if not inner:
        return name or "value"
    return f"{name}{{{inner}}}"


def _panel_result(panel: Panel, jobs: Sequence[_Job]) -> dict[str, Any]:
    defaults = panel.field_config.defaults
    frames = [frame for job in jobs for frame in job.frames]
    errors = [{"refId": job.target.ref_id, "message": job.error} for job in jobs if job.error]
    if panel.type in _REDUCING or panel.type == "timeseries":
        calc = _calc(panel)
        for frame in frames:
            frame["reduced"] = _reduced(frame["values"], calc, defaults)
    if errors:
        state = "error"
    elif panel.type not in _NO_QUERIES and not any(len(frame["values"]) for frame in frames):
        state = "nodata"
    else:
        state = "ok"
    return {
        "id": panel.id,
        "type": panel.type,
        "state": state,
        "errors": errors,
        "warnings": sorted({warning for job in jobs for warning in job.warnings}),
        "stepMs": max((job.step_ms for job in jobs), default=None),
        "fieldConfig": defaults.model_dump(mode="json", by_alias=True, exclude_none=True),
        "frames": frames,
    }


def _calc(panel: Panel) -> str:
    reduce_options = panel.options.get("reduceOptions")
    if isinstance(reduce_options, dict):
        calcs = reduce_options.get("calcs")
        if isinstance(calcs, list) and calcs and isinstance(calcs[0], str):
            return calcs[0]
    return "lastNotNull"


def _reduced(values: Float64Array, calc: str, defaults: FieldDefaults) -> dict[str, Any]:
    value = reduce_values(values, calc)
    state = threshold_state(value, defaults, values)
    return {"calc": calc, "value": value, **state}

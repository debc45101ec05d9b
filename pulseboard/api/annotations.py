"""Annotations: time-stamped notes (points or regions) drawn on time series, as Grafana's API has
them: {"time", "timeEnd", "text", "tags", "dashboardUID", "panelId"}."""

from __future__ import annotations

import time
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from pulseboard.api.documents import call, json_body
from pulseboard.api.envelope import APIError, PromJSONResponse
from pulseboard.dashboards.timerange import parse_time
from pulseboard.meta import Annotation, AnnotationDraft
from pulseboard.server import Pulseboard, user_of

router = APIRouter(prefix="/api/annotations", tags=["annotations"])

_FIELDS = frozenset({"time", "timeEnd", "text", "tags", "dashboardUID", "panelId", "source"})


def _as_json(item: Annotation) -> dict[str, Any]:
    return {
        "id": item.id,
        "time": item.time_ms,
        "timeEnd": item.time_end_ms,
        "text": item.text,
        "tags": list(item.tags),
        "dashboardUID": item.dashboard_uid,
        "panelId": item.panel_id,
        "source": item.source,
        "created": item.created_at.isoformat(),
        "author": item.author,
    }


def _draft(body: Any) -> AnnotationDraft:
    if not isinstance(body, dict):
        raise APIError(400, "bad_data", "an annotation is a JSON object")
    unknown = sorted(set(body) - _FIELDS)
    if unknown:
        raise APIError(400, "bad_data", f"unknown field {unknown[0]!r}")
    moment = body.get("time", round(time.time() * 1000))
    end = body.get("timeEnd")
    panel = body.get("panelId")
    for name, value in (("time", moment), ("timeEnd", end), ("panelId", panel)):
        if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
            raise APIError(400, "bad_data", f"{name} must be an integer (milliseconds for times)")
    text = body.get("text")
    if not isinstance(text, str) or not text.strip():
        raise APIError(400, "bad_data", "text is required")
    tags = body.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
        raise APIError(400, "bad_data", "tags must be a list of strings")
    dashboard = body.get("dashboardUID")
    if dashboard is not None and not isinstance(dashboard, str):
        raise APIError(400, "bad_data", "dashboardUID must be a string")
    source = body.get("source", "api")
    if not isinstance(source, str):
        raise APIError(400, "bad_data", "source must be a string")
    return AnnotationDraft(moment, text, end, tuple(tags), dashboard, panel, source)


@router.get("", summary="Annotations overlapping a range")
async def list_annotations(
    request: Request,
    start: Annotated[str, Query(alias="from")] = "now-6h",
    end: Annotated[str, Query(alias="to")] = "now",
    dashboard_uid: Annotated[str | None, Query(alias="dashboardUID")] = None,
    panel_id: Annotated[int | None, Query(alias="panelId")] = None,
    tags: Annotated[list[str] | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 100,
) -> PromJSONResponse:
    app: Pulseboard = request.app.state.pulseboard
    now_ms = round(time.time() * 1000)

    def work() -> list[dict[str, Any]]:
        found = app.annotations.list(
            parse_time(start, now_ms),
            parse_time(end, now_ms, round_up=True),
            dashboard_uid=dashboard_uid,
            panel_id=panel_id,
            tags=tuple(tags or ()),
            limit=limit,
        )
        return [_as_json(item) for item in found]

    return PromJSONResponse(await call(work))


@router.post("", summary="Add an annotation", status_code=201)
async def add(request: Request) -> PromJSONResponse:
    app: Pulseboard = request.app.state.pulseboard
    draft = _draft(await json_body(request))
    author = user_of(request)
    added = await call(lambda: app.annotations.add(draft, author=author))
    return PromJSONResponse(_as_json(added), status_code=201)


@router.get("/{annotation_id}", summary="One annotation")
async def get(request: Request, annotation_id: int) -> PromJSONResponse:
    app: Pulseboard = request.app.state.pulseboard
    return PromJSONResponse(_as_json(await call(lambda: app.annotations.get(annotation_id))))


@router.put("/{annotation_id}", summary="Change an annotation")
async def update(request: Request, annotation_id: int) -> PromJSONResponse:
    app: Pulseboard = request.app.state.pulseboard
    draft = _draft(await json_body(request))
    changed = await call(lambda: app.annotations.update(annotation_id, draft))
    return PromJSONResponse(_as_json(changed))


@router.delete("/{annotation_id}", summary="Delete an annotation")
async def delete(request: Request, annotation_id: int) -> PromJSONResponse:
    app: Pulseboard = request.app.state.pulseboard
    await call(lambda: app.annotations.delete(annotation_id))
    return PromJSONResponse({"deleted": annotation_id})

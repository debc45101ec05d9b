"""Dashboards: CRUD and search, versions, stars, Grafana import/export, templates, panel data.

Errors use the server's one error envelope ({"status": "error", "errorType", "error"}), with
"problems" naming each invalid field of a document.
"""

from __future__ import annotations

import time
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Query, Request, Response

from pulseboard.api.documents import call, json_body
from pulseboard.api.envelope import APIError, PromJSONResponse
from pulseboard.dashboards.model import Dashboard
from pulseboard.dashboards.panel_data import (
    DEFAULT_WIDTH_PX,
    PanelDataRequest,
    evaluate_panels,
    prepare,
)
from pulseboard.dashboards.provisioning import recreate_template, template_dashboards
from pulseboard.dashboards.service import validated
from pulseboard.meta import DashboardSummary, StoredDashboard
from pulseboard.server import Pulseboard, scope_of, user_of

router = APIRouter(prefix="/api/dashboards", tags=["dashboards"])


def _app(request: Request) -> Pulseboard:
    app: Pulseboard = request.app.state.pulseboard
    return app


def _saved(stored: StoredDashboard, status_code: int = 200) -> PromJSONResponse:
    return PromJSONResponse(
        {"uid": stored.uid, "version": stored.version, "url": f"/d/{stored.uid}"},
        status_code=status_code,
    )


def _summary(item: DashboardSummary, starred: set[str]) -> dict[str, Any]:
    return {
        "uid": item.uid,
        "title": item.title,
        "folder": item.folder,
        "tags": list(item.tags),
        "version": item.version,
        "updated": item.updated_at.isoformat(),
        "updatedBy": item.updated_by,
        "starred": item.uid in starred,
        "url": f"/d/{item.uid}",
    }


def _unwrapped(body: Any) -> tuple[Any, str]:
    """A document, alone or in Grafana's API form {"dashboard": ..., "message": ...}."""
    if isinstance(body, dict) and isinstance(body.get("dashboard"), dict):
        return body["dashboard"], str(body.get("message") or "")
    return body, ""


# --------------------------------------------------------------------------------- collection


@router.get("", summary="List and search dashboards")
async def search(
    request: Request,
    query: str | None = None,
    tag: Annotated[list[str] | None, Query()] = None,
    folder: str | None = None,
    starred: bool = False,
    limit: Annotated[int, Query(ge=1, le=5000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> PromJSONResponse:
    app, user = _app(request), user_of(request)
    store = app.dashboards.store

    def work() -> list[dict[str, Any]]:
        found = store.search(
            query,
            tags=tuple(tag or ()),
            folder=folder,
            starred_by=user if starred else None,
            limit=limit,
            offset=offset,
        )
        stars = {item.uid for item in store.starred(user)}
        return [_summary(item, stars) for item in found]

    return PromJSONResponse(await call(work))


@router.post("", summary="Create a dashboard", status_code=201)
async def create(request: Request) -> PromJSONResponse:
    app, author = _app(request), user_of(request)
    document, message = _unwrapped(await json_body(request))
    stored = await call(lambda: app.dashboards.create(document, author=author, message=message))
    return _saved(stored, 201)


@router.post("/import", summary="Import a Grafana dashboard JSON", status_code=201)
async def import_grafana(
    request: Request, overwrite: bool = False, folder: str | None = None
) -> PromJSONResponse:
    app, author = _app(request), user_of(request)
    body = await json_body(request)
    if isinstance(body, dict) and isinstance(body.get("overwrite"), bool):
        overwrite = overwrite or body["overwrite"]
    stored = await call(
        lambda: app.dashboards.import_grafana(
            body, overwrite=overwrite, folder=folder, author=author
        )
    )
    return _saved(stored, 201)


@router.get("/templates", summary="The built-in dashboard templates")
async def templates() -> PromJSONResponse:
    found = await call(template_dashboards)
    return PromJSONResponse(
        [
            {"uid": uid, "title": d.title, "description": d.description, "tags": d.tags}
            for uid, d in found.items()
        ]
    )


@router.post("/templates/{uid}/recreate", summary="Re-create a built-in dashboard")
async def recreate(request: Request, uid: str) -> PromJSONResponse:
    app = _app(request)
    return _saved(await call(lambda: recreate_template(app.dashboards, uid)))


@router.get("/provisioning", summary="Provisioned dashboard files and their errors")
async def provisioning(request: Request) -> PromJSONResponse:
    provisioner = _app(request).provisioner
    return PromJSONResponse([] if provisioner is None else provisioner.status())


# The two personas of DESIGN.md/USERS.md and the built-in dashboard each opens first; its range
# and refresh are the dashboard's own (as stored: people may have tuned them).
HOME_DASHBOARDS = {"business": "business-overview", "operations": "operations"}


@router.get("/home", summary="The home dashboard of a persona")
async def home(request: Request, persona: str | None = None) -> PromJSONResponse:
    app = _app(request)
    chosen = persona or app.settings.dashboards.default_persona
    if chosen not in HOME_DASHBOARDS:
        raise APIError(400, "bad_data", f"persona must be one of {sorted(HOME_DASHBOARDS)}")
    dashboard = await call(lambda: app.dashboards.model(HOME_DASHBOARDS[chosen]))
    return PromJSONResponse(
        {
            "persona": chosen,
            "uid": dashboard.uid,
            "time": {"from": dashboard.time.from_, "to": dashboard.time.to},
            "refresh": dashboard.refresh,
        }
    )


# --------------------------------------------------------------------------------- one dashboard


@router.get("/{uid}", summary="A dashboard and its metadata")
async def get(request: Request, uid: str) -> PromJSONResponse:
    app, user = _app(request), user_of(request)

    def work() -> dict[str, Any]:
        stored = app.dashboards.get(uid)
        starred = any(item.uid == uid for item in app.dashboards.store.starred(user))
        return {
            "dashboard": stored.data,
            "meta": {
                "version": stored.version,
                "folder": stored.folder,
                "created": stored.created_at.isoformat(),
                "createdBy": stored.created_by,
                "updated": stored.updated_at.isoformat(),
                "updatedBy": stored.updated_by,
                "starred": starred,
                "provisionedBy": app.dashboards.provisioned_by(uid),
                "url": f"/d/{uid}",
            },
        }

    return PromJSONResponse(await call(work))


@router.put("/{uid}", summary="Save a new version of a dashboard")
async def update(request: Request, uid: str, overwrite: bool = False) -> PromJSONResponse:
    """The document's `version` is the version it was edited from: saving over a newer one is a
    409 and changes nothing. `overwrite=true` saves whatever is stored."""
    app, author = _app(request), user_of(request)
    document, message = _unwrapped(await json_body(request))
    version = document.get("version") if isinstance(document, dict) else None
    if not overwrite and not isinstance(version, int):
        raise APIError(
            400, "bad_data", "version is required: the version you edited (or ?overwrite=true)"
        )
    expected = None if overwrite else version
    stored = await call(
        lambda: app.dashboards.update(
            uid, document, expected_version=expected, author=author, message=message
        )
    )
    return _saved(stored)


@router.delete("/{uid}", summary="Delete a dashboard with its versions")
async def delete(request: Request, uid: str) -> PromJSONResponse:
    app = _app(request)
    await call(lambda: app.dashboards.delete(uid))
    return PromJSONResponse({"deleted": uid})


@router.get("/{uid}/export", summary="A dashboard as JSON, ours or Grafana's")
async def export(request: Request, uid: str, format: str = "pulseboard") -> Response:
    if format not in ("pulseboard", "grafana"):
        raise APIError(400, "bad_data", 'format must be "pulseboard" or "grafana"')
    app = _app(request)
    document = await call(lambda: app.dashboards.export(uid, grafana=format == "grafana"))
    return Response(
        orjson.dumps(document, option=orjson.OPT_INDENT_2),
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="{uid}.json"'},
    )


@router.post("/{uid}/star", summary="Star a dashboard")
async def star(request: Request, uid: str) -> PromJSONResponse:
    app, user = _app(request), user_of(request)
    await call(lambda: app.dashboards.store.star(user, uid))
    return PromJSONResponse({"uid": uid, "starred": True})


@router.delete("/{uid}/star", summary="Unstar a dashboard")
async def unstar(request: Request, uid: str) -> PromJSONResponse:
    app, user = _app(request), user_of(request)
    await call(lambda: app.dashboards.store.unstar(user, uid))
    return PromJSONResponse({"uid": uid, "starred": False})


# --------------------------------------------------------------------------------- versions


@router.get("/{uid}/versions", summary="Saved versions, newest first")
async def versions(request: Request, uid: str) -> PromJSONResponse:
    app = _app(request)
    found = await call(lambda: app.dashboards.store.versions(uid))
    return PromJSONResponse(
        [
            {
                "version": item.version,
                "created": item.created_at.isoformat(),
                "author": item.author,
                "message": item.message,
            }
            for item in found
        ]
    )


@router.get("/{uid}/versions/{version}", summary="One saved version")
async def version(request: Request, uid: str, version: int) -> PromJSONResponse:
    app = _app(request)
    return PromJSONResponse(await call(lambda: app.dashboards.store.version(uid, version)))


@router.get("/{uid}/diff", summary="What changed between two versions")
async def changes(
    request: Request,
    uid: str,
    base: Annotated[int, Query(alias="from")],
    other: Annotated[int, Query(alias="to")],
) -> PromJSONResponse:
    app = _app(request)
    found = await call(lambda: app.dashboards.changes(uid, base, other))
    return PromJSONResponse([change.as_dict() for change in found])


@router.post("/{uid}/versions/{version}/restore", summary="Restore a version as the newest")
async def restore(request: Request, uid: str, version: int) -> PromJSONResponse:
    app, author = _app(request), user_of(request)
    return _saved(await call(lambda: app.dashboards.restore(uid, version, author=author)))


# --------------------------------------------------------------------------------- panel data


@router.post("/{uid}/data", summary="Every visible panel's data for a range, in one call")
async def panel_data(request: Request, uid: str) -> PromJSONResponse:
    """Body: {"from": "now-6h", "to": "now", "vars": {"job": ["api"]}, "panels": [1, 2],
    "width": 1920, "maxDataPoints": 1000}; every field optional (the dashboard's own range;
    each panel as many points as it is wide in pixels at `width`)."""
    app = _app(request)
    body = await json_body(request, optional=True)
    if not isinstance(body, dict):
        raise APIError(400, "bad_data", "the body is a JSON object")
    dashboard = await call(lambda: app.dashboards.model(uid))
    return await _panel_data_answer(request, dashboard, body)


@router.post("/data", summary="The panels' data of a dashboard document that is not saved")
async def unsaved_panel_data(request: Request) -> PromJSONResponse:
    """Body: {"dashboard": <document>} and the fields of /{uid}/data: the editor's preview of
    changes not saved yet. The document is checked as a save would check it (422)."""
    body = await json_body(request)
    if not isinstance(body, dict) or not isinstance(body.get("dashboard"), dict):
        raise APIError(400, "bad_data", 'the body is {"dashboard": <document>, "from": ...}')
    dashboard = await call(lambda: validated(body["dashboard"]))
    return await _panel_data_answer(request, dashboard, body)


async def _panel_data_answer(
    request: Request, dashboard: Dashboard, body: dict[str, Any]
) -> PromJSONResponse:
    app, scope = _app(request), scope_of(request)
    now_ms = round(time.time() * 1000)
    chosen = _chosen_variables(body.get("vars"))
    panels = _panel_ids(body.get("panels"))
    points = body.get("maxDataPoints")
    if points is not None and (not isinstance(points, int) or not 1 <= points <= 11_000):
        raise APIError(400, "bad_data", "maxDataPoints must be an integer from 1 to 11000")
    width = body.get("width", DEFAULT_WIDTH_PX)
    if not isinstance(width, int) or not 100 <= width <= 20_000:
        raise APIError(400, "bad_data", "width (pixels) must be an integer from 100 to 20000")

    def work() -> PanelDataRequest:
        return prepare(
            dashboard,
            chosen,
            storage=app.storage,
            engine=app.engine,
            scope=scope,
            now_ms=now_ms,
            start=_time_field(body, "from"),
            end=_time_field(body, "to"),
            panel_ids=panels,
            max_data_points=points,
            width_px=width,
        )

    prepared = await call(work)
    missing = sorted(panels - {p.id for p in dashboard.walk_panels()}) if panels else []
    if missing:
        raise APIError(404, "not_found", f"dashboard {dashboard.uid!r} has no panel {missing[0]}")
    results = await evaluate_panels(dashboard, prepared, app.engine, scope)
    return PromJSONResponse(
        {
            "uid": dashboard.uid,
            "version": dashboard.version,
            "from": prepared.start_ms,
            "to": prepared.end_ms,
            "computedAt": round(time.time() * 1000),
            "variables": {
                name: {
                    "options": [{"text": o.text, "value": o.value} for o in resolved.options],
                    "current": list(resolved.current),
                }
                for name, resolved in prepared.variables.items()
            },
            "panels": results,
        }
    )


def _time_field(body: dict[str, Any], name: str) -> str | None:
    value = body.get(name)
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise APIError(400, "bad_data", f"{name}: a time such as now-6h, or epoch milliseconds")


def _chosen_variables(raw: Any) -> dict[str, list[str]]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise APIError(400, "bad_data", 'vars is an object: {"name": ["value", ...]}')
    chosen = {}
    for name, value in raw.items():
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise APIError(400, "bad_data", f"vars.{name}: a string or a list of strings")
        chosen[name] = values
    return chosen


def _panel_ids(raw: Any) -> frozenset[int] | None:
    if raw is None:
        return None
    if not isinstance(raw, list) or not all(isinstance(i, int) for i in raw):
        raise APIError(400, "bad_data", "panels is a list of panel ids")
    return frozenset(raw)

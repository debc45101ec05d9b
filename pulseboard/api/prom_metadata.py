"""Prometheus metadata API: series, label names, label values, metric metadata, build info."""

from __future__ import annotations

import platform

from anyio import to_thread
from fastapi import APIRouter, Request, Response

from pulseboard import __version__
from pulseboard.api.envelope import bad_data, success, truncated
from pulseboard.api.params import limit, params, selectors, time_range
from pulseboard.model.labels import LABEL_NAME_RE
from pulseboard.server import Pulseboard, scope_of

router = APIRouter()


@router.api_route("/api/v1/series", methods=["GET", "POST"])
async def series(request: Request) -> Response:
    app: Pulseboard = request.app.state.pulseboard
    values = await params(request)
    matchers = selectors(values)
    if not matchers:
        raise bad_data("no match[] parameter provided")
    start, end = time_range(values)
    found = await to_thread.run_sync(app.storage.series, matchers, start, end, scope_of(request))
    items, warnings = truncated([dict(labels) for labels in found], limit(values))
    return success(items, warnings)


@router.api_route("/api/v1/labels", methods=["GET", "POST"])
async def labels(request: Request) -> Response:
    app: Pulseboard = request.app.state.pulseboard
    values = await params(request)
    start, end = time_range(values)
    names = await to_thread.run_sync(
        app.storage.label_names, selectors(values), start, end, scope_of(request)
    )
    items, warnings = truncated(names, limit(values))
    return success(items, warnings)


@router.get("/api/v1/label/{name}/values")
async def label_values(name: str, request: Request) -> Response:
    app: Pulseboard = request.app.state.pulseboard
    if not LABEL_NAME_RE.match(name):
        raise bad_data(f'invalid label name: "{name}"')
    values = await params(request)
    start, end = time_range(values)
    found = await to_thread.run_sync(
        app.storage.label_values, name, selectors(values), start, end, scope_of(request)
    )
    items, warnings = truncated(found, limit(values))
    return success(items, warnings)


@router.get("/api/v1/metadata")
async def metadata(request: Request) -> Response:
    app: Pulseboard = request.app.state.pulseboard
    values = await params(request)
    wanted = values.get("metric", [None])[-1]
    most = limit(values)
    entries = {
        name: [{"type": m.type, "help": m.help, "unit": m.unit}]
        for name, m in sorted(app.storage.metadata().items())
        if wanted in (None, "", name)
    }
    if most is not None:
        entries = dict(list(entries.items())[:most])
    return success(entries)


@router.get("/api/v1/status/buildinfo")
async def buildinfo() -> Response:
    return success(
        {
            "version": __version__,
            "revision": "",
            "branch": "",
            "buildUser": "pulseboard",
            "buildDate": "",
            "goVersion": f"python{platform.python_version()}",
            "application": "pulseboard",
        }
    )

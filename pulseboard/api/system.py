"""Health, readiness and Pulseboard's own metrics."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import PlainTextResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from pulseboard.server import Pulseboard

router = APIRouter()


@router.get("/-/healthy", response_class=PlainTextResponse)
async def healthy() -> str:
    return "Pulseboard is Healthy.\n"


@router.get("/-/ready", response_class=PlainTextResponse)
async def ready(request: Request) -> Response:
    app: Pulseboard = request.app.state.pulseboard
    if not app.ready:
        return PlainTextResponse("Service Unavailable\n", status_code=503)
    return PlainTextResponse("Pulseboard is Ready.\n")


@router.get("/metrics")
async def metrics(request: Request) -> Response:
    app: Pulseboard = request.app.state.pulseboard
    return Response(generate_latest(app.telemetry.registry), media_type=CONTENT_TYPE_LATEST)

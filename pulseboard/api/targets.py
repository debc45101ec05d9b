"""Prometheus' /api/v1/targets: the scrape targets and how their last scrape went."""

from __future__ import annotations

import socket
from datetime import datetime
from typing import Any, Literal
from urllib.parse import urlsplit, urlunsplit

from fastapi import APIRouter, Query, Request

from pulseboard.api.envelope import PromJSONResponse, success
from pulseboard.ingest.scrape import TargetState, format_duration
from pulseboard.server import Pulseboard

router = APIRouter()

# Go's zero time, which Prometheus shows for a target not scraped yet.
_NEVER = "0001-01-01T00:00:00Z"
_LOOPBACK = ("localhost", "127.0.0.1", "::1")


@router.get("/api/v1/targets", summary="Scrape targets and their health")
async def targets(
    request: Request,
    state: Literal["active", "dropped", "any"] = Query(default="any"),
    scrape_pool: str | None = Query(default=None, alias="scrapePool"),
) -> PromJSONResponse:
    pulseboard: Pulseboard = request.app.state.pulseboard
    found = pulseboard.scrape_manager.targets()
    pools = sorted({target.job for target in found})
    if scrape_pool is not None:
        found = [target for target in found if target.job == scrape_pool]
    active = [_active(target) for target in found] if state != "dropped" else []
    return success(
        {
            "activeTargets": active,
            # Targets are only ever listed statically, so nothing is dropped by relabelling.
            "droppedTargets": [],
            "droppedTargetCounts": {pool: 0 for pool in pools},
        }
    )


def _active(target: TargetState) -> dict[str, Any]:
    return {
        "discoveredLabels": target.discovered_labels,
        "labels": target.labels,
        "scrapePool": target.job,
        "scrapeUrl": target.url,
        "globalUrl": _global_url(target.url),
        "lastError": target.last_error,
        "lastScrape": _rfc3339(target.last_scrape),
        "lastScrapeDuration": target.last_scrape_duration,
        "health": target.health,
        "scrapeInterval": format_duration(target.scrape_interval),
        "scrapeTimeout": format_duration(target.scrape_timeout),
    }


def _rfc3339(moment: datetime | None) -> str:
    """Go's RFC3339Nano in UTC: fractional seconds without trailing zeros."""
    if moment is None:
        return _NEVER
    fraction = f"{moment.microsecond:06d}".rstrip("0")
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + (f".{fraction}" if fraction else "") + "Z"


def _global_url(url: str) -> str:
    """The scrape URL as another machine would reach it: loopback becomes this host's name."""
    parts = urlsplit(url)
    if parts.hostname not in _LOOPBACK:
        return url
    host = socket.gethostname()
    netloc = f"{host}:{parts.port}" if parts.port is not None else host
    return urlunsplit(parts._replace(netloc=netloc))

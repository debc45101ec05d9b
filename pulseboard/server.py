"""The application object: settings, store, ingestion, background services, and the ASGI app."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Protocol

from anyio import to_thread
from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Send
from starlette.types import Scope as ASGIScope

from pulseboard import __version__
from pulseboard.config import ScrapeConfig, Settings, StaticConfig
from pulseboard.dashboards.live_panels import PanelQueries
from pulseboard.dashboards.provisioning import Provisioner, provision_templates, read_providers
from pulseboard.dashboards.service import DashboardService
from pulseboard.ingest.pipeline import Ingester
from pulseboard.ingest.scrape import ScrapeManager
from pulseboard.live.hub import LiveHub
from pulseboard.meta import AnnotationStore, DashboardStore, database_url, open_database
from pulseboard.promql.api import QueryEngine
from pulseboard.promql.cache import CachedEngine
from pulseboard.promql.engine import Engine
from pulseboard.storage.embedded import EmbeddedStorage
from pulseboard.storage.protocol import UNRESTRICTED, Scope
from pulseboard.telemetry import LiveCollector, Telemetry

log = logging.getLogger(__name__)

SELF_JOB = "pulseboard"


class Service(Protocol):
    """Something that runs beside the API for the server's lifetime (scraper, demo, ...)."""

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


class Pulseboard:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.storage = EmbeddedStorage(
            settings.data_dir, settings.storage, settings.limits.max_series_per_project
        )
        self.telemetry = Telemetry(self.storage)
        self.engine = build_engine(settings, self.storage)
        self.meta = open_database(database_url(settings))
        self.dashboards = DashboardService(DashboardStore(self.meta))
        self.annotations = AnnotationStore(self.meta)
        self.live_hub = LiveHub(
            self.engine, resolver=PanelQueries(self.dashboards, self.storage, self.engine)
        )
        self.telemetry.registry.register(LiveCollector(self.live_hub))
        self.ingester = Ingester(
            self.storage, settings.limits, self.telemetry, on_stored=self.live_hub.note_appended
        )
        self.scrape_manager = ScrapeManager(
            [*settings.scrape_configs, *_self_scrape(settings)],
            self.ingester,
            body_size_limit=settings.limits.max_body_bytes,
        )
        self.provisioner: Provisioner | None = None
        if settings.dashboards.provisioning is not None:
            providers = read_providers(settings.dashboards.provisioning)
            self.provisioner = Provisioner(self.dashboards, providers)
        self.services: list[Service] = [self.scrape_manager, self.live_hub]
        if self.provisioner is not None:
            self.services.append(self.provisioner)
        if settings.demo.enabled:
            from pulseboard.demo.workload import DemoWorkload

            self.services.append(DemoWorkload(self.ingester, self.storage, settings.demo))
        self.ready = False

    async def run_maintenance(self) -> None:
        interval = self.settings.storage.maintenance_interval.total_seconds()
        while True:
            await asyncio.sleep(interval)
            try:
                await to_thread.run_sync(self.storage.maintain)
            except Exception:  # keep the loop alive; the next round retries
                log.exception("storage maintenance failed")

    @contextlib.asynccontextmanager
    async def lifespan(self, _app: FastAPI) -> AsyncIterator[None]:
        maintenance = asyncio.create_task(self.run_maintenance())
        if self.settings.dashboards.templates:
            await to_thread.run_sync(provision_templates, self.dashboards)
        for service in self.services:
            await service.start()
        self.ready = True
        try:
            yield
        finally:
            self.ready = False
            for service in reversed(self.services):
                await service.stop()
            maintenance.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await maintenance
            self.storage.close()
            self.meta.close()


def _self_scrape(settings: Settings) -> list[ScrapeConfig]:
    """A scrape job for the server's own /metrics (the "Pulseboard itself" dashboard)."""
    interval = settings.self_monitoring.scrape_interval
    if not interval or any(job.job_name == SELF_JOB for job in settings.scrape_configs):
        return []
    host = settings.host if settings.host not in ("", "0.0.0.0", "::") else "127.0.0.1"
    target = f"[{host}]:{settings.port}" if ":" in host else f"{host}:{settings.port}"
    return [
        ScrapeConfig(
            job_name=SELF_JOB,
            scrape_interval=interval,
            scrape_timeout=min(interval, timedelta(seconds=10)),
            static_configs=[StaticConfig(targets=[target])],
        )
    ]


def build_engine(settings: Settings, storage: EmbeddedStorage) -> QueryEngine:
    """The one query engine every consumer uses, behind the result cache (unless its TTL is 0)."""
    config = settings.query
    engine = Engine(
        storage,
        lookback_ms=round(config.lookback.total_seconds() * 1000),
        max_samples=config.max_samples,
        default_timeout_s=config.timeout.total_seconds(),
    )
    ttl_s = config.cache_ttl.total_seconds()
    return CachedEngine(engine, ttl_s) if ttl_s > 0 else engine


def scope_of(connection: HTTPConnection) -> Scope:
    """The data a request or WebSocket may touch. Everything, until authentication assigns
    projects."""
    return UNRESTRICTED


def user_of(connection: HTTPConnection) -> str:
    """Who is asking (stars, authors of versions). One anonymous user until authentication."""
    return "anonymous"


def create_app(pulseboard: Pulseboard) -> FastAPI:
    from pulseboard.api import (
        annotations,
        dashboards,
        envelope,
        ingest,
        live,
        prom_metadata,
        query,
        system,
        targets,
        web,
    )

    app = FastAPI(
        title="Pulseboard",
        version=__version__,
        lifespan=pulseboard.lifespan,
        default_response_class=envelope.PromJSONResponse,
    )
    app.state.pulseboard = pulseboard
    app.add_exception_handler(envelope.APIError, envelope.api_error_handler)
    app.add_exception_handler(RequestValidationError, envelope.validation_error_handler)
    app.state.live_hub = pulseboard.live_hub
    for module in (
        ingest,
        prom_metadata,
        query,
        system,
        targets,
        dashboards,
        annotations,
        live,
        web,
    ):
        app.include_router(module.router)

    app.add_middleware(RequestTimer, telemetry=pulseboard.telemetry)
    return app


class RequestTimer:
    """Request latency by route and status, as plain ASGI (Starlette's BaseHTTPMiddleware costs
    a task and a stream per request, which showed in every query's latency)."""

    def __init__(self, app: ASGIApp, telemetry: Telemetry) -> None:
        self._app = app
        self._telemetry = telemetry

    async def __call__(self, scope: ASGIScope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_and_note_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self._app(scope, receive, send_and_note_status)
        finally:
            route = scope.get("route")
            self._telemetry.request_duration.labels(
                scope["method"], getattr(route, "path", "unmatched"), str(status)
            ).observe(time.perf_counter() - started)

"""The application object: settings, store, ingestion, background services, and the ASGI app."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator
from typing import Protocol

from anyio import to_thread
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.types import ASGIApp, Message, Receive, Send
from starlette.types import Scope as ASGIScope

from pulseboard import __version__
from pulseboard.config import Settings
from pulseboard.ingest.pipeline import Ingester
from pulseboard.ingest.scrape import ScrapeManager
from pulseboard.promql.api import QueryEngine
from pulseboard.promql.cache import CachedEngine
from pulseboard.promql.engine import Engine
from pulseboard.storage.embedded import EmbeddedStorage
from pulseboard.storage.protocol import UNRESTRICTED, Scope
from pulseboard.telemetry import Telemetry

log = logging.getLogger(__name__)


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
        self.ingester = Ingester(self.storage, settings.limits, self.telemetry)
        self.scrape_manager = ScrapeManager(
            settings.scrape_configs, self.ingester, body_size_limit=settings.limits.max_body_bytes
        )
        self.engine = build_engine(settings, self.storage)
        self.services: list[Service] = [self.scrape_manager]
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


def scope_of(request: Request) -> Scope:
    """The data a request may touch. Everything, until authentication assigns projects."""
    return UNRESTRICTED


def create_app(pulseboard: Pulseboard) -> FastAPI:
    from pulseboard.api import envelope, ingest, prom_metadata, query, system, targets

    app = FastAPI(
        title="Pulseboard",
        version=__version__,
        lifespan=pulseboard.lifespan,
        default_response_class=envelope.PromJSONResponse,
    )
    app.state.pulseboard = pulseboard
    app.add_exception_handler(envelope.APIError, envelope.api_error_handler)
    app.add_exception_handler(RequestValidationError, envelope.validation_error_handler)
    for module in (ingest, prom_metadata, query, system, targets):
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

"""Live-update fixtures: a real engine over a real store, samples written as time passes, and
the live router served by uvicorn on loopback."""

from __future__ import annotations

import asyncio
import threading
import time
import weakref
from collections import deque
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest
import uvicorn
from fastapi import FastAPI
from websockets.asyncio.client import ClientConnection

from pulseboard.api import live
from pulseboard.config import StorageConfig
from pulseboard.live.hub import LiveHub
from pulseboard.model.samples import BatchBuilder
from pulseboard.promql.api import QueryResult, SharedSubexpressions
from pulseboard.promql.engine import Engine
from pulseboard.storage.embedded import EmbeddedStorage
from pulseboard.storage.protocol import UNRESTRICTED, Scope
from tests.conftest import free_port

SECOND = 1_000
# One counter per instance, growing by 10 (a) and 20 (b) per second.
COUNTER = "live_requests_total"
INSTANCES = {"a": 10.0, "b": 20.0}


@dataclass
class CountingEngine:
    """The real engine, recording every range query it is asked: (query, start, end, step)."""

    engine: Engine
    ranges: list[tuple[str, int, int, int]] = field(default_factory=list)

    def instant(
        self, query: str, time_ms: int, scope: Scope = UNRESTRICTED, timeout_s: float | None = None
    ) -> QueryResult:
        return self.engine.instant(query, time_ms, scope, timeout_s)

    def range(
        self,
        query: str,
        start_ms: int,
        end_ms: int,
        step_ms: int,
        scope: Scope = UNRESTRICTED,
        timeout_s: float | None = None,
        shared: SharedSubexpressions | None = None,
    ) -> QueryResult:
        self.ranges.append((query, start_ms, end_ms, step_ms))
        return self.engine.range(query, start_ms, end_ms, step_ms, scope, timeout_s, shared)


def add_counters(builder: BatchBuilder, second_ms: int) -> None:
    for instance, per_second in INSTANCES.items():
        labels = (("__name__", COUNTER), ("instance", instance), ("job", "api"))
        builder.add(labels, second_ms, per_second * second_ms / SECOND)


class Writer:
    """Writes the counters once a second, stamped on the second, as a scraper aligned to its
    interval would, and tells the hub what it stored."""

    def __init__(self, storage: EmbeddedStorage, hub: LiveHub, history_s: int = 120) -> None:
        self._storage = storage
        self._hub = hub
        self._stop = threading.Event()
        now_ms = time.time_ns() // 1_000_000
        self.last_written_ms = now_ms - now_ms % SECOND
        history = BatchBuilder()
        for second in range(history_s, -1, -1):
            add_counters(history, self.last_written_ms - second * SECOND)
        storage.append(history.build())
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)

    def _run(self) -> None:
        while not self._stop.is_set():
            next_ms = self.last_written_ms + SECOND
            delay_s = (next_ms - time.time_ns() // 1_000_000) / 1000
            if self._stop.wait(max(delay_s, 0)):
                return
            batch = BatchBuilder()
            add_counters(batch, next_ms)
            self._storage.append(batch.build())
            self.last_written_ms = next_ms
            self._hub.note_appended(next_ms)


@pytest.fixture
def storage(tmp_path: Path) -> Iterator[EmbeddedStorage]:
    store = EmbeddedStorage(tmp_path, StorageConfig(retention={"raw": timedelta(days=3650)}))
    yield store
    store.close()


@pytest.fixture
def engine(storage: EmbeddedStorage) -> CountingEngine:
    return CountingEngine(Engine(storage))


def live_app(hub: LiveHub) -> FastAPI:
    """What the server does for live updates: the hub runs with the app, the router serves it."""

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await hub.start()
        yield
        await hub.stop()

    app = FastAPI(lifespan=lifespan)
    app.state.live_hub = hub
    app.include_router(live.router)
    return app


@contextmanager
def serve(app: FastAPI) -> Iterator[str]:
    """The app on a loopback port, served by uvicorn in a thread; yields host:port."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.01)
    try:
        yield f"127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


@dataclass
class LiveServer:
    address: str
    hub: LiveHub
    engine: CountingEngine
    writer: Writer

    @property
    def ws_url(self) -> str:
        return f"ws://{self.address}/api/live"


@contextmanager
def running_live_server(
    storage: EmbeddedStorage, engine: CountingEngine, hub: LiveHub
) -> Iterator[LiveServer]:
    writer = Writer(storage, hub)
    with serve(live_app(hub)) as address:
        writer.start()
        try:
            yield LiveServer(address, hub, engine, writer)
        finally:
            writer.stop()


@pytest.fixture
def live_server(storage: EmbeddedStorage, engine: CountingEngine) -> Iterator[LiveServer]:
    with running_live_server(storage, engine, LiveHub(engine)) as server:
        yield server


_PENDING: weakref.WeakKeyDictionary[ClientConnection, deque[dict[str, Any]]] = (
    weakref.WeakKeyDictionary()
)


async def receive(ws: ClientConnection, timeout_s: float = 10) -> dict[str, Any]:
    """The next message from the server: a frame holds one message or an array of them."""
    pending = _PENDING.setdefault(ws, deque())
    while not pending:
        frame = orjson.loads(await asyncio.wait_for(ws.recv(), timeout_s))
        pending.extend(frame if isinstance(frame, list) else [frame])
    return pending.popleft()

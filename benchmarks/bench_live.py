"""Live updates: ingest-to-push latency for many WebSocket subscribers, measured end to end.

    python benchmarks/bench_live.py [--clients 1000] [--seconds 20] [--url http://host:port]

A writer posts one sample per series every second, stamped on the second, through
`POST /api/v1/import/prometheus` (as a scraper aligned to its interval would), and notes when
each write was acknowledged. `--clients` WebSocket clients (asyncio + websockets, in this
process) each subscribe to the same handful of queries at a 1 s interval. Every query's value
at step T tells whether the sample stamped T was in it (the values are T in seconds plus a
known offset), so a client "received" a write when a message holds the right value at T.
Printed: ingest-to-push latency (acknowledgement -> receipt) p50/p99 over every client and
query, updates missed per client (expected 0), and the server process's CPU.
Goal (issue #4): p50 < 100 ms, p99 < 500 ms, nothing missed.

Without --url the benchmark starts its own server process: the Pulseboard app with the live
router and hub wired in (`--serve`), until `pulseboard serve` wires them itself. With --url,
give --server-pid to have the server's CPU reported.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import httpx
import orjson
import psutil
from websockets.asyncio.client import ClientConnection, connect

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pulseboard.config import LimitsConfig, Settings
from pulseboard.ingest.pipeline import Ingester
from pulseboard.live.hub import LiveHub
from pulseboard.model.samples import SampleBatch
from pulseboard.storage.protocol import AppendResult, Scope, Storage
from pulseboard.telemetry import Telemetry
from tests.conftest import free_port
from tests.processes import wait_until_ready

SERIES = 10
# query -> its value at step T (seconds) when the samples stamped T are in; gauge i is T + i.
QUERIES: dict[str, Callable[[int], float]] = {
    "min(bench_gauge)": lambda t: float(t),
    "max(bench_gauge)": lambda t: float(t + SERIES - 1),
    "sum(bench_gauge)": lambda t: float(SERIES * t + SERIES * (SERIES - 1) // 2),
    "max(timestamp(bench_gauge))": lambda t: float(t),
}


# -- the server process (until `pulseboard serve` wires the live hub itself) ----------------


class NotifyingIngester(Ingester):
    """The ingester, telling the live hub what it stored: the hook the server is to get."""

    def __init__(
        self, storage: Storage, limits: LimitsConfig, telemetry: Telemetry, hub: LiveHub
    ) -> None:
        super().__init__(storage, limits, telemetry)
        self._hub = hub

    def store(self, batch: SampleBatch, source: str, scope: Scope) -> AppendResult:
        result = super().store(batch, source, scope)
        if result.accepted:
            self._hub.note_appended(int(batch.timestamps.max()))
        return result


def serve(port: int, data_dir: Path) -> None:
    import uvicorn

    from pulseboard.api import live
    from pulseboard.server import Pulseboard, create_app

    pulseboard = Pulseboard(Settings(data_dir=data_dir))
    hub = LiveHub(pulseboard.engine)
    pulseboard.ingester = NotifyingIngester(
        pulseboard.storage, pulseboard.settings.limits, pulseboard.telemetry, hub
    )
    pulseboard.services.append(hub)
    app = create_app(pulseboard)
    app.state.live_hub = hub
    app.include_router(live.router)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


def start_own_server(data_dir: Path) -> tuple[str, subprocess.Popen[bytes]]:
    port = free_port()
    log_path = data_dir.parent / "server.log"
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            [sys.executable, __file__, "--serve", str(port), "--data-dir", str(data_dir)],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    wait_until_ready(process, f"{url}/-/ready", "server", log_path.read_text)
    return url, process


# -- the client side ----------------------------------------------------------------------


class Writer(threading.Thread):
    """One sample per series each second, stamped on the second; ack[T] = when it was stored."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self._url = f"{url}/api/v1/import/prometheus"
        self.acknowledged: dict[int, float] = {}
        self.stopping = threading.Event()

    def run(self) -> None:
        with httpx.Client(timeout=10) as client:
            while not self.stopping.is_set():
                second = int(time.time()) + 1
                self.stopping.wait(max(second - time.time(), 0))
                body = "".join(
                    f'bench_gauge{{i="{i}"}} {second + i} {second * 1000}\n' for i in range(SERIES)
                )
                response = client.post(self._url, content=body)
                response.raise_for_status()
                self.acknowledged[second] = time.time()


class Subscriber:
    """One WebSocket client: when each (query, step) arrived holding the step's own sample."""

    def __init__(self) -> None:
        self.received: dict[tuple[str, int], float] = {}

    async def run(self, url: str, ready: asyncio.Event, stop: asyncio.Event) -> None:
        async with connect(url, max_size=None, open_timeout=60) as ws:
            for query in QUERIES:
                message = {"type": "subscribe", "id": query, "query": query}
                await ws.send(orjson.dumps({**message, "interval": "1s", "range": "10s"}).decode())
            ready.set()
            reader = asyncio.create_task(self._read(ws))
            await stop.wait()
            reader.cancel()

    async def _read(self, ws: ClientConnection) -> None:
        async for frame in ws:
            arrived = time.time()
            message = orjson.loads(frame)
            if message["type"] != "data":
                print("unexpected:", message, file=sys.stderr)
                continue
            expected = QUERIES[message["id"]]
            for series in message["series"]:
                for stamp, value in zip(series["timestamps"], series["values"], strict=True):
                    if value == expected(stamp // 1000):
                        self.received.setdefault((message["id"], stamp // 1000), arrived)


async def run_clients(url: str, clients: int, seconds: float) -> tuple[list[Subscriber], range]:
    """Connect and subscribe every client, then listen; returns them and the measured steps."""
    ws_url = url.replace("http", "ws", 1) + "/api/live"
    subscribers = [Subscriber() for _ in range(clients)]
    stop = asyncio.Event()
    tasks = []
    for index, subscriber in enumerate(subscribers):
        ready = asyncio.Event()
        tasks.append(asyncio.create_task(subscriber.run(ws_url, ready, stop)))
        if index % 50 == 49:
            await ready.wait()  # connect in waves, not 1,000 handshakes at once
    await asyncio.sleep(2)
    first_step = int(time.time()) + 1
    await asyncio.sleep(seconds)
    last_step = int(time.time()) - 1
    await asyncio.sleep(1.5)  # the last measured step's pushes arrive
    stop.set()
    await asyncio.gather(*tasks)
    return subscribers, range(first_step, last_step + 1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--url", help="a running server with the live API (default: start one)")
    parser.add_argument("--server-pid", type=int)
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.data_dir)
        return
    with tempfile.TemporaryDirectory() as directory:
        process = None
        if args.url:
            url, pid = args.url, args.server_pid
        else:
            url, process = start_own_server(Path(directory) / "data")
            pid = process.pid
        try:
            measure(url, pid, args.clients, args.seconds)
        finally:
            if process is not None:
                process.terminate()
                process.wait(10)


def measure(url: str, pid: int | None, clients: int, seconds: float) -> None:
    writer = Writer(url)
    writer.start()
    server = psutil.Process(pid) if pid else None
    cpu_before = server.cpu_times() if server else None
    began = time.monotonic()
    subscribers, measured = asyncio.run(run_clients(url, clients, seconds))
    wall = time.monotonic() - began
    writer.stopping.set()
    writer.join(5)

    steps = [t for t in measured if t in writer.acknowledged]
    latencies: list[float] = []
    missed: dict[int, int] = defaultdict(int)
    for index, subscriber in enumerate(subscribers):
        for query in QUERIES:
            for step in steps:
                arrived = subscriber.received.get((query, step))
                if arrived is None:
                    missed[index] += 1
                else:
                    latencies.append((arrived - writer.acknowledged[step]) * 1000)
    latencies.sort()
    expected = len(subscribers) * len(QUERIES) * len(steps)
    print(
        f"{len(subscribers)} WebSocket clients x {len(QUERIES)} queries at 1 s, "
        f"{len(steps)} measured writes of {SERIES} series"
    )
    if latencies:
        p50 = statistics.median(latencies)
        p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
        print(
            f"ingest-to-push latency: p50 {p50:.1f} ms, p99 {p99:.1f} ms, max "
            f"{latencies[-1]:.1f} ms over {len(latencies)} of {expected} expected receipts "
            f"(goal: p50 < 100 ms, p99 < 500 ms)"
        )
    print(
        f"updates missed: {sum(missed.values())} in total, by {len(missed)} clients "
        f"(most by one client: {max(missed.values(), default=0)}; expected 0)"
    )
    if server is not None and cpu_before is not None:
        cpu = server.cpu_times()
        used = (cpu.user - cpu_before.user) + (cpu.system - cpu_before.system)
        print(f"server CPU: {used / wall:.0%} of one core on average over {wall:.0f} s")


if __name__ == "__main__":
    main()

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

Every client also follows each panel of the built-in Operations dashboard (the live load a
browser showing it makes), so the server evaluates those every second while the probes are
measured. Without --url the benchmark starts `pulseboard serve` with the demo workload (an hour
of history); with --url, give --server-pid to have the server's CPU reported.
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
from typing import Any

import httpx
import orjson
import psutil
from websockets.asyncio.client import ClientConnection, connect

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.conftest import free_port, start_server

SERIES = 10
OPERATIONS = "operations"
# query -> its value at step T (seconds) when the samples stamped T are in; gauge i is T + i.
QUERIES: dict[str, Callable[[int], float]] = {
    "min(bench_gauge)": lambda t: float(t),
    "max(bench_gauge)": lambda t: float(t + SERIES - 1),
    "sum(bench_gauge)": lambda t: float(SERIES * t + SERIES * (SERIES - 1) // 2),
    "max(timestamp(bench_gauge))": lambda t: float(t),
}


# -- the server process ------------------------------------------------------------------


def start_own_server(root: Path) -> tuple[str, subprocess.Popen[bytes]]:
    """`pulseboard serve` with the demo workload (an hour of history), so that the Operations
    dashboard's panels have data to evaluate while the probe queries are measured."""
    config = root / "pulseboard.yml"
    config.write_text("demo:\n  enabled: true\n  backfill: 1h\n")
    server = start_server(root / "data", free_port(), config=config)
    with httpx.Client(base_url=server.url, timeout=30) as client:
        deadline = time.monotonic() + 120
        while not client.get("/api/v1/query", params={"query": "sessions_active"}).json()["data"][
            "result"
        ]:
            if time.monotonic() > deadline:
                raise RuntimeError("the demo workload wrote nothing in 2 minutes")
            time.sleep(0.5)
    return server.url, server.process


def operations_panels(url: str) -> list[int]:
    dashboard = httpx.get(f"{url}/api/dashboards/{OPERATIONS}").json()["dashboard"]
    return [p["id"] for p in dashboard["panels"] if p["type"] != "row" and p.get("targets")]


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

    def __init__(self, panels: list[int]) -> None:
        self.received: dict[tuple[str, int], float] = {}
        self.panels = panels
        self.panel_messages = 0
        self.frames = 0
        self.following: set[str] = set()  # subscriptions whose first data has arrived
        self.all_following = asyncio.Event()

    async def run(self, url: str, ready: asyncio.Event, stop: asyncio.Event) -> None:
        async with connect(url, max_size=None, open_timeout=60) as ws:
            for query in QUERIES:
                message = {"type": "subscribe", "id": query, "query": query}
                await ws.send(orjson.dumps({**message, "interval": "1s", "range": "10s"}).decode())
            for panel in self.panels:
                message = {"type": "subscribe", "id": f"panel-{panel}", "dashboard": OPERATIONS}
                message |= {"panel": panel, "interval": "1s", "range": "5m"}
                await ws.send(orjson.dumps(message).decode())
            reader = asyncio.create_task(self._read(ws))
            await self.all_following.wait()
            ready.set()
            await stop.wait()
            reader.cancel()

    async def _read(self, ws: ClientConnection) -> None:
        async for frame in ws:
            arrived = time.time()
            decoded = orjson.loads(frame)
            self.frames += 1
            # A frame holds one message, or an array of those sent together.
            for message in decoded if isinstance(decoded, list) else [decoded]:
                self._note(message, arrived)

    def _note(self, message: dict[str, Any], arrived: float) -> None:
        if message["type"] != "data":
            print("unexpected:", message, file=sys.stderr)
            return
        self.following.add(message["id"])
        if len(self.following) == len(QUERIES) + len(self.panels):
            self.all_following.set()
        if message["id"].startswith("panel-"):
            self.panel_messages += 1
            return
        expected = QUERIES[message["id"]]
        for series in message["series"]:
            for stamp, value in zip(series["timestamps"], series["values"], strict=True):
                if value == expected(stamp // 1000):
                    self.received.setdefault((message["id"], stamp // 1000), arrived)


async def run_clients(
    url: str, clients: int, seconds: float, panels: list[int]
) -> tuple[list[Subscriber], range]:
    """Connect and subscribe every client, then, once every subscription of every client has
    delivered its first data (steady state), listen; returns them and the measured steps."""
    ws_url = url.replace("http", "ws", 1) + "/api/live"
    subscribers = [Subscriber(panels) for _ in range(clients)]
    stop = asyncio.Event()
    tasks = []
    readies = []
    for index, subscriber in enumerate(subscribers):
        ready = asyncio.Event()
        tasks.append(asyncio.create_task(subscriber.run(ws_url, ready, stop)))
        readies.append(ready)
        if index % 50 == 49:
            await ready.wait()  # connect in waves, not 1,000 handshakes at once
    began = time.monotonic()
    for ready in readies:
        await ready.wait()
    print(f"every client following all its subscriptions {time.monotonic() - began:.1f} s "
          "after the last connected")  # fmt: skip
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
    parser.add_argument(
        "--panels",
        type=int,
        default=-1,
        help="Operations dashboard panels each client also follows (default: all of them)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        process = None
        if args.url:
            url, pid = args.url, args.server_pid
        else:
            url, process = start_own_server(Path(directory))
            pid = process.pid
        try:
            panels = operations_panels(url)
            panels = panels if args.panels < 0 else panels[: args.panels]
            measure(url, pid, args.clients, args.seconds, panels)
        finally:
            if process is not None:
                process.terminate()
                process.wait(10)


def measure(url: str, pid: int | None, clients: int, seconds: float, panels: list[int]) -> None:
    writer = Writer(url)
    writer.start()
    server = psutil.Process(pid) if pid else None
    cpu_before = server.cpu_times() if server else None
    own_before = psutil.Process().cpu_times()
    began = time.monotonic()
    subscribers, measured = asyncio.run(run_clients(url, clients, seconds, panels))
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
        f"{len(subscribers)} WebSocket clients, each following the {OPERATIONS} dashboard's "
        f"{len(panels)} panels and {len(QUERIES)} probe queries at 1 s; "
        f"{len(steps)} measured writes of {SERIES} series"
    )
    panel_messages = sum(s.panel_messages for s in subscribers)
    frames = sum(s.frames for s in subscribers)
    print(
        f"received over all clients: {panel_messages / wall:,.0f} panel messages/s in "
        f"{frames / wall:,.0f} frames/s"
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
    own = psutil.Process().cpu_times()
    own_used = (own.user - own_before.user) + (own.system - own_before.system)
    # On one machine the clients compete with the server: a saturated load generator delays
    # receipts by itself.
    print(f"load generator (this process) CPU: {own_used / wall:.0%} of one core on average")
    if server is not None and cpu_before is not None:
        cpu = server.cpu_times()
        used = (cpu.user - cpu_before.user) + (cpu.system - cpu_before.system)
        print(f"server CPU: {used / wall:.0%} of one core on average over {wall:.0f} s")


if __name__ == "__main__":
    main()

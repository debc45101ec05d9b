"""Live updates of stored dashboards' panels through a real `pulseboard serve` (hub, resolver,
metadata store, ingestion's push signal)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from websockets.asyncio.client import ClientConnection, connect

from tests.conftest import ServerProcess, free_port, start_server, stop_server
from tests.live.conftest import receive


def _ops_dashboard() -> dict[str, object]:
    return {
        "uid": "ops",
        "title": "Ops",
        "variables": [
            {"type": "custom", "name": "queue", "query": "email,billing", "current": ["email"]}
        ],
        "panels": [
            {
                "id": 1,
                "type": "timeseries",
                "gridPos": {"x": 0, "y": 0, "w": 24, "h": 8},
                "targets": [
                    {"refId": "A", "expr": 'queue_depth{queue="$queue"}'},
                    {"refId": "B", "expr": "count(queue_depth)"},
                ],
            }
        ],
    }


def _write(server: ServerProcess, now_ms: int, minutes: int) -> None:
    lines = [f'queue_depth{{queue="{q}"}} {v} {now_ms - m * 15_000}'
             for m in range(minutes) for q, v in (("email", 3), ("billing", 8))]  # fmt: skip
    answer = httpx.post(f"{server.url}/api/v1/import/prometheus", content="\n".join(lines) + "\n")
    assert answer.status_code == 204, answer.text


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerProcess]:
    running = start_server(tmp_path / "data", free_port())
    try:
        _write(running, int(time.time() * 1000), 40)
        created = httpx.post(f"{running.url}/api/dashboards", json=_ops_dashboard())
        assert created.status_code == 201, created.text
        yield running
    finally:
        stop_server(running)


async def _next(ws: ClientConnection, kind: str) -> dict[str, Any]:
    while True:
        message = await receive(ws)
        if message["type"] == kind:
            return message


async def test_a_panel_subscription_follows_the_panels_interpolated_targets(
    server: ServerProcess,
) -> None:
    subscribed_ms = int(time.time() * 1000)
    async with connect(server.url.replace("http", "ws") + "/api/live") as ws:
        await ws.send(
            orjson.dumps(
                {"type": "subscribe", "id": "p1", "dashboard": "ops", "panel": 1,
                 "vars": {"queue": ["billing"]}, "interval": "1s", "range": "5m", "step": "1s"}
            ).decode()
        )  # fmt: skip
        first = {}
        while len(first) < 2:
            message = await _next(ws, "data")
            first[message["ref"]] = message
        [series] = first["A"]["series"]
        assert series["labels"]["queue"] == "billing"
        assert set(series["values"]) == {8}
        assert set(first["B"]["series"][0]["values"]) == {2}
        assert all(m["reset"] and m["computed_at"] >= subscribed_ms for m in first.values())

        # The server's own metrics count the connection and the two shared evaluations.
        metrics = httpx.get(f"{server.url}/metrics").text
        assert "\npulseboard_live_clients 1.0\n" in metrics
        assert "\npulseboard_live_shared_evaluations 2.0\n" in metrics

        # A sample written now is pushed to the panel without asking again.
        _write(server, int(time.time() * 1000) // 1000 * 1000 + 1000, 1)
        update = await _next(ws, "data")
        assert not update["reset"] and update["end"] > first[update["ref"]]["end"]

        # Without a step, a panel is followed at its own step (6 h over 1,920 px: 15 s).
        await ws.send(
            orjson.dumps(
                {"type": "subscribe", "id": "p3", "dashboard": "ops", "panel": 1,
                 "interval": "1s", "range": "5m"}
            ).decode()
        )  # fmt: skip
        own_step = await _next(ws, "data")
        while own_step["id"] != "p3":
            own_step = await _next(ws, "data")
        assert own_step["step"] == 15_000 and own_step["reset"]

        await ws.send(
            orjson.dumps(
                {"type": "subscribe", "id": "p2", "dashboard": "ops", "panel": 9,
                 "interval": "5s", "range": "5m"}
            ).decode()
        )  # fmt: skip
        error = await _next(ws, "error")
        assert error["id"] == "p2" and "no panel 9" in error["message"]

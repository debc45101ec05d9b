"""Server-Sent Events: the same pushes as the WebSocket, resumed with Last-Event-ID."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import orjson
import pytest

from pulseboard.live.hub import LiveHub, LiveLimits
from pulseboard.storage.embedded import EmbeddedStorage
from tests.live.conftest import SECOND, CountingEngine, LiveServer, running_live_server
from tests.live.test_fanout import RATE, direct, points


async def events(response: httpx.Response) -> AsyncIterator[dict[str, str]]:
    """Each event's fields; comment lines come back as {"comment": ...}."""
    event: dict[str, str] = {}
    async for line in response.aiter_lines():
        if line == "":
            if event:
                yield event
            event = {}
        elif line.startswith(":"):
            yield {"comment": line[1:].strip()}
        else:
            name, _, value = line.partition(": ")
            event[name] = value


async def read_data(
    client: httpx.AsyncClient, url: str, count: int, headers: dict[str, str] | None = None
) -> tuple[list[dict[str, Any]], str]:
    """The first `count` data events of a stream, and the id of the last one."""
    received: list[dict[str, Any]] = []
    last_id = ""
    async with client.stream("GET", url, headers=headers) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        async for event in events(response):
            if event.get("event") == "data":
                received.append(orjson.loads(event["data"]))
                last_id = event["id"]
                if len(received) == count:
                    break
    return received, last_id


@pytest.fixture
def sse_url(live_server: LiveServer) -> str:
    return f"http://{live_server.address}/api/live/sse"


async def test_sse_pushes_and_resumes_from_the_last_event_id(
    live_server: LiveServer, sse_url: str
) -> None:
    url = f"{sse_url}?{httpx.QueryParams({'interval': '1s', 'range': '20s', 'query': RATE})}"
    async with httpx.AsyncClient(timeout=10) as client:
        before, last_id = await read_data(client, url, 2)
        after, _ = await read_data(client, url, 2, {"Last-Event-ID": last_id})

    assert before[0]["reset"] and before[0]["id"] == "q0"
    assert last_id == f"q0=A%3D{before[-1]['end']}"
    resumed = after[0]
    assert not resumed["reset"] and resumed["start"] == before[-1]["end"] + SECOND
    assert points(before + after) == direct(live_server, RATE, before[0]["start"], after[-1]["end"])


async def test_sse_takes_several_subscriptions(live_server: LiveServer, sse_url: str) -> None:
    several = orjson.dumps(
        [
            {"id": "rate", "query": RATE, "interval": "1s", "range": "5s"},
            {"id": "count", "query": "count(live_requests_total)", "interval": "1s"},
        ]
    ).decode()
    async with httpx.AsyncClient(timeout=10) as client:
        url = f"{sse_url}?{httpx.QueryParams({'subscribe': several})}"
        received, last_id = await read_data(client, url, 4)
    assert {message["id"] for message in received} == {"rate", "count"}
    assert "rate=" in last_id and "count=" in last_id


@pytest.mark.parametrize(
    ("params", "headers", "status", "message"),
    [
        ({}, {}, 400, "give at least one query"),
        ({"query": "sum("}, {}, 400, "q0: 1:4: parse error"),
        ({"query": "up", "interval": "3s"}, {}, 400, "interval: Value error"),
        ({"subscribe": "{nope"}, {}, 400, "subscribe: not valid JSON"),
        ({"query": "up"}, {"Last-Event-ID": "garbage"}, 400, "is not ours"),
    ],
)
async def test_sse_refuses_bad_requests_before_streaming(
    live_server: LiveServer,
    sse_url: str,
    params: dict[str, str],
    headers: dict[str, str],
    status: int,
    message: str,
) -> None:
    async with httpx.AsyncClient(timeout=10) as client:
        response = await client.get(sse_url, params=params, headers=headers)
    assert response.status_code == status
    body = response.json()
    assert body["status"] == "error" and message in body["error"], body
    assert live_server.hub.connected_clients == 0


async def test_sse_sends_heartbeats_between_pushes(
    storage: EmbeddedStorage, engine: CountingEngine
) -> None:
    hub = LiveHub(engine, limits=LiveLimits(sse_heartbeat_s=0.2))
    with running_live_server(storage, engine, hub) as server:
        url = f"http://{server.address}/api/live/sse?interval=1m&query=up"
        async with (
            httpx.AsyncClient(timeout=10) as client,
            client.stream("GET", url) as response,
        ):
            seen = [event async for event in _first(events(response), 3)]
    assert seen[0]["event"] == "data"
    assert seen[1:] == [{"comment": "heartbeat"}] * 2


async def _first(
    stream: AsyncIterator[dict[str, str]], count: int
) -> AsyncIterator[dict[str, str]]:
    async for item in stream:
        yield item
        count -= 1
        if count == 0:
            return

"""What a WebSocket client gets for garbage, bad subscriptions and unknown panels."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from pulseboard.live.hub import LiveHub, LiveLimits
from pulseboard.live.protocol import LiveQuery, UnknownPanelError
from pulseboard.storage.embedded import EmbeddedStorage
from pulseboard.storage.protocol import Scope
from tests.live.conftest import (
    COUNTER,
    CountingEngine,
    LiveServer,
    receive,
    running_live_server,
)
from tests.live.test_fanout import RATE, eventually, next_message, subscribe


async def resolve_panel(
    dashboard: str, panel: int, variables: dict[str, list[str]], scope: Scope
) -> list[LiveQuery]:
    """A dashboard "ops" whose panel 1 has two targets, the job coming from a variable."""
    if (dashboard, panel) != ("ops", 1):
        raise UnknownPanelError(f"dashboard {dashboard!r} has no panel {panel}")
    job = "|".join(variables.get("job", ["api"]))
    return [
        LiveQuery("A", f'sum(rate({COUNTER}{{job=~"{job}"}}[10s]))'),
        LiveQuery("B", f'count({COUNTER}{{job=~"{job}"}})'),
    ]


@pytest.fixture
def server(storage: EmbeddedStorage, engine: CountingEngine) -> Iterator[LiveServer]:
    hub = LiveHub(engine, resolver=resolve_panel, limits=LiveLimits(max_subscriptions_per_client=3))
    with running_live_server(storage, engine, hub) as running:
        yield running


async def reply(ws: ClientConnection, message: dict[str, Any]) -> dict[str, Any]:
    await ws.send(orjson.dumps(message).decode())
    return await receive(ws)


async def closed_with(server: LiveServer, frame: str | bytes) -> tuple[int, str]:
    async with connect(server.ws_url) as ws:
        await ws.send(frame)
        with pytest.raises(ConnectionClosed) as closed:
            await ws.recv()
    assert closed.value.rcvd is not None
    return closed.value.rcvd.code, closed.value.rcvd.reason


async def test_binary_frames_and_unparseable_json_close_with_a_reason(server: LiveServer) -> None:
    assert await closed_with(server, b'{"type": "ping"}') == (
        1003,
        "binary frames are not supported; send JSON text",
    )
    code, reason = await closed_with(server, '{"type": "subscribe", ')
    assert code == 1007 and reason.startswith("message is not valid JSON")
    code, reason = await closed_with(server, "x" * 70_000)
    assert code == 1009 and "65536" in reason
    assert await eventually(lambda: server.hub.connected_clients == 0)


def query(**fields: Any) -> dict[str, Any]:
    return {"type": "subscribe", "id": "x", "query": "up", "interval": "1s", **fields}


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ({"type": "hello", "id": "x"}, "unknown message type 'hello'"),
        ([1, 2], "a message must be a JSON object"),
        (query(interval="2s"), "interval: Value error, must be one of 1s"),
        (query(range="fast"), "range: Value error, invalid duration"),
        (query(step="100ms"), "step: must be at least 1s"),
        (query(range="30d"), "more than 11000; use a larger step"),
        (query(colour="red"), "colour: Extra inputs are not permitted"),
        (query(query="sum("), "parse error"),
        (
            {"type": "subscribe", "id": "x", "dashboard": "ops", "panel": 9, "interval": "5s"},
            "dashboard 'ops' has no panel 9",
        ),
        ({"type": "unsubscribe", "id": "never"}, "no such subscription"),
    ],
)
async def test_a_bad_message_gets_an_error_and_the_connection_stays(
    server: LiveServer, message: Any, expected: str
) -> None:
    async with connect(server.ws_url) as ws:
        error = await reply(ws, message)
        assert error["type"] == "error" and expected in error["message"], error
        if isinstance(message, dict) and message["type"] != "hello":
            assert error["id"] == message["id"]
        assert await reply(ws, {"type": "ping"}) == {"type": "pong"}
    assert await eventually(lambda: server.hub.shared_evaluations == 0)


async def test_subscription_limits_and_ids(server: LiveServer) -> None:
    async with connect(server.ws_url) as ws:
        for index in range(3):
            await ws.send(subscribe(f"s{index}", RATE))
            # On a busy machine a tick of an earlier subscription may come first.
            while (message := await next_message(ws))["id"] != f"s{index}":
                assert message["id"] in {f"s{earlier}" for earlier in range(index)}, message
            assert message["reset"], message
        await ws.send(subscribe("s3", RATE))
        error = await next_message(ws, "error")
        assert error["id"] == "s3" and "too many subscriptions" in error["message"]
        await ws.send(subscribe("s0", RATE))
        error = await next_message(ws, "error")
        assert error["id"] == "s0" and "already in use" in error["message"]
        await ws.send(orjson.dumps({"type": "unsubscribe", "id": "s1"}).decode())
        assert (await next_message(ws, "unsubscribed"))["id"] == "s1"


async def test_a_panel_subscription_follows_each_target(server: LiveServer) -> None:
    message = {"type": "subscribe", "id": "p", "dashboard": "ops", "panel": 1, "interval": "1s"}
    async with connect(server.ws_url) as ws:
        await ws.send(orjson.dumps({**message, "vars": {"job": "api"}, "range": "10s"}).decode())
        firsts = {(m := await next_message(ws))["ref"]: m for _ in range(2)}
        assert set(firsts) == {"A", "B"} and all(m["reset"] for m in firsts.values())
        counted = firsts["B"]["series"][0]["values"]
        assert counted and set(counted) == {2.0}  # two instances of job api
        later = await next_message(ws)
        assert later["id"] == "p" and not later["reset"]


async def test_clients_are_told_when_the_server_stops(
    storage: EmbeddedStorage, engine: CountingEngine
) -> None:
    hub = LiveHub(engine)
    with running_live_server(storage, engine, hub) as server:
        ws = await connect(server.ws_url)
        await ws.send(subscribe("rate", RATE))
        await next_message(ws)
    with pytest.raises(ConnectionClosed) as closed:
        while True:
            await ws.recv()
    # uvicorn says "service restart" to open sockets before the app's shutdown runs.
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1012
    assert hub.shared_evaluations == 0

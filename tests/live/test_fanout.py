"""Shared evaluation, deltas and resume, through real WebSockets on a loopback uvicorn server."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Callable
from typing import Any

import orjson
from websockets.asyncio.client import ClientConnection, connect

from pulseboard.promql.api import Matrix
from tests.live.conftest import COUNTER, SECOND, LiveServer, receive

RATE = f"sum by (instance) (rate({COUNTER}[10s]))"


async def next_message(ws: ClientConnection, kind: str = "data") -> dict[str, Any]:
    while True:
        message = await receive(ws)
        if message["type"] == kind:
            return message  # type: ignore[no-any-return]
        assert message["type"] != "error", message


async def data_messages(ws: ClientConnection, count: int) -> list[dict[str, Any]]:
    return [await next_message(ws) for _ in range(count)]


async def eventually(condition: Callable[[], bool], seconds: float = 5) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.02)
    return True


def subscribe(subscription_id: str, query: str, **extra: Any) -> str:
    message = {"type": "subscribe", "id": subscription_id, "query": query, "interval": "1s"}
    return orjson.dumps({**message, "range": "30s", **extra}).decode()


def points(messages: list[dict[str, Any]]) -> dict[str, list[tuple[int, float]]]:
    """instance -> (timestamp, value) in the order they were received."""
    result: dict[str, list[tuple[int, float]]] = {}
    for message in messages:
        for series in message["series"]:
            pairs = zip(series["timestamps"], series["values"], strict=True)
            result.setdefault(series["labels"]["instance"], []).extend(pairs)
    return result


def direct(server: LiveServer, query: str, start_ms: int, end_ms: int) -> dict[str, Any]:
    """The same steps asked of the engine in one range query."""
    value = server.engine.engine.range(query, start_ms, end_ms, SECOND).value
    assert isinstance(value, Matrix)
    return {
        dict(s.labels)["instance"]: list(zip(s.timestamps.tolist(), s.values.tolist(), strict=True))
        for s in value.series
    }


async def test_identical_subscribers_share_one_evaluation_per_tick(
    live_server: LiveServer,
) -> None:
    clients = 6
    connections = [await connect(live_server.ws_url) for _ in range(clients)]
    try:
        for index, ws in enumerate(connections):
            await ws.send(subscribe(f"c{index}", RATE))
        firsts = [await next_message(ws) for ws in connections]
        assert all(first["reset"] for first in firsts)
        received = await asyncio.gather(*(data_messages(ws, 3) for ws in connections))
    finally:
        for ws in connections:
            await ws.close()

    # The last subscriber gone, the shared loop stops.
    assert await eventually(lambda: live_server.hub.shared_evaluations == 0)
    pushed_windows = {(m["start"], m["end"]) for messages in received for m in messages}
    tick_calls = [
        (start, end)
        for query, start, end, _ in live_server.engine.ranges
        if query == RATE and (start, end) in pushed_windows
    ]
    # Every pushed window was evaluated exactly once for all six subscribers ...
    assert sorted(tick_calls) == sorted(pushed_windows)
    # ... and every subscriber got the same points for it.
    for messages in received[1:]:
        shared = {(m["start"], m["end"]): m["series"] for m in received[0]}
        for message in messages:
            if (message["start"], message["end"]) in shared:
                assert message["series"] == shared[(message["start"], message["end"])]


async def test_pushes_carry_only_the_new_points_and_match_a_direct_query(
    live_server: LiveServer,
) -> None:
    async with connect(live_server.ws_url) as ws:
        await ws.send(subscribe("rate", RATE))
        messages = await data_messages(ws, 4)

    first, *later = messages
    assert first["reset"] and first["end"] - first["start"] == 29 * SECOND
    previous_end = first["end"]
    for message in later:
        assert not message["reset"]
        assert message["start"] == previous_end + SECOND  # nothing resent, nothing skipped
        assert message["computed_at"] >= message["end"]
        for series in message["series"]:
            assert all(message["start"] <= t <= message["end"] for t in series["timestamps"])
        previous_end = message["end"]
    assert points(messages) == direct(live_server, RATE, first["start"], previous_end)


async def test_resume_with_since_has_no_gap_and_no_duplicate(live_server: LiveServer) -> None:
    async with connect(live_server.ws_url) as ws:
        await ws.send(subscribe("rate", RATE))
        before = await data_messages(ws, 2)
    await asyncio.sleep(2.5)  # disconnected while the server goes on
    async with connect(live_server.ws_url) as ws:
        await ws.send(subscribe("rate", RATE, since=before[-1]["end"]))
        after = await data_messages(ws, 2)

    resumed = after[0]
    assert not resumed["reset"]
    assert resumed["start"] == before[-1]["end"] + SECOND
    assert resumed["end"] - resumed["start"] >= SECOND  # the steps missed while away came back
    received = points(before + after)
    for pairs in received.values():
        stamps = [t for t, _ in pairs]
        assert stamps == sorted(set(stamps))  # no duplicate
        assert all(b - a == SECOND for a, b in itertools.pairwise(stamps))  # no gap
    assert received == direct(live_server, RATE, before[0]["start"], after[-1]["end"])


async def test_series_that_appear_are_named(live_server: LiveServer) -> None:
    query = f'{COUNTER}{{instance="a"}} or vector(time() % 2) > 0'
    async with connect(live_server.ws_url) as ws:
        await ws.send(subscribe("flip", query))
        messages = await data_messages(ws, 5)
    changes = [(m["appeared"], m["vanished"]) for m in messages[1:]]
    # vector(...) exists on odd seconds only: it appears and vanishes by turns.
    assert any(appeared == [{}] for appeared, _ in changes)
    assert any(vanished == [{}] for _, vanished in changes)


async def test_a_ticks_messages_for_one_client_travel_in_one_frame(
    live_server: LiveServer,
) -> None:
    queries = [RATE, f"count({COUNTER})", f"max({COUNTER})", f"min({COUNTER})"]
    async with connect(live_server.ws_url) as ws:
        for index, query in enumerate(queries):
            await ws.send(subscribe(f"q{index}", query))
        batched = 0
        for _ in range(8):
            frame = orjson.loads(await asyncio.wait_for(ws.recv(), 10))
            if isinstance(frame, list):
                assert all(message["type"] == "data" for message in frame)
                batched = max(batched, len({message["id"] for message in frame}))
        # Every tick evaluates the four queries; their messages leave together.
        assert batched == len(queries)

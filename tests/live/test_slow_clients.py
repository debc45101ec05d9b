"""A client that does not read is dropped from the fan-out; the others do not notice."""

from __future__ import annotations

import asyncio
import itertools

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from pulseboard.live.hub import LiveHub, LiveLimits
from pulseboard.model.samples import BatchBuilder
from pulseboard.storage.embedded import EmbeddedStorage
from tests.live.conftest import SECOND, CountingEngine, running_live_server
from tests.live.test_fanout import RATE, data_messages, eventually, subscribe

WIDE_SERIES = 300


def write_wide_history(storage: EmbeddedStorage, end_ms: int, seconds: int) -> None:
    """Many series, so that one subscription's first window is megabytes of JSON."""
    builder = BatchBuilder()
    for second in range(seconds):
        for index in range(WIDE_SERIES):
            labels = (("__name__", "wide"), ("index", str(index)))
            builder.add(labels, end_ms - second * SECOND, float(index + second))
    storage.append(builder.build())


async def test_a_client_that_never_reads_is_dropped_and_others_keep_receiving(
    storage: EmbeddedStorage, engine: CountingEngine
) -> None:
    hub = LiveHub(engine, limits=LiveLimits(send_queue_messages=4))
    with running_live_server(storage, engine, hub) as server:
        write_wide_history(storage, server.writer.last_written_ms, 900)
        async with (
            connect(server.ws_url) as fast,
            connect(server.ws_url, max_queue=1, max_size=None) as slow,  # reads no further
        ):
            await fast.send(subscribe("rate", RATE))
            for index in range(12):
                await slow.send(subscribe(f"wide{index}", "wide", range="15m"))
            assert await eventually(lambda: hub.connected_clients == 1, seconds=30)
            received = await data_messages(fast, 4)

            ends = [message["end"] for message in received[1:]]
            assert all(b - a == SECOND for a, b in itertools.pairwise(ends))  # no tick missed
            with pytest.raises(ConnectionClosed) as closed:
                while True:
                    await asyncio.wait_for(slow.recv(), 10)
            assert closed.value.rcvd is not None and closed.value.rcvd.code == 1013
            assert "too slow" in closed.value.rcvd.reason

"""When a tick's data is ready: the wall clock, and the newest sample ingestion acknowledged.

Ticks fall on multiples of the interval, so every subscriber of a query sees the same steps. The
point at tick T can only be computed once the samples stamped up to T are stored; waiting a fixed
delay after T for them would add that delay to every push. So the tick is evaluated as soon as
ingestion reports a sample stamped T or later (writers have moved past T), and at T + settle at
the latest, for sources that write nothing at or after T. A sample stamped T or earlier that
arrives after its tick was pushed still counts in later steps (lookback, rate windows), as with
Prometheus' rule evaluation.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable


def wall_clock_ms() -> int:
    return time.time_ns() // 1_000_000


def next_tick(after_ms: int, interval_ms: int) -> int:
    return (after_ms // interval_ms + 1) * interval_ms


class DataClock:
    def __init__(self, now_ms: Callable[[], int] = wall_clock_ms) -> None:
        self.now_ms = now_ms
        self.newest_sample_ms = -1
        self._arrived = asyncio.Event()

    def note_appended(self, newest_sample_ms: int) -> None:
        """Ingestion stored samples up to this timestamp (call on the event loop's thread)."""
        if newest_sample_ms > self.newest_sample_ms:
            self.newest_sample_ms = newest_sample_ms
            self._arrived.set()
            self._arrived = asyncio.Event()

    async def wait_for_tick(self, tick_ms: int, settle_ms: int) -> None:
        """Return once tick_ms has passed and its data is in, or at tick_ms + settle_ms."""
        ahead_s = (tick_ms - self.now_ms()) / 1000
        if ahead_s > 0:
            await asyncio.sleep(ahead_s)
        while self.newest_sample_ms < tick_ms:
            remaining_s = (tick_ms + settle_ms - self.now_ms()) / 1000
            if remaining_s <= 0:
                return
            try:
                await asyncio.wait_for(self._arrived.wait(), remaining_s)
            except TimeoutError:
                return

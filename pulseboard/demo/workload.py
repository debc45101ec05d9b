"""The demo workload service: backfills missing history, then writes live samples until stopped."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass

import numpy as np
from anyio import to_thread

from pulseboard.config import DemoConfig
from pulseboard.demo.simulator import Samples, Simulator, demo_selector
from pulseboard.ingest.pipeline import Ingester
from pulseboard.model.samples import Int64Array
from pulseboard.storage.protocol import UNRESTRICTED, AppendResult, Storage

log = logging.getLogger(__name__)

SOURCE = "demo"
# History is written coarser than live data: a week at 60 s is 10,080 steps, not 40,320.
BACKFILL_STEP_MS = 60_000
# One storage block window per chunk: each chunk closes into a block before the next is built,
# so memory holds about two windows however long the backfill.
CHUNK_MS = 2 * 3600 * 1000
# Below the default limits.max_samples_per_request (1,000,000), with room to spare.
MAX_SAMPLES_PER_STORE = 250_000
# How far back a restart looks for the demo's newest sample (the default raw retention).
RESUME_HORIZON_MS = 30 * 86_400_000
# What a restart reads to pick up every series' last value: the newest sample is in here.
RESUME_WINDOW_MS = 3600 * 1000


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


@dataclass
class WorkloadStats:
    accepted: int = 0
    duplicates: int = 0
    rejected: int = 0
    backfilled_samples: int = 0
    backfill_seconds: float = 0.0
    live_ticks: int = 0


class DemoWorkload:
    """Writes the demo series through the ingestion path, as any sender would."""

    def __init__(
        self, ingester: Ingester, storage: Storage, config: DemoConfig, seed: int = 42
    ) -> None:
        self._interval_ms = int(config.interval.total_seconds() * 1000)
        if self._interval_ms <= 0:
            raise ValueError("demo.interval must be positive")
        self._backfill_ms = max(0, int(config.backfill.total_seconds() * 1000))
        self._ingester = ingester
        self._storage = storage
        self._simulator = Simulator(seed)
        self._last_ms: int | None = None  # newest time written, by this run or an earlier one
        self._task: asyncio.Task[None] | None = None
        self.stats = WorkloadStats()
        self.backfilled = asyncio.Event()

    async def start(self) -> None:
        """Returns at once: the backfill runs in the background, so the server starts serving."""
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="demo-workload")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is None:
            return
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    async def _run(self) -> None:
        # A failure here must not take the server down with it, so it is logged, not raised.
        try:
            await to_thread.run_sync(self._resume)
        except Exception:
            # Without the stored values, counters would start again below them: write nothing.
            log.exception("demo workload: cannot read the demo's stored series; not writing")
            return
        try:
            await self._backfill()
        except Exception:
            log.exception("demo workload: backfill failed; writing live samples only")
        self.backfilled.set()
        await self._live()

    # ----------------------------------------------------------------------------- history

    def _resume(self) -> None:
        """Continue after the newest demo sample already stored, from its series' values."""
        newest = self._newest_stored()
        if newest is None:
            return
        stored = self._storage.select(demo_selector(), newest - RESUME_WINDOW_MS, newest)
        self._simulator.restore(stored)
        self._last_ms = newest
        log.info("demo workload: continuing after %d series' samples up to %d", len(stored), newest)

    def _newest_stored(self) -> int | None:
        # The Storage protocol answers "which series have samples in [start, end]", so the
        # newest time is found by bisection, without reading any samples.
        selector = [demo_selector()]
        lo = _now_ms() - RESUME_HORIZON_MS
        hi = _now_ms() + CHUNK_MS
        far = hi
        if not self._storage.series(selector, lo, far):
            return None
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self._storage.series(selector, mid, far):
                lo = mid
            else:
                hi = mid - 1
        return lo

    async def _backfill(self) -> None:
        started = time.perf_counter()
        now = _now_ms()
        oldest = now - self._backfill_ms
        first = oldest if self._last_ms is None else max(oldest, self._last_ms + 1)
        first = -(-first // BACKFILL_STEP_MS) * BACKFILL_STEP_MS  # up to the 60 s grid
        # After a gap longer than the backfill, counters resume as if one step had passed.
        previous = self._last_ms
        if previous is None or previous < oldest - BACKFILL_STEP_MS:
            previous = first - BACKFILL_STEP_MS
        written = 0
        while first <= now:
            chunk_end = min(now, (first // CHUNK_MS + 1) * CHUNK_MS - 1)
            times = np.arange(first, chunk_end + 1, BACKFILL_STEP_MS, dtype=np.int64)
            written += await to_thread.run_sync(self._write, times, previous, True)
            previous, first = int(times[-1]), int(times[-1]) + BACKFILL_STEP_MS
        self.stats.backfilled_samples += written
        self.stats.backfill_seconds += time.perf_counter() - started
        if written:
            log.info(
                "demo workload: backfilled %d samples in %.1fs",
                written,
                self.stats.backfill_seconds,
            )

    # ----------------------------------------------------------------------------- live

    async def _live(self) -> None:
        while True:
            now = _now_ms()
            # Aligned to the interval, as scrapes are, so live times are round numbers.
            due = (now // self._interval_ms + 1) * self._interval_ms
            last = self._last_ms
            if last is not None and due <= last:  # the clock went back: never rewrite a time
                due = last + self._interval_ms
            await asyncio.sleep(max(0.0, (due - _now_ms()) / 1000.0))
            previous = last if last is not None else due - self._interval_ms
            try:
                times = np.array([due], dtype=np.int64)
                await to_thread.run_sync(self._write, times, previous, False)
            except Exception:  # one failed tick is logged; the next one tries again
                log.exception("demo workload: writing live samples failed")
            else:
                self.stats.live_ticks += 1

    # ----------------------------------------------------------------------------- writing

    def _write(self, times: Int64Array, previous_ms: int, maintain: bool) -> int:
        samples = self._simulator.advance(times, previous_ms)
        self._last_ms = int(times[-1])
        self._store(samples)
        if maintain:
            self._storage.maintain()
        return len(samples)

    def _store(self, samples: Samples) -> None:
        for batch in samples.batches(MAX_SAMPLES_PER_STORE):
            result = self._ingester.store(batch, SOURCE, UNRESTRICTED)
            self._account(result)

    def _account(self, result: AppendResult) -> None:
        self.stats.accepted += result.accepted
        self.stats.duplicates += result.duplicates
        self.stats.rejected += result.rejected_count
        if result.rejected:
            log.warning("demo workload: samples refused: %s", result.message())

"""Selector reads shared by the selectors of one query, or of one batch of queries.

A dashboard reads the same series many times: `http_requests_total` under the 4xx ratio, the
5xx ratio and their denominator, each at the stat panels' step and again at the graphs' step. The
ranges differ only by the step alignment and the selector's own range, so one read of the union
answers them all: every consumer cuts its windows out of the samples by time (window bounds,
lookback), and samples outside its windows are never looked at.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable
from dataclasses import dataclass

from pulseboard.storage.protocol import SeriesSet

# Samples kept for reuse by one query or batch: a dashboard over a large selection must not hold
# every selection it made until its last panel is done.
MAX_KEPT_SAMPLES = 4_000_000


@dataclass(frozen=True)
class _Kept:
    start_ms: int
    end_ms: int
    data: SeriesSet


class SharedReads:
    def __init__(self, max_kept_samples: int = MAX_KEPT_SAMPLES) -> None:
        self._kept: dict[Hashable, _Kept] = {}
        self._kept_samples = 0
        self._max_kept_samples = max_kept_samples
        self._lock = threading.Lock()

    def covering(self, key: Hashable, start_ms: int, end_ms: int) -> SeriesSet | None:
        """The kept read of `key` if it holds all of start..end."""
        with self._lock:
            kept = self._kept.get(key)
        if kept is not None and kept.start_ms <= start_ms and end_ms <= kept.end_ms:
            return kept.data
        return None

    def span(self, key: Hashable, start_ms: int, end_ms: int) -> tuple[int, int]:
        """The range to read for start..end: with what is kept of `key`, so that the new read
        covers both (a coarser grid's earlier start, a finer one's later end)."""
        with self._lock:
            kept = self._kept.get(key)
        if kept is None:
            return start_ms, end_ms
        return min(start_ms, kept.start_ms), max(end_ms, kept.end_ms)

    def keep(self, key: Hashable, start_ms: int, end_ms: int, data: SeriesSet) -> None:
        samples = len(data.timestamps)
        with self._lock:
            old = self._kept.pop(key, None)
            if old is not None:
                self._kept_samples -= len(old.data.timestamps)
            if self._kept_samples + samples <= self._max_kept_samples:
                self._kept[key] = _Kept(start_ms, end_ms, data)
                self._kept_samples += samples

"""Giving memory freed by large transient work back to the operating system.

A query over millions of samples or a large import allocates and frees hundreds of megabytes in
worker threads. glibc keeps most of that freed memory in its heaps (only a heap's top is trimmed
on free), so the server's resident size would stay at its high-water mark: measured on 20k series,
~1 GiB after a heavy query against ~0.6 GiB with the memory released. `malloc_trim(0)` releases
the free pages inside the heaps too; it costs a few milliseconds, so it runs once per
RELEASE_EVERY_SAMPLES samples of work, not after every request.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import threading
from collections.abc import Callable

RELEASE_EVERY_SAMPLES = 2_000_000


def _malloc_trim() -> Callable[[int], int] | None:
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    trim: Callable[[int], int] | None = getattr(ctypes.CDLL(name), "malloc_trim", None)
    return trim  # glibc has it; musl and macOS do not


class MemoryReleaser:
    def __init__(self, every_samples: int = RELEASE_EVERY_SAMPLES) -> None:
        self._every = every_samples
        self._since = 0
        self._lock = threading.Lock()
        self._trim = _malloc_trim()
        self.releases = 0

    def note(self, samples: int) -> None:
        """Count work done; release free memory once enough has been done since the last time."""
        with self._lock:
            self._since += samples
            if self._since < self._every:
                return
            self._since = 0
        if self._trim is not None:
            self._trim(0)
        self.releases += 1


RELEASER = MemoryReleaser()

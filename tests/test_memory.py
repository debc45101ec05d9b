"""Freed memory goes back to the operating system once enough work has been done."""

from __future__ import annotations

import numpy as np
import psutil

from pulseboard.memory import MemoryReleaser


def test_releases_once_per_amount_of_work() -> None:
    releaser = MemoryReleaser(every_samples=1_000)
    for _ in range(9):
        releaser.note(100)
    assert releaser.releases == 0
    releaser.note(100)
    assert releaser.releases == 1
    releaser.note(2_500)
    assert releaser.releases == 2


def test_a_release_returns_freed_heap_memory() -> None:
    process = psutil.Process()
    # Many mid-sized blocks (below glibc's mmap threshold) freed but for a few survivors that
    # pin the heap: without a trim the freed pages stay resident.
    blocks = [np.ones(16_384) for _ in range(8_000)]  # ~1 GiB in 128 KiB blocks
    survivors = blocks[::500]
    del blocks
    before = process.memory_info().rss
    MemoryReleaser(every_samples=1).note(1)
    after = process.memory_info().rss
    assert len(survivors) == 16
    assert before - after > 256 * 2**20

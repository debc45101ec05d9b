"""The decoded-group cache: hits, the byte budget, and forgetting deleted blocks."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from pulseboard.config import StorageConfig
from pulseboard.model.matchers import parse_selector
from pulseboard.storage.block_cache import DecodedGroupCache
from pulseboard.storage.embedded import EmbeddedStorage
from tests.storage.test_embedded import HOUR, NOW, grid


def group(size: int) -> dict[str, np.ndarray]:
    return {"t": np.arange(size, dtype=np.int64), "value": np.ones(size)}


def test_a_cached_group_is_loaded_once_and_read_only() -> None:
    cache = DecodedGroupCache(10_000)
    loads = []
    first = cache.get(("a", 0), lambda: loads.append(1) or group(10))
    again = cache.get(("a", 0), lambda: loads.append(1) or group(10))
    assert first is again and loads == [1]
    assert not first["value"].flags.writeable


def test_the_least_recently_used_go_first_within_the_budget() -> None:
    cache = DecodedGroupCache(3 * 160)  # room for three groups of 10 rows (16 bytes a row)
    for block in "abc":
        cache.get((block, 0), lambda: group(10))
    cache.get(("a", 0), lambda: group(10))  # a is now the most recent
    cache.get(("d", 0), lambda: group(10))
    loads = []
    cache.get(("b", 0), lambda: loads.append("b") or group(10))
    cache.get(("a", 0), lambda: loads.append("a") or group(10))
    assert loads == ["b"]
    assert cache.size_bytes <= 3 * 160


def test_a_group_larger_than_the_budget_is_not_kept() -> None:
    cache = DecodedGroupCache(100)
    cache.get(("a", 0), lambda: group(100))
    assert cache.size_bytes == 0


def test_reads_through_the_cache_equal_reads_without_it(tmp_path: Path) -> None:
    start = NOW - NOW % (2 * HOUR) - 6 * HOUR
    answers = []
    for budget in (0, 64 * 1024 * 1024):
        storage = EmbeddedStorage(tmp_path / str(budget), StorageConfig(block_cache_bytes=budget))
        storage.append(grid(50, 4 * 240, start))
        storage.maintain(NOW)
        for _ in range(2):  # the second read comes from the cache where there is one
            found = storage.select(
                parse_selector('requests_total{instance=~"host-1.*"}'), start + 1, start + 3 * HOUR
            )
            answers.append((found.labels, found.timestamps.tolist(), found.values.tolist()))
        storage.close()
    assert all(answer == answers[0] for answer in answers)
    assert len(answers[0][0]) == 11


def test_retention_forgets_the_groups_of_deleted_blocks(tmp_path: Path) -> None:
    storage = EmbeddedStorage(tmp_path, StorageConfig(retention={"raw": "8h"}))
    storage.append(grid(5, 100, NOW - 7 * HOUR))
    storage.maintain(NOW)
    storage.select(parse_selector("requests_total"), 0, NOW)
    assert storage.stats().block_cache_bytes > 0
    storage.maintain(NOW + 4 * HOUR)
    assert storage.stats().block_cache_bytes == 0
    storage.close()


def test_head_chunks_are_cached_and_forgotten_when_their_window_closes(tmp_path: Path) -> None:
    answers = []
    for budget in (0, 64 * 1024 * 1024):
        storage = EmbeddedStorage(tmp_path / str(budget), StorageConfig(block_cache_bytes=budget))
        storage.append(grid(50, 240, NOW - HOUR))  # the last hour: frozen (compressed) segments
        for _ in range(2):  # the second read comes from the cache where there is one
            found = storage.select(parse_selector('requests_total{instance=~"host-2.*"}'), 0, NOW)
            answers.append((found.labels, found.timestamps.tolist(), found.values.tolist()))
        assert (storage.stats().block_cache_bytes > 0) == (budget > 0)
        storage.flush_all()
        assert storage.stats().block_cache_bytes == 0
        storage.close()
    assert all(answer == answers[0] for answer in answers)
    assert len(answers[0][0]) == 11 and len(answers[0][1]) == 11 * 240


def test_threads_reading_one_block_at_once_get_the_same_rows(tmp_path: Path) -> None:
    """Dashboards evaluate their panels concurrently: reads of one block from several threads
    must neither fail (a Parquet reader is not thread-safe) nor differ."""
    from concurrent.futures import ThreadPoolExecutor

    start = NOW - NOW % (2 * HOUR) - 6 * HOUR
    storage = EmbeddedStorage(tmp_path, StorageConfig(block_cache_bytes=0))
    storage.append(grid(200, 4 * 240, start))
    storage.maintain(NOW)

    def read(index: int) -> list[float]:
        selector = f'requests_total{{instance=~"host-{index % 10}.*"}}'
        found = storage.select(parse_selector(selector), start, start + 4 * HOUR)
        return found.values.tolist()

    expected = [read(i) for i in range(40)]
    with ThreadPoolExecutor(8) as pool:
        for _ in range(5):
            assert list(pool.map(read, range(40))) == expected
    storage.close()

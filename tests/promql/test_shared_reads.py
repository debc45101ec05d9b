"""Kept selector reads: answered only when they cover the range asked, within a memory budget."""

from __future__ import annotations

import numpy as np

from pulseboard.promql.shared_reads import SharedReads
from pulseboard.storage.protocol import SeriesSet


def _samples(count: int) -> SeriesSet:
    return SeriesSet([()], np.array([0, count]), np.arange(count, dtype=np.int64), np.zeros(count))


def test_a_kept_read_answers_ranges_inside_it_only() -> None:
    reads = SharedReads()
    data = _samples(10)
    reads.keep("x", 100, 200, data)
    assert reads.covering("x", 100, 200) is data
    assert reads.covering("x", 150, 160) is data
    assert reads.covering("x", 99, 160) is None
    assert reads.covering("x", 150, 201) is None
    assert reads.covering("y", 150, 160) is None
    assert reads.span("x", 50, 150) == (50, 200)
    assert reads.span("y", 50, 150) == (50, 150)


def test_reads_beyond_the_budget_are_not_kept() -> None:
    reads = SharedReads(max_kept_samples=15)
    reads.keep("a", 0, 10, _samples(10))
    reads.keep("b", 0, 10, _samples(10))  # 20 > 15
    assert reads.covering("a", 0, 10) is not None
    assert reads.covering("b", 0, 10) is None
    reads.keep("a", 0, 20, _samples(4))  # replacing a read frees what it held
    reads.keep("b", 0, 10, _samples(10))
    assert reads.covering("b", 0, 10) is not None

"""Window bounds agree with a per-series searchsorted, regular or irregular samples."""

from __future__ import annotations

import numpy as np
import pytest

from pulseboard.promql.windows import bounds


def _reference(offsets: np.ndarray, timestamps: np.ndarray, times: np.ndarray) -> np.ndarray:
    rows = []
    for i in range(len(offsets) - 1):
        own = timestamps[offsets[i] : offsets[i + 1]]
        rows.append(np.searchsorted(own, times, side="right") + offsets[i])
    return np.array(rows, dtype=np.int64).reshape(len(offsets) - 1, len(times))


@pytest.mark.parametrize("seed", range(5))
# Windows of 100 reuse the ends of earlier windows as their starts at spacings of 25 and 5, and
# cannot at 37.
@pytest.mark.parametrize("spacing", [37, 25, 5])
def test_irregular_series_match_per_series_searchsorted(seed: int, spacing: int) -> None:
    rng = np.random.default_rng(seed)
    lengths = rng.integers(0, 40, 30)
    lengths[3] = 0  # an empty series in the middle
    offsets = np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)
    timestamps = np.concatenate(
        [np.sort(rng.choice(np.arange(0, 1000), n, replace=False)) for n in lengths]
    ).astype(np.int64)
    upto = np.arange(-50, 1100, spacing, dtype=np.int64)
    after = upto - 100
    expected_lo = _reference(offsets, timestamps, after)
    expected_hi = _reference(offsets, timestamps, upto)
    lo, hi = bounds(offsets, timestamps, after, upto)
    np.testing.assert_array_equal(lo, expected_lo)
    np.testing.assert_array_equal(hi, expected_hi)


def test_no_samples_at_all() -> None:
    offsets = np.zeros(3, np.int64)
    lo, hi = bounds(offsets, np.empty(0, np.int64), np.array([0, 5]), np.array([10, 15]))
    assert lo.shape == (2, 2)
    assert (lo == 0).all() and (hi == 0).all()


def test_regular_scrapes_with_jitter_and_gaps() -> None:
    rng = np.random.default_rng(7)
    series = []
    for i in range(20):
        ts = np.arange(0, 3_600_000, 15_000) + rng.integers(100, 900, 240)
        if i % 3 == 0:
            ts = np.concatenate([ts[:50], ts[150:]])  # a gap: interpolation guesses badly
        series.append(np.sort(ts))
    offsets = np.concatenate(([0], np.cumsum([len(s) for s in series]))).astype(np.int64)
    timestamps = np.concatenate(series).astype(np.int64)
    upto = np.arange(-60_000, 3_700_000, 60_000, dtype=np.int64)
    after = upto - 300_000
    lo, hi = bounds(offsets, timestamps, after, upto)
    np.testing.assert_array_equal(lo, _reference(offsets, timestamps, after))
    np.testing.assert_array_equal(hi, _reference(offsets, timestamps, upto))


def test_times_that_go_back_are_searched_again() -> None:
    """Instant selectors with `@` or offsets can ask for times out of order."""
    offsets = np.array([0, 4, 4, 9], np.int64)
    timestamps = np.array([10, 20, 30, 40, 5, 15, 25, 35, 45], np.int64)
    times = np.array([35, 12, 45, 0, 100, 20], np.int64)
    _, hi = bounds(offsets, timestamps, times, times)
    np.testing.assert_array_equal(hi, _reference(offsets, timestamps, times))

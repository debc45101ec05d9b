"""Random draws that add up the way real measurements do: counts, histogram buckets, sums."""

from __future__ import annotations

import numpy as np

from pulseboard.model.samples import Float64Array

# Abramowitz & Stegun 7.1.26: |error| < 1.5e-7, plenty for bucket shares, and no scipy needed.
_A = (0.254829592, -0.284496736, 1.421413741, -1.453152027, 1.061405429)
_P = 0.3275911


def normal_cdf(z: Float64Array) -> Float64Array:
    x = np.abs(z) / np.sqrt(2.0)
    k = 1.0 / (1.0 + _P * x)
    poly = k * (_A[0] + k * (_A[1] + k * (_A[2] + k * (_A[3] + k * _A[4]))))
    erf = 1.0 - poly * np.exp(-x * x)
    return np.asarray(0.5 * (1.0 + np.sign(z) * erf))


def lognormal_buckets(
    median: Float64Array, sigma: Float64Array, bounds: tuple[float, ...]
) -> tuple[Float64Array, Float64Array]:
    """Share of observations in each bucket (bounds, then +Inf) and their mean in that bucket.

    `median` and `sigma` broadcast together to (..., groups); results are (..., groups, len+1).
    The in-bucket mean is exact for a log-normal, so `_sum / _count` stays the distribution's
    mean whatever the buckets are.
    """
    mu = np.log(median)[..., None]
    s = np.broadcast_to(sigma, median.shape)[..., None]
    z = (np.log(np.asarray(bounds)) - mu) / s
    below = _with_ends(normal_cdf(z))  # P(X <= bound), from 0 to 1
    share = np.diff(below, axis=-1)
    partial = np.diff(_with_ends(normal_cdf(z - s)), axis=-1)  # E[X; in bucket] / e^(mu+s²/2)
    partial_mean = np.exp(mu + s * s / 2.0) * partial
    # Where a bucket's share underflows, its mean is taken inside the bucket's own bounds.
    edges = np.asarray((bounds[0] / 2.0, *bounds, bounds[-1] * 2.0))
    fallback = np.sqrt(edges[:-1] * edges[1:])
    mean = np.where(share > 1e-12, partial_mean / np.maximum(share, 1e-300), fallback)
    return np.asarray(share), np.asarray(mean)


def _with_ends(cdf: Float64Array) -> Float64Array:
    shape = (*cdf.shape[:-1], 1)
    return np.concatenate([np.zeros(shape), cdf, np.ones(shape)], axis=-1)


def observe(
    rng: np.random.Generator,
    expected: Float64Array,
    median: Float64Array,
    sigma: Float64Array,
    bounds: tuple[float, ...],
) -> tuple[Float64Array, Float64Array]:
    """Observations in one interval: per-bucket counts (not cumulative) and their sum.

    Each bucket's count is an independent Poisson draw, so their total is Poisson with mean
    `expected` and the buckets are consistent with `_count` by construction.
    """
    share, mean = lognormal_buckets(median, sigma, bounds)
    counts = rng.poisson(expected[..., None] * share).astype(np.float64)
    return counts, np.asarray((counts * mean).sum(axis=-1))


def amounts(rng: np.random.Generator, events: Float64Array, mean: Float64Array) -> Float64Array:
    """Total of `events` independent amounts (tokens, CPU seconds) of the given mean, cv ~0.5."""
    spread = 0.5 * mean * np.sqrt(events)
    total = events * mean + spread * rng.standard_normal(events.shape)
    return np.asarray(np.round(np.maximum(total, 0.0)))
